"""WindowController: one main window's state (the payload document, the drafts, the current
check, the environment sends go to) and the choice of vendor, operation and profile. Its parts
do the rest, each in its module: StartupSequence (start-up after the first paint),
PayloadPresenter (the form, the editor, issues and preview), SendController (send and cancel)
and WindowActions (history, plans, cases, dialogs, copies). The window (main_window.py) lays
out the widgets and wires them to these; every decision about a vendor is the engine's."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import QByteArray, QObject, QTimer

from console.core.definitions import vendors
from console.core.document import PayloadDocument
from console.core.profiles import SANDBOX
from console.core.window_state import WindowState, draft_text, load_state, redact_draft, save_state
from console.engine.environment import Environment, Where
from console.ui.window.payload_presenter import PayloadPresenter
from console.ui.window.send_controller import SendController
from console.ui.window.startup_sequence import StartupSequence, warm_up
from console.ui.window.window_actions import WindowActions

SAVE_DELAY_MS = 1500  # the window's state is saved this long after the last change
RETENTION_EVERY_S = 60  # history's retention runs at start-up and at most this often after a send


class WindowController(QObject):
    """State and choices of one main window `w` on the AppContext `ctx`, and its parts:
    `startup`, `payload`, `sending` and `actions`."""

    def __init__(self, window, ctx, state: WindowState | None = None):
        super().__init__(window)
        self.w = window
        self.ctx = ctx
        self.state: WindowState = state if state is not None else load_state(ctx.home)
        self.drafts: dict[str, str] = dict(self.state.drafts)
        self.document = PayloadDocument()  # the one payload document both views show
        self.prepared = None  # pipeline.Prepared of the current payload
        self.fixes: dict = {}  # issue → its quick fix (console.engine.quick_fix), for the current draft
        self.last_answers: dict[str, tuple[int, object]] = {}  # "vendor/operation" → (status, JSON)
        self.environment = Environment(Where.SANDBOX, "sandbox")  # where Send goes
        self.safety_note = ""  # why the window opened on the sandbox, when it did
        self.closed = False
        self._keyring_known = False  # looked up after start-up, on a worker (the warm-up)
        self._loading = False  # the operation list is being refilled
        self._current_key = ""  # the "vendor/operation" whose draft the editor shows
        self._retention_applied = 0.0
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        self.startup = StartupSequence(self)
        self.payload = PayloadPresenter(self)
        self.sending = SendController(self)
        self.actions = WindowActions(self)

    @property
    def started(self) -> bool:
        """Whether what the first paint does not need is up (history, sender, shortcuts)."""
        return self.startup.started

    @property
    def ready(self) -> bool:
        """Whether the start-up's first check of the payload has run (issues and preview shown)."""
        return self.startup.ready

    def close(self) -> None:
        """The window closes: save, let a late answer land in history, close the context."""
        if self.closed:
            return
        self.save_state()
        self.sending.stop()
        self.closed = True
        self._save_timer.stop()
        self.payload.stop()
        self.actions.stop()
        self.w.history.detach()
        self.w.suites.wait(3000)  # a suite run stops after its current case
        self.w.capture.stop(wait=True)  # what it answered is recorded before history closes
        self.sending.wait(3000)
        self.ctx.close()

    @property
    def vendor_def(self):
        return vendors()[self.w.vendor.currentData()]

    @property
    def op_def(self):
        return self.vendor_def.operations[self.w.operation.currentData()]

    @property
    def draft_key(self) -> str:
        return f"{self.w.vendor.currentData()}/{self.w.operation.currentData()}"

    def restore(self) -> None:
        """Brings back the last session's choices (once the widgets exist)."""
        state = self.state
        if state.geometry:
            self.w.restoreGeometry(QByteArray.fromBase64(state.geometry.encode()))
        for name, split in self.w.splitters().items():
            if state.splitters.get(name):
                split.restoreState(QByteArray.fromBase64(state.splitters[name].encode()))
        index = self.w.vendor.findData(state.vendor) if state.vendor in vendors() else 0
        self.w.vendor.setCurrentIndex(max(0, index))
        self.vendor_changed()
        if state.operation:
            op_index = self.w.operation.findData(state.operation)
            if op_index >= 0:
                self.w.operation.setCurrentIndex(op_index)

    def first_steps_done(self) -> None:
        """The first-steps strip was dismissed: it stays away in later sessions too."""
        self.state.first_steps_done = True
        self.update_sandbox_banner()
        self.schedule_save()

    # -- vendor, operation, profile ---------------------------------------------------------
    def vendor_changed(self, *_) -> None:
        vendor = self.vendor_def
        self._store_draft()
        self._loading = True
        self.w.operation.blockSignals(True)
        self.w.operation.clear()
        for op in vendor.operations.values():
            self.w.operation.addItem(f"{op.title} ({op.name})", op.name)
        self.w.operation.blockSignals(False)
        self.fill_profiles(self._remembered_profile(vendor.name))
        self._loading = False
        self.operation_changed()

    def _remembered_profile(self, vendor: str) -> str:
        """The profile last used with `vendor`; the sandbox instead of a live profile that sends
        without asking (the window never opens one click away from production)."""
        name = self.state.profiles.get(vendor, SANDBOX)
        if name == SANDBOX or self.ctx.profiles.asks_before_send(vendor, name):
            return name
        from console.engine.environment import environment

        try:
            live = environment(self.ctx, vendor, next(iter(vendors()[vendor].operations)), name).kind is Where.LIVE
        except Exception:  # noqa: BLE001 - an unreadable profiles file: the sandbox is the safe choice
            live = True
        if live:  # said in the sandbox banner until another profile is chosen
            self.safety_note = (f"Profile {name!r} sends to a live host without asking, so the window opened on "
                                "the sandbox. Choose it under Profile to use it.")
            return SANDBOX
        return name

    def fill_profiles(self, select: str) -> None:
        """The vendor's profiles in the Profile list, `select` chosen (the first if it is gone)."""
        names = self.ctx.profiles.names(self.w.vendor.currentData())
        self.w.profile.blockSignals(True)
        self.w.profile.clear()
        self.w.profile.addItems(names)
        self.w.profile.setCurrentIndex(names.index(select) if select in names else 0)
        self.w.profile.blockSignals(False)
        self.update_sandbox_banner()

    def operation_changed(self, *_) -> None:
        if self._loading or self.w.operation.currentData() is None:
            return
        self._store_draft()
        op = self.op_def
        self.w.response.follow_operation(self.draft_key)
        self.w.summary.setText(f"{op.summary}  —  {op.request.method} {{base_url}}{op.request.path}")
        self._current_key = self.draft_key
        self.payload.show_operation(op, draft_text(self.drafts, self.w.vendor.currentData(), op))
        self.schedule_save()

    def profile_changed(self, *_) -> None:
        from console.ui.workers import run_in_background

        self.state.profiles[self.w.vendor.currentData()] = self.w.profile.currentText()
        self.update_sandbox_banner()
        self.payload.validate_now()
        run_in_background(self, lambda: warm_up(self.ctx), lambda _result: None)
        self.schedule_save()

    def _store_draft(self) -> None:
        if self._current_key:
            self.drafts[self._current_key] = self.w.editor.toPlainText()

    # -- what the banners and the Environment label say -------------------------------------
    def update_sandbox_banner(self) -> None:
        if not self.started:
            return
        sandbox = self.w.profile.currentText() == SANDBOX
        if not sandbox:
            self.safety_note = ""
        if sandbox:
            self.w.sandbox_banner.setText(
                (self.safety_note + "\n" if self.safety_note else "") +
                f"Sandbox profile: sends go to the built-in sandbox on this computer ({self.ctx.sandbox_url()}/"
                f"{self.w.vendor.currentData()}); nothing leaves it. For a real account, add a profile in "
                "Profiles & keys.")
        # While the first steps are shown they say it (one strip, not two, on a small screen).
        self.w.sandbox_banner.setVisible(sandbox and (self.state.first_steps_done or bool(self.safety_note)))
        self._update_keyring_banner()

    def keyring_looked_up(self) -> None:
        """The warm-up looked the keyring up: the banner may say now that there is none."""
        self._keyring_known = True
        self._update_keyring_banner()

    def _update_keyring_banner(self) -> None:
        """"No keyring" matters once keys do: shown for a profile of a real account, not for
        the sandbox (its keys are built in)."""
        if not self._keyring_known:
            return  # looked up after start-up, on a worker (never on the GUI thread)
        missing = not self.ctx.secrets.available and self.w.profile.currentText() != SANDBOX
        if missing:
            self.w.keyring_banner.setText(self.ctx.secrets.problem or "No keyring")
        self.w.keyring_banner.setVisible(missing)

    def update_environment(self) -> None:
        """The always-visible Environment label: the sandbox, a local host or a live one."""
        from console.engine.environment import environment
        from console.ui.widgets.theme import ENVIRONMENT_STYLES

        vendor, profile = self.w.vendor.currentData(), self.w.profile.currentText()
        try:
            where = environment(self.ctx, vendor, self.w.operation.currentData(), profile or SANDBOX)
        except Exception:  # an unreadable profiles file: the issues list says it; the label stays
            return
        self.environment = where
        text = where.text
        if where.kind is Where.LIVE:
            text += (" — asks before each send" if self.ctx.profiles.asks_before_send(vendor, profile)
                     else " — sends without asking")
        self.w.environment.setText(text)  # a SpokenLabel: a screen reader hears it too
        self.w.environment.setStyleSheet(ENVIRONMENT_STYLES[where.kind])
        self.w.environment.setToolTip("Send goes to the built-in sandbox on this computer" if where.kind is Where.SANDBOX
                                      else f"Send goes to {where.host}" + (" — a real vendor account"
                                                                          if where.kind is Where.LIVE else ""))

    def apply_retention(self, only_if_due: bool = False) -> None:
        """History's retention: at start-up, and after a send at most once a minute."""
        if only_if_due and time.monotonic() - self._retention_applied <= RETENTION_EVERY_S:
            return
        self._retention_applied = time.monotonic()
        self.w.history.apply_retention()

    # -- the window's state ---------------------------------------------------------------
    def schedule_save(self) -> None:
        self._save_timer.start()

    def save_state(self) -> None:
        self._store_draft()
        secrets: list[str] = []
        if self.prepared is not None:
            secrets = [s for s in self.prepared.spec.secrets if s]
        drafts = {}
        for key, text in self.drafts.items():
            vendor, _, op = key.partition("/")
            example = vendors().get(vendor) and vendors()[vendor].operations.get(op)
            if example is not None and _same_json(text, example.example):
                continue  # an untouched example is not a draft
            drafts[key] = redact_draft(vendor, text, secrets)
        self.state.drafts = drafts
        self.state.geometry = bytes(self.w.saveGeometry().toBase64()).decode()
        self.state.splitters = {name: bytes(split.saveState().toBase64()).decode()
                                for name, split in self.w.splitters().items()}
        if self.w.suites.folder is not None:
            self.state.suites_folder = str(self.w.suites.folder)
        self.state.vendor = self.w.vendor.currentData() or ""
        self.state.operation = self.w.operation.currentData() or ""
        try:
            save_state(self.ctx.home, self.state)
        except OSError as exc:
            self.w.statusBar().showMessage(f"Could not save the window state: {exc}", 8000)


def _same_json(text: str, value) -> bool:
    try:
        return json.loads(text) == value
    except ValueError:
        return False
