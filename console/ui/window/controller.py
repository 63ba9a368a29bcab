"""WindowController: the main window's state and behaviour. It holds the payload document,
validates it and fills the preview, sends and cancels, shows answers and history entries,
opens the dialogs and saves the window's state. The window (main_window.py) only lays out
the widgets and forwards their signals here; every decision about a vendor is the engine's
(console.engine), reached through pipeline and actions."""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QTimer
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QListWidgetItem

from console.core.definitions import vendors
from console.core.document import PayloadDocument
from console.core.issue_codes import IssueCode
from console.core.outcomes import Outcome
from console.core.profiles import SANDBOX
from console.core.window_state import WindowState, draft_text, load_state, redact_draft, save_state
from console.engine.environment import Where
from console.ui.widgets.theme import is_dark, severity_colour

VALIDATE_DELAY_MS = 250
# Start-up goes in steps this far apart: input, painting and other timers get their turn in
# between (zero-delay steps ran back to back, one pause of 45 ms).
STEP_MS = 1
WARM_UP_AFTER_MS = 250  # from ready until the warm-up (keyring, HTTP library, validators) starts
SAVE_DELAY_MS = 1500
FIRST_CHECK_WAIT_MS = 5000  # the longest the window waits for its first check's child


class WindowController(QObject):
    """State and behaviour of one main window `w` on the AppContext `ctx`."""

    def __init__(self, window, ctx, state: WindowState | None = None, first_check=None):
        super().__init__(window)
        self.w = window
        self.ctx = ctx
        self.state: WindowState = state if state is not None else load_state(ctx.home)
        # The first check of the payload, begun in a forked child before Qt came up
        # (console.engine.first_check); its answer, once taken, feeds the first validate_now.
        self._first_check = first_check
        self._first_notifier = None  # watches the child's pipe (_await_first_check)
        self._first_answer = None
        self.drafts: dict[str, str] = dict(self.state.drafts)
        self.prepared = None  # pipeline.Prepared of the current payload
        self.last_answers: dict[str, tuple[int, object]] = {}  # "vendor/operation" → (status, JSON)
        self.job = None
        self._sent_at = 0.0
        self._closed = False
        self._started = False
        self._ready = False
        self._start_scheduled = False
        self._keyring_known = False  # looked up after start-up, on a worker (_warm_up)
        self.environment_kind = Where.SANDBOX  # where Send goes
        self.safety_note = ""  # why the window opened on the sandbox, when it did
        self.fixes: dict = {}  # issue → its quick fix (console.engine.quick_fix), for the current draft
        self.environment_host = "sandbox"  # and to which host
        self._loading = False
        self._form_dirty = True
        # The one payload document both views show (console.core.document).
        self.document = PayloadDocument()
        self.sender = None  # made when start-up is ready (_ensure_sender): not needed to paint
        self._validate_timer = QTimer(self, singleShot=True, interval=VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        self._history_timer = QTimer(self, singleShot=True, interval=100)
        self._history_timer.timeout.connect(lambda: self.w.history.refresh())
        self._busy_timer = QTimer(self, interval=100)
        self._busy_timer.timeout.connect(self._tick)

    @property
    def started(self) -> bool:
        """Whether what the first paint does not need is up (history, sender, shortcuts)."""
        return self._started

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """The window closes: save, let a late answer land in history, close the context."""
        if self._closed:
            return
        self.save_state()
        if self.job is not None:
            self.sender.cancel(self.job)
        self._closed = True
        if self._first_check is not None:  # closed before the first check answered
            self._stop_waiting().discard()
        for timer in (self._validate_timer, self._save_timer, self._busy_timer, self._history_timer):
            timer.stop()
        self.w.history.detach()
        self.w.suites.wait(3000)  # a suite run stops after its current case
        self.w.capture.stop(wait=True)  # what it answered is recorded before history closes
        # Let a late answer land in history (marked cancelled) before the database closes.
        if self.sender is not None:
            self.sender.wait(3000)
        self.ctx.close()

    def ctx_vendor(self, name: str):
        return vendors()[name]

    @property
    def vendor_def(self):
        return vendors()[self.w.vendor.currentData()]

    @property
    def op_def(self):
        return self.vendor_def.operations[self.w.operation.currentData()]

    @property
    def draft_key(self) -> str:
        return f"{self.w.vendor.currentData()}/{self.w.operation.currentData()}"

    def _first_steps_done(self) -> None:
        """The first-steps strip was dismissed: it stays away in later sessions too."""
        self.state.first_steps_done = True
        self._update_sandbox_banner()
        self._schedule_save()

    def restore(self) -> None:
        """Brings back the last session's choices (once the widgets exist)."""
        state = self.state
        if state.geometry:
            self.w.restoreGeometry(QByteArray.fromBase64(state.geometry.encode()))
        for name, split in self.w._splitters().items():
            if state.splitters.get(name):
                split.restoreState(QByteArray.fromBase64(state.splitters[name].encode()))
        index = self.w.vendor.findData(state.vendor) if state.vendor in vendors() else 0
        self.w.vendor.setCurrentIndex(max(0, index))
        self._vendor_changed()
        if state.operation:
            op_index = self.w.operation.findData(state.operation)
            if op_index >= 0:
                self.w.operation.setCurrentIndex(op_index)

    def start(self) -> None:
        """Brings up what the first paint does not need. Idempotent; tests may call it."""
        if self._started:
            return
        self._started = True
        self.w.first_steps.setVisible(not self.state.first_steps_done)
        self.w.first_steps.close_button.clicked.connect(self._first_steps_done)
        self._update_sandbox_banner()
        self._update_environment()
        self.w.issues.clear()
        self.w.issues.addItem("Checking the payload…")
        # The rest a step per turn of the event loop, STEP_MS apart: no single pause of the GUI
        # thread long enough to be felt (each stays well under 50 ms; bench/gui_ready.py).
        steps = [self._name_qt, self._build_form, self._open_history, self._start_background]
        QTimer.singleShot(STEP_MS, lambda: self._run_steps(steps))

    def _run_steps(self, steps: list) -> None:
        if self._closed:
            return
        steps[0]()
        if len(steps) > 1:
            QTimer.singleShot(STEP_MS, lambda: self._run_steps(steps[1:]))

    @staticmethod
    def _name_qt() -> None:
        """Naming the Qt namespace builds its ninety-odd enums (~14 ms): a step of its own,
        before the form, which needs them (the two in one step paused the GUI 35-50 ms)."""
        from PySide6.QtCore import Qt

        Qt.FocusPolicy  # noqa: B018 - builds the namespace now

    def _build_form(self) -> None:
        """The form's fields first of all: the form is what the user looks at."""
        if self.w.tabs.currentIndex() == 0:
            self._sync_form()

    def _open_history(self) -> None:
        """History's first rows, and the menus' actions with their shortcuts (~1 ms). The JSON
        editor's colours and gutter (~13 ms) wait until it is first shown, or the warm-up."""
        self.w.history.set_store(self.ctx.history)
        if self.ctx.history.message:
            self.w.history_banner.setText(self.ctx.history.message)
            self.w.history_banner.setVisible(True)
        self.w._shortcuts()

    def _start_background(self) -> None:
        """The last part of start-up: the panels' data, retention, and the worker that gets
        the first check ready."""
        self.w.suites.set_context(self.ctx, self.suites_folder(), self._profile_names())
        self.w.capture.set_context(self.ctx, self._profile_names())
        if self.state.plan_folder:  # the plan in use last time, unless it went away
            self.open_plan(self.state.plan_folder, quiet=True)
        self.w.history.apply_retention()
        self._retention_applied = time.monotonic()
        vendor, operation = self.w.vendor.currentData(), self.w.operation.currentData()
        profile = self.w.profile.currentText() or SANDBOX
        first, self._first_check = self._first_check, None
        if first is not None and (first.vendor, first.operation) != (vendor, operation):
            first.discard()  # it checked what the window no longer shows
            first = None
        if first is None:
            self._get_ready_in_background()
        elif profile == SANDBOX:
            self._await_first_check(first)
        else:
            # A real account's key comes from the keyring, whose backend is looked up first
            # (100-250 ms, on a worker); the child checks the schema meanwhile.
            from console.ui.workers import run_in_background

            self._first_check = first  # close() ends it if the window closes before then

            def keyring_known(_result=None):
                if self._first_check is first and not self._closed:
                    self._await_first_check(first)

            run_in_background(self, lambda: self.ctx.secrets.available, keyring_known,
                              lambda _message: keyring_known())

    def _get_ready_in_background(self) -> None:
        """The keyring's lookup (100-250 ms), and the validator's import and compilation (about
        60 ms) run on a worker thread, started once the GUI thread's own start-up is done
        (sharing the interpreter lock with it would stretch both); the first check of the
        payload runs when they are done. An edit before then is checked at once (validate_now
        compiles what it needs)."""
        from console.ui.workers import run_in_background

        vendor, operation = self.w.vendor.currentData(), self.w.operation.currentData()
        profile = self.w.profile.currentText() or SANDBOX
        run_in_background(self, lambda: _get_ready(self.ctx, vendor, operation, profile), self._checks_ready,
                          lambda _message: self._checks_ready(None))

    def _await_first_check(self, first) -> None:
        """Waits, without blocking the GUI thread, for the child's answer (it has usually come
        by now), then shows the first check; without an answer, gets ready as usual."""
        from PySide6.QtCore import QSocketNotifier

        # What reads the answer and makes the first check (~10 ms), imported while the child
        # finishes; the answer is shown a turn later (the two in one turn paused the GUI ~30 ms).
        from console.engine import pipeline  # noqa: F401

        notifier = QSocketNotifier(first.fileno(), QSocketNotifier.Type.Read, self)
        self._first_check, self._first_notifier = first, notifier  # still running: close() ends it

        def answered(*_):
            if self._first_check is not first:
                return  # answered already, given up on, or the window closed
            checked = self._stop_waiting().answer()
            if self._closed:
                return
            if checked is None:
                self._get_ready_in_background()
                return
            self._first_answer = (first, checked)
            QTimer.singleShot(STEP_MS, lambda: self._closed or self._checks_ready(None))

        def given_up():
            # A child that has not answered in this long never will (it answers in ~60 ms).
            if self._first_check is first and not self._closed:
                self._stop_waiting().discard()
                self._get_ready_in_background()

        notifier.activated.connect(answered)
        QTimer.singleShot(FIRST_CHECK_WAIT_MS, given_up)

    def _stop_waiting(self):
        """Stops watching the first check's pipe (before it is closed) and returns the check."""
        first, self._first_check = self._first_check, None
        if self._first_notifier is not None:
            self._first_notifier.setEnabled(False)
            self._first_notifier.deleteLater()
            self._first_notifier = None
        return first

    @property
    def ready(self) -> bool:
        """Whether the start-up's first check of the payload has run (issues and preview shown)."""
        return self._ready

    def _checks_ready(self, _result) -> None:
        from console.ui.workers import run_in_background

        if self._first_answer is None:
            self._ensure_sender()  # its modules were imported on the worker
        # else it is made after the warm-up, which imports them (or at the first send)
        self._ready = True
        self.validate_now()
        # The warm-up waits until the ready window is drawn and settled: started at once, it
        # shares the interpreter with that frame.
        QTimer.singleShot(WARM_UP_AFTER_MS, lambda: self._closed or run_in_background(
            self, lambda: _warm_up(self.ctx), self._warmed_up))

    def _warmed_up(self, _result) -> None:
        """The keyring was looked up in the warm-up: say when there is none. The JSON editor
        is decorated now if it was not shown yet, so that showing it later costs nothing."""
        self._keyring_known = True
        self._update_keyring_banner()
        self.w.editor.decorate()
        self._ensure_sender()
        _freeze_startup_objects()

    def _update_keyring_banner(self) -> None:
        """"No keyring" matters once keys do: shown for a profile of a real account, not for
        the sandbox (its keys are built in)."""
        if not self._keyring_known:
            return  # looked up after start-up, on a worker (never on the GUI thread)
        missing = not self.ctx.secrets.available and self.w.profile.currentText() != SANDBOX
        if missing:
            self.w.keyring_banner.setText(self.ctx.secrets.problem or "No keyring")
        self.w.keyring_banner.setVisible(missing)

    def _vendor_changed(self, *_):
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
        self._operation_changed()

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
        names = self.ctx.profiles.names(self.w.vendor.currentData())
        self.w.profile.blockSignals(True)
        self.w.profile.clear()
        self.w.profile.addItems(names)
        self.w.profile.setCurrentIndex(names.index(select) if select in names else 0)
        self.w.profile.blockSignals(False)
        self._update_sandbox_banner()

    def _operation_changed(self, *_):
        if self._loading or self.w.operation.currentData() is None:
            return
        self._store_draft()
        op = self.op_def
        self.w.response.follow_operation(self.draft_key)
        self.w.summary.setText(f"{op.summary}  —  {op.request.method} {{base_url}}{op.request.path}")
        self.w.form.set_schema(op.schema, self.vendor_def.defs, op.example)
        self._form_plan_key = None  # the plan's overlay, if any, is laid again by the next check
        self._current_key = self.draft_key
        text = draft_text(self.drafts, self.w.vendor.currentData(), op)
        self._set_editor_text(text, reset_undo=True)
        self._schedule_save()

    def _profile_changed(self, *_):
        self.state.profiles[self.w.vendor.currentData()] = self.w.profile.currentText()
        self._update_sandbox_banner()
        self.validate_now()
        from console.ui.workers import run_in_background

        run_in_background(self, lambda: _warm_up(self.ctx), lambda _result: None)
        self._schedule_save()

    def _update_sandbox_banner(self) -> None:
        if not self._started:
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

    def _update_environment(self) -> None:
        """The always-visible Environment label: the sandbox, a local host or a live one."""
        from console.engine.environment import environment
        from console.ui.widgets.theme import ENVIRONMENT_STYLES

        try:
            where = environment(self.ctx, self.w.vendor.currentData(), self.w.operation.currentData(),
                                self.w.profile.currentText() or SANDBOX)
        except Exception:  # an unreadable profiles file: the issues list says it; the label stays
            return
        self.environment_kind, self.environment_host = where.kind, where.host
        text = where.text
        if where.kind is Where.LIVE:
            text += (" — asks before each send" if self.ctx.profiles.asks_before_send(
                self.w.vendor.currentData(), self.w.profile.currentText()) else " — sends without asking")
        self.w.environment.setText(text)  # a SpokenLabel: a screen reader hears it too
        self.w.environment.setStyleSheet(ENVIRONMENT_STYLES[where.kind])
        self.w.environment.setToolTip("Send goes to the built-in sandbox on this computer" if where.kind is Where.SANDBOX
                                      else f"Send goes to {where.host}" + (" — a real vendor account"
                                                                          if where.kind is Where.LIVE else ""))

    def _set_editor_text(self, text: str, reset_undo: bool = False) -> None:
        self.w.editor.blockSignals(True)
        if reset_undo:
            self.w.editor.setPlainText(text)
        else:
            self.w.editor.replace_all(text)
        self.w.editor.blockSignals(False)
        self._form_dirty = True
        self._editor_changed(from_form=False, immediate=True)

    def _store_draft(self) -> None:
        key = getattr(self, "_current_key", None)
        if key:
            self.drafts[key] = self.w.editor.toPlainText()

    def _editor_changed(self, from_form: bool = False, immediate: bool = False) -> None:
        if not from_form:
            self._form_dirty = True
            self.document.set_text(self.w.editor.toPlainText())
            if self.document.parses:
                self.document.field_errors.clear()  # the form is rebuilt from the new text
            if self._started and self.w.tabs.currentIndex() == 0:
                self._sync_form()  # (before the first paint, validate_now builds it right after)
        self.drafts[self.draft_key] = self.w.editor.toPlainText()
        if immediate:
            self.validate_now()
        else:
            self._validate_timer.start()
        self._schedule_save()

    def _form_edited(self, path: list, value) -> None:
        from console.core.document import DocumentNotEditable

        try:
            text = self.document.set_at(path, value)  # on the current text's value, never a stale copy
        except (DocumentNotEditable, KeyError, IndexError, TypeError):
            self._form_dirty = True
            self._sync_form()  # the form was out of step: show the document as it is
            return
        self.w.editor.blockSignals(True)
        self.w.editor.replace_all(text)
        self.w.editor.blockSignals(False)
        self._editor_changed(from_form=True)

    def _form_field_error(self, path: list, message) -> None:
        self.document.set_field_error(path, message)
        self._validate_timer.start()

    def _tab_changed(self, index: int) -> None:
        self.w.chain_tab_order()
        if index == 0:
            self._sync_form()

    def _sync_form(self) -> None:
        """Shows the document in the form: its fields, or why there are none."""
        if not self._form_dirty and self.w.form.available == self.document.parses:
            return
        if self.document.parses:
            self.w.form.set_document(self.document.value)
            if self.prepared is not None:
                self.w.form.mark(self.prepared.issues)
                self._offer_fixes()
        else:
            self.w.form.set_unavailable(self.document.error_message())
        self._form_dirty = False
        self.w.chain_tab_order()

    def reformat(self, indent: int | None) -> None:
        try:
            document = json.loads(self.w.editor.toPlainText())
        except ValueError:
            self.w.tabs.setCurrentIndex(1)
            return
        text = json.dumps(document, indent=indent, ensure_ascii=False,
                          separators=None if indent else (",", ":"))
        self.w.editor.replace_all(text)

    def reset_to_example(self) -> None:
        self.w.editor.replace_all(json.dumps(self.op_def.example, indent=2, ensure_ascii=False))

    def validate_now(self) -> None:
        """Parses the JSON, runs the core's validation and shows issues and the preview."""
        self._validate_timer.stop()
        if not self._started:
            self._update_buttons()
            return
        from PySide6.QtCore import Qt  # not at import: see console.ui.window.startup

        self._update_environment()
        self.w.issues.clear()
        dark = is_dark(self.w.palette())
        document = self.document
        if document.text != self.w.editor.toPlainText():
            document.set_text(self.w.editor.toPlainText())
        if not document.parses:
            line, column = document.error_position()
            self.prepared = None
            self.w.editor.mark_error(line)
            item = QListWidgetItem(f"error  {document.error_message()} Nothing can be sent until the JSON is valid.")
            item.setData(Qt.ItemDataRole.UserRole, ("line", line, column))
            item.setForeground(QColor(severity_colour("error", dark)))
            self.w.issues.addItem(item)
            self.w.preview.setPlainText("(no request: the payload is not valid JSON)")
            if self.w.tabs.currentIndex() == 0:
                self._sync_form()
            self._update_buttons()
            return
        self.w.editor.mark_error(None)
        if self.w.tabs.currentIndex() == 0:
            self._sync_form()
        from dataclasses import replace

        from console.engine import pipeline

        draft = pipeline.Draft(self.w.vendor.currentData(), self.w.operation.currentData(),
                               self.w.profile.currentText() or SANDBOX, document.value)
        # The first check's schema answer came from a forked child (_await_first_check): it is
        # used, once, with the clock reading it made the dynamic values at; prepare() takes it
        # only if it is for exactly the payload made here.
        first, self._first_answer = self._first_answer, None
        now, checked = (first[0].now, first[1]) if first and first[0].text == document.text else (None, None)
        try:
            self.prepared = pipeline.prepare(self.ctx, draft, now=now, checked=checked)
        except Exception as exc:  # e.g. an unreadable profiles file: say it, keep the window alive
            self.prepared = None
            self.w.issues.addItem(f"error  {exc}")
            self._update_buttons()
            return
        if document.field_errors:  # a form field whose own JSON does not parse blocks the send
            self.prepared = replace(self.prepared, issues=tuple(document.field_issues()) + self.prepared.issues)
        self.w.form.mark(self.prepared.issues)
        self.fixes = self._quick_fixes()
        self._offer_fixes()
        for issue in self.prepared.issues:
            where = issue.path or "payload"
            message = issue.message
            if issue.code == IssueCode.SECRET_MISSING:
                message += " Add it in Profiles & keys (Ctrl+P)."
            fix = self.fixes.get(issue)
            item = QListWidgetItem(f"{issue.severity:<7}  {where}: {message}"
                                   + (f"\n         Quick fix (Ctrl+.): {fix.label}" if fix else ""))
            item.setData(Qt.ItemDataRole.UserRole, ("path", issue.path, issue))
            item.setForeground(QColor(severity_colour(issue.severity, dark)))
            item.setToolTip(message)
            self.w.issues.addItem(item)
        if not self.prepared.issues:
            self.w.issues.addItem("No issues: the payload follows every documented rule.")
        self._show_plan_in_form()
        if self.ctx.plans is not None:
            from console.ui.widgets.plan_control import rule_lines

            self.w.plan.show_rules(rule_lines(self.ctx.plans, self.prepared.op, self.prepared.payload,
                                              self.prepared.settings))
        from console.core.dynamic import describe
        from console.core.exchange import preview_text

        self.w.preview.setPlainText(preview_text(self.prepared.preview()) + describe(self.prepared.generated))
        self._update_buttons()

    def _offer_fixes(self) -> None:
        """The current quick fixes, each under its field in the form."""
        self.w.form.offer_fixes({fix.path: fix for fix in self.fixes.values()})

    def _quick_fixes(self) -> dict:
        """Issue → its one obvious fix (console.engine.quick_fix), for the draft as written."""
        from console.engine.quick_fix import quick_fix

        if not self.document.parses or self.prepared is None:
            return {}
        found = {}
        for issue in self.prepared.issues:
            fix = quick_fix(self.prepared.vendor, self.prepared.op, self.document.value, issue)
            if fix is not None and all(f.path != fix.path for f in found.values()):
                found[issue] = fix
        return found

    def apply_fix(self, fix=None) -> bool:
        """Applies a quick fix: the one given (a field's button), else that of the issue chosen
        in the list, else the first one offered. False when there is none."""
        from PySide6.QtCore import Qt

        if fix is None:
            item = self.w.issues.currentItem()
            data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            fix = self.fixes.get(data[2]) if data and data[0] == "path" else None
            fix = fix or next(iter(self.fixes.values()), None)
        if fix is None:
            self.w.statusBar().showMessage("No quick fix here: the issue has no one obvious fix.", 5000)
            return False
        from console.core.validation import path_of

        self._form_edited(path_of(fix.path), fix.value)
        self._form_dirty = True
        self._sync_form()
        self.validate_now()
        self.w.statusBar().showMessage(f"Fixed {fix.path}: {fix.label}.", 5000)
        return True

    def _update_buttons(self) -> None:
        if not hasattr(self, "_busy_timer"):
            return
        busy = self.job is not None
        prepared = self.prepared
        sendable = prepared is not None and not prepared.missing
        self.w.send_button.setEnabled(not busy and sendable and prepared.can_send)
        self.w.send_anyway.setEnabled(not busy and sendable and not prepared.can_send)
        # Only when there is something to force (no red button flashing while the window starts).
        self.w.send_anyway.setVisible(prepared is not None and not prepared.can_send)
        self.w.cancel_button.setEnabled(busy)
        self.w.copy_curl.setEnabled(prepared is not None)

    def _issue_clicked(self, item: QListWidgetItem) -> None:
        from PySide6.QtCore import Qt

        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        if data[0] == "line":
            self.w.tabs.setCurrentIndex(1)
            self.w.editor.go_to(data[1], data[2])
            return
        path, issue = data[1], data[2]
        if issue.ref is not None:
            # A warning found in history: show the earlier exchange it talks about.
            self.show_history_exchange(issue.ref)
            self.w.history.select_ids([issue.ref])
        if path.startswith(("settings/", "secrets/")):
            self.open_profiles()
            return
        if self.w.tabs.currentIndex() == 0 and self.w.form.reveal(path) is not None:
            return
        self.w.tabs.setCurrentIndex(1)
        position = self.document.position(path)
        if position is not None:
            self.w.editor.go_to(*position)
            self.w.editor.centerCursor()

    def send(self, force: bool = False) -> None:
        if self.job is not None:
            return
        if self._validate_timer.isActive() or self.prepared is None:
            self.validate_now()  # an edit is waiting for its check: check it now
        prepared = self.prepared
        if prepared is None or prepared.missing or (prepared.errors and not force):
            return
        if self.environment_kind is Where.LIVE and not self._live_send_confirmed(prepared):
            return
        self._start_job(prepared, force, "Waiting for the answer…")

    def _live_send_confirmed(self, prepared) -> bool:
        """Asks before a send to a live host: always when rules are broken; otherwise when the
        profile asks before each send (on by default; "Don't ask again" turns it off for it)."""
        from PySide6.QtWidgets import QCheckBox, QMessageBox

        vendor, profile = self.w.vendor.currentData(), self.w.profile.currentText()
        count = len(prepared.errors)
        asks = self.ctx.profiles.asks_before_send(vendor, profile)
        if not count and not asks:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "Send anyway to a live host?" if count else "Send to a live host?",
                          (f"This goes to {self.environment_host}, a real account, with {count} rule"
                           f"{'s' if count != 1 else ''} broken. The vendor may refuse it, or record it as it is.\n\n"
                           "Send it anyway?") if count else
                          (f"This goes to {self.environment_host}, a real {self.vendor_def.title} account "
                           f"(profile {profile!r}), and is recorded there.\n\nSend it?"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.w)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAccessibleName("Live send question")
        again = None
        if not count:
            again = QCheckBox(f"Don't ask again for profile {profile!r}")
            again.setAccessibleName("Don't ask again")
            box.setCheckBox(again)
        self.live_question = box  # tests answer it
        answer = box.exec()
        self.live_question = None
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if again is not None and again.isChecked():
            self.ctx.profiles.set_asks_before_send(vendor, profile, False)
            self._update_environment()
        return True

    def _start_job(self, prepared, force: bool, waiting: str) -> None:
        """Hands a prepared request to the sender and shows the window busy until it answers."""
        self.job = self._ensure_sender().start(prepared, force)
        self._sent_at = time.monotonic()
        self.w.busy.setVisible(True)
        self.w.busy_label.setText("Sending…")
        self._busy_timer.start()
        self.w.response.clear(waiting)
        self._update_buttons()

    def cancel(self) -> None:
        if self.job is None:
            return
        self.sender.cancel(self.job)
        self.job = None
        self._idle()
        self.w.response.clear("Cancelled")
        self.w.busy_label.setText("Cancelled: a late answer will be kept in history, marked cancelled.")

    def _tick(self) -> None:
        self.w.busy_label.setText(f"Sending… {time.monotonic() - self._sent_at:.1f} s")

    def _idle(self) -> None:
        self._busy_timer.stop()
        self.w.busy.setVisible(False)
        self.w.busy_label.setText("")
        self._update_buttons()

    def _finished(self, result) -> None:
        if self._closed:
            return
        # Many answers can land together: reload the history list once for all of them.
        self._history_timer.start()
        if result.job is not self.job:
            return  # cancelled or superseded: it is in history, not the current response
        self.job = None
        self._idle()
        if result.error:
            self.w.response.show_failure(result.error)
            return
        outcome = result.outcome
        if outcome.record_error:  # sent, but its answer could not be written to history
            self.w.history_banner.setText(outcome.record_error)
            self.w.history_banner.setVisible(True)
        self.w.response.show_exchange(outcome.exchange, result.body, outcome.explanation)
        prepared = result.job.prepared
        if outcome.exchange.response is not None:
            self.last_answers[f"{prepared.vendor.name}/{prepared.op.name}"] = (
                outcome.exchange.response.status, outcome.exchange.response.json())
        self._label_response(f"{prepared.vendor.name}/{prepared.op.name}", outcome.history_id,
                             outcome.exchange.started_at, prepared.draft.profile)
        if outcome.history_id is not None:
            self.w.response.show_details(self.ctx.history.details(outcome.history_id))
        self.validate_now()  # history may change warnings (a repeated orderId)
        if time.monotonic() - getattr(self, "_retention_applied", 0) > 60:
            self._retention_applied = time.monotonic()
            self.w.history.apply_retention()

    def show_history_exchange(self, exchange_id: int) -> None:
        row = self.ctx.history.get(exchange_id)
        if row is None:
            return
        from console.ui.widgets.rendering import render_body
        from console.ui.workers import run_in_background

        exchange = row.to_exchange()

        def done(rendered):
            from console.engine.actions import explain

            explanation = explain(row.vendor, row.operation, exchange.response)
            self.w.response.show_exchange(exchange, rendered, explanation, cancelled=row.outcome == Outcome.CANCELLED)
            self.w.response.show_details(row)
            self._label_response(f"{row.vendor}/{row.operation}", row.id, row.time, row.profile)

        run_in_background(self, lambda: render_body(exchange.response), done,
                          lambda message: self.w.response.clear(f"Could not show #{exchange_id}: {message}"))

    def _label_response(self, key: str, history_id: int | None, time_text: str, profile: str) -> None:
        from console.ui.history.panel import local_time

        when = local_time(time_text)[11:] if len(time_text) >= 19 else time_text  # as the history list says it
        number = f" — history #{history_id}" if history_id is not None else ""
        self.w.response.set_about(key, f"Answer to {key} [{profile}]{number}, sent {when}")
        self.w.response.follow_operation(self.draft_key)

    def resend_history_exchange(self, exchange_id: int) -> None:
        """Sends a recorded exchange again as it was (console.engine.actions.resend)."""
        from PySide6.QtWidgets import QMessageBox

        from console.engine.actions import ActionError, resend

        if self.job is not None:
            return
        try:
            prepared = resend(self.ctx, exchange_id)
        except ActionError as exc:
            QMessageBox.warning(self.w, "Resend", str(exc))
            return
        self._start_job(prepared, True, f"Resending #{exchange_id}…")

    def compare_exchanges(self, first: int, second: int) -> None:
        from console.ui.history.compare import CompareDialog

        a, b = self.ctx.history.get(first), self.ctx.history.get(second)
        if a is None or b is None:
            return
        self.compare_dialog = CompareDialog(a, b, self.w)
        self.compare_dialog.open()

    def open_history_exchange(self, exchange_id: int, keep_profile: bool = False) -> None:
        """Loads an exchange's vendor, operation, payload and (unless `keep_profile`, as
        "Duplicate" does, to send the same payload elsewhere) its profile into the editor."""
        from console.engine.actions import ActionError, draft_from_history

        row = self.ctx.history.get(exchange_id)
        if row is None:
            return
        profile = self.w.profile.currentText() if keep_profile else None
        try:
            draft = draft_from_history(self.ctx, row, profile)
        except ActionError as exc:
            self.w.statusBar().showMessage(str(exc), 8000)
            return
        self.w.vendor.setCurrentIndex(self.w.vendor.findData(draft.vendor))
        self.w.operation.setCurrentIndex(self.w.operation.findData(draft.operation))
        if self.w.profile.findText(draft.profile) >= 0:
            self.w.profile.setCurrentText(draft.profile)
        self.w.editor.replace_all(json.dumps(draft.payload, indent=2, ensure_ascii=False))
        self.w.tabs.setCurrentIndex(1)

    def _ensure_sender(self):
        """The Sender (made after start-up, or at the first send if that comes sooner)."""
        if self.sender is None:
            from console.ui.window.sending import Sender

            self.sender = Sender(self.ctx, self)
            self.sender.finished.connect(self._finished)
        return self.sender

    def refresh_history_soon(self) -> None:
        """Reloads the history list within 100 ms: many new rows (a suite, capture) cost one
        reload, and a steady stream still shows (the timer is not pushed back by each row)."""
        if not self._history_timer.isActive():
            self._history_timer.start()

    # -- suites ----------------------------------------------------------------------------
    def _profile_names(self) -> list[str]:
        names = {"sandbox"}
        for vendor in vendors():
            names.update(self.ctx.profiles.names(vendor))
        return sorted(names)

    def suites_folder(self) -> Path:
        """The Suites panel's folder: the last one opened, else the bundled example suites."""
        from console.core.resources import resources_dir

        remembered = Path(self.state.suites_folder) if self.state.suites_folder else None
        if remembered is not None and remembered.is_dir():
            return remembered
        return resources_dir() / "suites"

    def _case_folder(self) -> Path:
        """Where a new case goes: the open suite folder, unless it is the bundled examples
        (read-only once installed); then the user's own suites under the data home."""
        from console.core.resources import resources_dir

        folder = self.w.suites.folder or self.suites_folder()
        examples = resources_dir() / "suites"
        if folder.resolve() == examples.resolve() or examples.resolve() in folder.resolve().parents:
            return self.ctx.home / "suites"
        return folder

    def _show_plan_in_form(self) -> None:
        """The form shows the plan's properties of the current event (laid over the vendor's
        schema: descriptions, allowed values as choices, required first); rebuilt only when
        the event it shows changes."""
        op = self.prepared.op
        event = None
        if self.ctx.plans is not None:
            from console.core.plans import events_of

            found = events_of(op, self.prepared.payload, self.prepared.settings)
            if found:
                event = self.ctx.plans.by_key.get((op.vendor, op.name, found[0][1] or ""))
        key = (op.key, event[1].key if event else None, id(self.ctx.plans))
        if key == getattr(self, "_form_plan_key", None):
            return
        self._form_plan_key = key
        schema = op.schema
        if event is not None:
            from console.core.plans import schema_with_plan

            schema = schema_with_plan(op.schema, self.vendor_def.defs, event[1], op.events.at)
        self.w.form.set_schema(schema, self.vendor_def.defs, op.example)
        self._form_dirty = True
        if self.w.tabs.currentIndex() == 0:
            self._sync_form()

    def choose_plan(self) -> None:
        """Asks for a tracking plan folder and opens it."""
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self.w, "Open a tracking plan folder", self.state.plan_folder or "")
        if folder:
            self.open_plan(folder)

    def open_plan(self, folder: str, quiet: bool = False) -> bool:
        """Checks payloads against the plan under `folder` from now on (remembered); a plan that
        does not load is said (quietly at start-up, in the status line), and none is used."""
        from console.core.plans import PlanError, load_plans

        try:
            plans = load_plans(folder)
        except PlanError as exc:
            self.ctx.plans = None
            self.w.plan.show_plan(None)
            self.w.plan.status.setText(f"The tracking plan could not be opened: {exc}")
            if not quiet:
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.warning(self.w, "Tracking plan", f"The tracking plan could not be opened: {exc}")
            return False
        self.ctx.plans = plans
        self.state.plan_folder = str(folder)
        self.w.plan.show_plan(plans.name, str(folder))
        self.w.capture.plans = plans
        self.w.capture.refresh_coverage()
        self.validate_now()
        return True

    def close_plan(self) -> None:
        self.ctx.plans = None
        self.state.plan_folder = ""
        self.w.capture.plans = None
        self.w.capture.refresh_coverage()
        self.w.plan.show_plan(None)
        self.validate_now()

    def save_as_case(self) -> None:
        """Opens "Save as case…" for the current payload (its tokens kept)."""
        from PySide6.QtWidgets import QMessageBox

        from console.ui.dialogs.save_case import SaveCaseDialog

        if not self.document.parses:
            QMessageBox.information(self.w, "Save as case", f"{self.document.error_message()} Fix it first: a case "
                                    "holds a payload that parses.")
            return
        severities = [i.severity for i in self.prepared.issues] if self.prepared is not None else []
        dialog = SaveCaseDialog(self.w.vendor.currentData(), self.w.operation.currentData(), self.document.value,
                                self._case_folder(), self.last_answers.get(self.draft_key), severities, self.w)
        dialog.saved.connect(self._case_saved)
        self.save_case_dialog = dialog
        dialog.open()

    def _case_saved(self, path: Path) -> None:
        """Lists the new case: in the open folder when it went there, else in the folder it
        went to (the user's suites for the default place)."""
        current = self.w.suites.folder
        if current is not None and current.resolve() in path.resolve().parents:
            folder = current
        else:
            base = self._case_folder()
            folder = base if base.resolve() in path.resolve().parents else path.parent
        self.state.suites_folder = str(folder)
        self.w.suites.open_folder(folder)
        self.w.bottom_tabs.setCurrentWidget(self.w.suites)
        self.w.statusBar().showMessage(f"Saved case {path}", 8000)

    def open_case(self, case) -> None:
        """Loads a suite case into the editor, tokens as written."""
        self.w.vendor.setCurrentIndex(self.w.vendor.findData(case.vendor))
        self.w.operation.setCurrentIndex(self.w.operation.findData(case.operation))
        self.w.editor.replace_all(json.dumps(case.payload, indent=2, ensure_ascii=False))
        self.w.tabs.setCurrentIndex(1)
        note = f"Opened case {case.name!r} ({case.path.name})"
        if case.settings:
            note += f"; its settings ({', '.join(sorted(case.settings))}) apply when the suite runs"
        self.w.statusBar().showMessage(note, 10000)

    def open_profiles(self) -> None:
        from console.ui.dialogs.profiles import ProfilesDialog

        before = self.w.profile.currentText()
        dialog = ProfilesDialog(self.ctx, self.vendor_def, before, self.w, self.op_def)
        dialog.exec()
        # The window keeps the profile it sent with: creating or editing one never switches it
        # (to a live account least of all); the user chooses under Profile.
        self.fill_profiles(before)
        if dialog.profile not in (before, SANDBOX) and self.w.profile.currentText() == before:
            self.w.statusBar().showMessage(f"Profile {dialog.profile!r} is ready; the window still sends with "
                                           f"{before!r}. Choose it under Profile to use it.", 10000)
        self.state.profiles[self.w.vendor.currentData()] = self.w.profile.currentText()
        self.validate_now()

    def open_cookie_helper(self) -> None:
        from console.engine.actions import takes_cookie
        from console.ui.dialogs.cookie import CookieDialog

        can_use = takes_cookie(self.w.vendor.currentData(), self.w.operation.currentData())
        dialog = CookieDialog(can_use, self.w)
        dialog.use.connect(self.use_cookie)
        dialog.use_vtsid.connect(self.use_vtsid)
        self.cookie_dialog = dialog
        dialog.open()

    def use_cookie(self, user) -> None:
        from console.engine.actions import put_cookie_in_payload

        events = put_cookie_in_payload(self.document.value, user)
        self.w.editor.replace_all(json.dumps(events, indent=2, ensure_ascii=False))

    def use_vtsid(self, vtsid: str) -> None:
        from console.engine.actions import put_cookie_in_payload

        events = put_cookie_in_payload(self.document.value, None, vtsid)
        self.w.editor.replace_all(json.dumps(events, indent=2, ensure_ascii=False))

    def open_curl_import(self) -> None:
        from console.ui.dialogs.curl import CurlDialog

        dialog = CurlDialog(self.ctx.secrets.available, self.w)
        dialog.accepted.connect(lambda: self.apply_curl_import(dialog.result, dialog.target, dialog.store.isChecked()))
        self.curl_dialog = dialog
        dialog.open()

    def apply_curl_import(self, imported, profile: str, store_secrets: bool) -> None:
        from PySide6.QtWidgets import QMessageBox

        from console.core.profiles import ProfileError
        from console.engine.actions import ActionError, apply_curl_import

        if imported is None:
            return
        try:
            applied = apply_curl_import(self.ctx, imported, profile, store_secrets)
        except (ActionError, ProfileError) as exc:
            QMessageBox.warning(self.w, "Import cURL", str(exc))
            return
        self.state.profiles[applied.vendor] = applied.profile
        self.w.vendor.setCurrentIndex(self.w.vendor.findData(applied.vendor))
        self.fill_profiles(applied.profile)
        self.w.operation.setCurrentIndex(self.w.operation.findData(applied.operation))
        self.w.editor.replace_all(applied.payload_text)
        self.validate_now()
        if applied.profile == SANDBOX:
            self.w.statusBar().showMessage("Imported onto the sandbox: nothing leaves this computer. Make a profile "
                                           "of the command's host in Import cURL or Profiles & keys.", 10000)
        else:  # a profile of the command's host: said, never a silent switch to a live account
            self.w.statusBar().showMessage(f"Now sending with profile {applied.profile!r}: "
                                           f"{self.w.environment.text()}.", 10000)

    def copy_as_curl(self, include_secrets: bool = False) -> str:
        if self.prepared is None:
            return ""
        from console.core.curl import to_curl

        spec = self.prepared.spec if include_secrets else self.prepared.preview()
        text = to_curl(spec)
        QGuiApplication.clipboard().setText(text)
        self.w.statusBar().showMessage("Copied as cURL" + (" WITH keys — handle with care" if include_secrets
                                                          else " (keys masked)"), 5000)
        return text

    def copy_as_code(self, language: str) -> str:
        """The request as a program in `language` (console.core.snippets), keys masked, on the clipboard."""
        if self.prepared is None:
            return ""
        from console.core.snippets import LANGUAGES, program

        spec = self.prepared.preview()
        title = f"{self.prepared.vendor.name}/{self.prepared.op.name}, as the console would send it now"
        text = program(language, [(title, spec.method, spec.url, dict(spec.headers), spec.body)])
        QGuiApplication.clipboard().setText(text)
        self.w.statusBar().showMessage(f"Copied as {LANGUAGES[language]} (keys masked)", 5000)
        return text

    def _schedule_save(self) -> None:
        self._save_timer.start()

    def save_state(self) -> None:
        self._store_draft()
        secrets = []
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
                                for name, split in self.w._splitters().items()}
        if self.w.suites.folder is not None:
            self.state.suites_folder = str(self.w.suites.folder)
        self.state.vendor = self.w.vendor.currentData() or ""
        self.state.operation = self.w.operation.currentData() or ""
        try:
            save_state(self.ctx.home, self.state)
        except OSError as exc:
            self.w.statusBar().showMessage(f"Could not save the window state: {exc}", 8000)


def _get_ready(ctx, vendor: str, operation: str, profile: str) -> None:
    """On a worker thread at start-up: what the first check of the payload needs (the
    validator of the current operation, imported and compiled; the keyring backend, looked up
    once, when the profile's key is read from it)."""
    import linecache

    # The source lines kept so far (of modules imported before console.ui's lighter
    # __feature__ check): dropped, so that the validator's import reuses their memory.
    linecache.clearcache()
    from console.core.validation import compile_validator
    from console.engine import pipeline  # noqa: F401 - imported here, not on the GUI thread
    from console.ui.widgets import rendering  # noqa: F401 - the Sender's, likewise

    if profile != SANDBOX:
        ctx.secrets.available  # noqa: B018 - looks the keyring backend up
    if vendor and operation:
        compile_validator(vendor, operation)


def _warm_up(ctx) -> None:
    """Start-up work after the window is ready that would otherwise hold up the first send or
    edit: look the keyring up, import the HTTP library (its C parts hold the GIL while they
    load) and compile every operation's validator."""
    from console.core.validation import compile_validator

    ctx.secrets.available  # noqa: B018 - looks the keyring backend up (100-250 ms)
    ctx.sandbox  # noqa: B018 - starts the built-in sandbox's server (its import costs 30-45 ms)
    ctx.transport  # noqa: B018 - builds the one requests.Session
    for vendor in vendors().values():
        for op in vendor.operations.values():
            compile_validator(vendor.name, op.name)


def _freeze_startup_objects() -> None:
    """Moves everything start-up made out of the garbage collector's reach: later full
    collections then walk only what the session creates, and stay short (no GUI hiccups)."""
    import gc

    # No collection first: it took 20-30 ms of the GUI thread; what start-up left as garbage
    # is a few hundred kilobytes, frozen with the rest.
    gc.freeze()


def _same_json(text: str, value) -> bool:
    try:
        return json.loads(text) == value
    except ValueError:
        return False
