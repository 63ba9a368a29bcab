"""The window's start-up after its first paint, in steps: what the first paint does not need
(the form's fields, history, the menus, the panels' data), then the first check of the payload
(its validator compiled on a worker), then a warm-up on a worker. Each step is short, so the
window stays responsive while it comes up."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from console import fast_start
from console.core.definitions import vendors
from console.core.profiles import SANDBOX
from console.ui.window.part import WindowPart

# Start-up goes in steps this far apart: input, painting and other timers get their turn in
# between (zero-delay steps ran back to back, one pause of 45 ms).
STEP_MS = 1
WARM_UP_AFTER_MS = 250  # from ready until the warm-up (keyring, HTTP library, validators) starts


class StartupSequence(WindowPart):
    """Brings one window's controller `c` up after the first paint (`schedule`), and says
    whether it is `started` (history, sender, shortcuts up) and `ready` (first check shown)."""

    def __init__(self, controller):
        super().__init__(controller)
        self.started = False
        self.ready = False
        self.warmed_up = False  # the warm-up after ready is done (keyring, HTTP library, validators)
        self._scheduled = False

    def schedule(self) -> None:
        """Called at each paint: the first one starts the rest a turn of the event loop later."""
        if not self.started and not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self.start)

    def start(self) -> None:
        """Brings up what the first paint does not need. Idempotent; tests may call it."""
        if self.started:
            return
        self.started = True
        c = self.c
        self.w.first_steps.setVisible(not c.state.first_steps_done)
        self.w.first_steps.close_button.clicked.connect(c.first_steps_done)
        c.update_sandbox_banner()
        c.update_environment()
        self.w.issues.clear()
        self.w.issues.addItem("Checking the payload…")
        # The rest a step per turn of the event loop, STEP_MS apart: no single pause of the GUI
        # thread long enough to be felt (each stays well under 50 ms; bench/gui_ready.py).
        steps = [self._name_qt, self._build_form, self._open_history, self._start_background]
        QTimer.singleShot(STEP_MS, lambda: self._run_steps(steps))

    def _run_steps(self, steps: list) -> None:
        if self.c.closed:
            return
        steps[0]()
        if len(steps) > 1:
            QTimer.singleShot(STEP_MS, lambda: self._run_steps(steps[1:]))

    @staticmethod
    def _name_qt() -> None:
        """Naming the Qt namespace builds its ninety-odd enums (~14 ms): a step of its own,
        before the form, which needs them (the two in one step paused the GUI 35-50 ms). With
        console.fast_start's late_qt_namespace off it was built at import, and this costs nothing."""
        from PySide6.QtCore import Qt

        Qt.FocusPolicy  # noqa: B018 - builds the namespace now

    def _build_form(self) -> None:
        """The form's fields first of all: the form is what the user looks at."""
        if self.w.tabs.currentIndex() == 0:
            self.c.payload.sync_form()

    def _open_history(self) -> None:
        """History's first rows, and the menus' actions with their shortcuts (~1 ms). The JSON
        editor's colours and gutter (~13 ms) wait until it is first shown, or the warm-up."""
        ctx = self.c.ctx
        self.w.history.set_store(ctx.history)
        if ctx.history.message:
            self.w.history_banner.setText(ctx.history.message)
            self.w.history_banner.setVisible(True)
        self.w.add_menu_actions()

    def _start_background(self) -> None:
        """The last part of start-up: the panels' data, retention, and the worker that gets
        the first check ready."""
        c = self.c
        c.actions.set_panels_context()
        if c.state.plan_folder:  # the plan in use last time, unless it went away
            c.actions.open_plan(c.state.plan_folder, quiet=True)
        c.apply_retention()
        self._get_ready_in_background()

    def _get_ready_in_background(self) -> None:
        """The keyring's lookup (100-250 ms), and the validator's import and compilation (about
        60 ms) run on a worker thread, started once the GUI thread's own start-up is done
        (sharing the interpreter lock with it would stretch both); the first check of the
        payload runs when they are done. An edit before then is checked at once (validate_now
        compiles what it needs)."""
        from console.ui.workers import run_in_background

        ctx, document = self.c.ctx, self.c.document
        vendor, operation = self.w.vendor.currentData(), self.w.operation.currentData()
        profile = self.w.profile.currentText() or SANDBOX
        payload = document.value if document.parses else NOT_PARSED
        run_in_background(self, lambda: _get_ready(ctx, vendor, operation, profile, payload), self._checks_ready,
                          lambda _message: self._checks_ready(None))

    def _checks_ready(self, _result) -> None:
        from console.ui.workers import run_in_background

        c = self.c
        c.sending.ensure_sender()  # its modules were imported on the worker
        self.ready = True
        c.payload.validate_now()
        # The warm-up waits until the ready window is drawn and settled: started at once, it
        # shares the interpreter with that frame.
        def warm() -> None:
            if not c.closed:
                run_in_background(self, lambda: warm_up(c.ctx), self._warmed_up)

        QTimer.singleShot(WARM_UP_AFTER_MS, warm)

    def _warmed_up(self, _result) -> None:
        """The keyring was looked up in the warm-up: say when there is none. The JSON editor
        is decorated now if it was not shown yet, so that showing it later costs nothing."""
        self.c.keyring_looked_up()
        self.w.editor.decorate()
        self.c.sending.ensure_sender()
        self.warmed_up = True


# The payload given to _get_ready when the editor's text is not JSON.
NOT_PARSED = object()


def _get_ready(ctx, vendor: str, operation: str, profile: str, payload) -> None:
    """On a worker thread at start-up: what the first check of `payload` needs (the current
    operation's fast validator, and jsonschema's where the payload needs explaining or is not
    JSON yet; the keyring backend, looked up once, when the profile's key is read from it)."""
    import linecache

    # The source lines PySide6's __feature__ check keeps of every module imported after it:
    # dropped, so that the validator's import reuses their memory.
    linecache.clearcache()
    from console.core.validation import compile_for, compile_validator
    from console.engine import pipeline, quick_fix  # noqa: F401 - imported here, not on the GUI thread
    from console.ui.widgets import rendering  # noqa: F401 - the Sender's, likewise

    if profile != SANDBOX:
        ctx.secrets.available  # noqa: B018 - looks the keyring backend up
    if vendor and operation:
        if payload is NOT_PARSED:  # an edit will make it JSON: jsonschema explains what is wrong then
            compile_validator(vendor, operation)
        else:
            compile_for(vendor, operation, payload)


def warm_up(ctx) -> None:
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
    if fast_start.enabled("gc_freeze"):
        import gc

        gc.freeze()
