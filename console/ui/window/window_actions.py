"""What the window's menus, buttons and panels ask for beyond editing and sending: history
entries shown, opened, compared; tracking plans; suite cases; Profiles & keys, the cookie
helper and Import cURL; copies as cURL or code. Each is a small action over the controller's
state, and the engine decides (console.engine.actions)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from console.core.definitions import vendors
from console.core.outcomes import Outcome
from console.core.profiles import SANDBOX
from console.ui.window.part import WindowPart

HISTORY_REFRESH_MS = 100  # many new rows (a suite, capture) cost one reload of the list


class WindowActions(WindowPart):
    """The window's actions on the controller `c`. The dialogs it opens are kept while open
    (`cookie_dialog`, `curl_dialog`, `save_case_dialog`, `compare_dialog`), for the user and tests."""

    def __init__(self, controller):
        super().__init__(controller)
        self.cookie_dialog = None
        self.curl_dialog = None
        self.save_case_dialog = None
        self.compare_dialog = None
        self._history_timer = QTimer(self, singleShot=True, interval=HISTORY_REFRESH_MS)
        self._history_timer.timeout.connect(lambda: self.w.history.refresh())

    def stop(self) -> None:
        self._history_timer.stop()

    def set_panels_context(self) -> None:
        """The Suites and Capture panels get the context, the suites folder and the profiles."""
        names = known_profiles(self.c.ctx)
        self.w.suites.set_context(self.c.ctx, self.suites_folder(), names)
        self.w.capture.set_context(self.c.ctx, names)

    # -- history --------------------------------------------------------------------------
    def refresh_history_soon(self) -> None:
        """Reloads the history list within 100 ms: many new rows (a suite, capture) cost one
        reload, and a steady stream still shows (the timer is not pushed back by each row)."""
        if not self._history_timer.isActive():
            self._history_timer.start()

    def show_history_exchange(self, exchange_id: int) -> None:
        row = self.c.ctx.history.get(exchange_id)
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
            self.label_response(f"{row.vendor}/{row.operation}", row.id, row.time, row.profile)

        run_in_background(self, lambda: render_body(exchange.response), done,
                          lambda message: self.w.response.clear(f"Could not show #{exchange_id}: {message}"))

    def label_response(self, key: str, history_id: int | None, time_text: str, profile: str) -> None:
        """Says above the response which operation, profile and history entry it answers."""
        from console.ui.history.model import local_time

        when = local_time(time_text)[11:] if len(time_text) >= 19 else time_text  # as the history list says it
        number = f" — history #{history_id}" if history_id is not None else ""
        self.w.response.set_about(key, f"Answer to {key} [{profile}]{number}, sent {when}")
        self.w.response.follow_operation(self.c.draft_key)

    def compare_exchanges(self, first: int, second: int) -> None:
        from console.ui.history.compare import CompareDialog

        a, b = self.c.ctx.history.get(first), self.c.ctx.history.get(second)
        if a is None or b is None:
            return
        self.compare_dialog = CompareDialog(a, b, self.w)
        self.compare_dialog.open()

    def open_history_exchange(self, exchange_id: int, keep_profile: bool = False) -> None:
        """Loads an exchange's vendor, operation, payload and (unless `keep_profile`, as
        "Duplicate" does, to send the same payload elsewhere) its profile into the editor."""
        from console.engine.actions import ActionError, draft_from_history

        row = self.c.ctx.history.get(exchange_id)
        if row is None:
            return
        profile = self.w.profile.currentText() if keep_profile else None
        try:
            draft = draft_from_history(self.c.ctx, row, profile)
        except ActionError as exc:
            self.w.statusBar().showMessage(str(exc), 8000)
            return
        self._show_draft(draft.vendor, draft.operation, draft.payload, draft.profile)
        self.w.tabs.setCurrentIndex(1)

    def _show_draft(self, vendor: str, operation: str, payload, profile: str | None = None) -> None:
        """Vendor, operation, profile (when it exists) and payload into the editor."""
        self.w.vendor.setCurrentIndex(self.w.vendor.findData(vendor))
        self.w.operation.setCurrentIndex(self.w.operation.findData(operation))
        if profile is not None and self.w.profile.findText(profile) >= 0:
            self.w.profile.setCurrentText(profile)
        self.w.editor.replace_all(json.dumps(payload, indent=2, ensure_ascii=False))

    # -- tracking plans -------------------------------------------------------------------
    def choose_plan(self) -> None:
        """Asks for a tracking plan folder and opens it."""
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self.w, "Open a tracking plan folder", self.c.state.plan_folder or "")
        if folder:
            self.open_plan(folder)

    def open_plan(self, folder: str, quiet: bool = False) -> bool:
        """Checks payloads against the plan under `folder` from now on (remembered); a plan that
        does not load is said (quietly at start-up, in the status line), and none is used."""
        from console.core.plans import PlanError, load_plans

        c = self.c
        try:
            plans = load_plans(folder)
        except PlanError as exc:
            c.ctx.plans = None
            self.w.plan.show_plan(None)
            self.w.plan.status.setText(f"The tracking plan could not be opened: {exc}")
            if not quiet:
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.warning(self.w, "Tracking plan", f"The tracking plan could not be opened: {exc}")
            return False
        c.ctx.plans = plans
        c.state.plan_folder = str(folder)
        self.w.plan.show_plan(plans.name, str(folder))
        self.w.capture.plans = plans
        self.w.capture.refresh_coverage()
        c.payload.validate_now()
        return True

    def close_plan(self) -> None:
        self.c.ctx.plans = None
        self.c.state.plan_folder = ""
        self.w.capture.plans = None
        self.w.capture.refresh_coverage()
        self.w.plan.show_plan(None)
        self.c.payload.validate_now()

    # -- suite cases ----------------------------------------------------------------------
    def suites_folder(self) -> Path:
        """The Suites panel's folder: the last one opened, else the bundled example suites."""
        from console.core.resources import resources_dir

        remembered = Path(self.c.state.suites_folder) if self.c.state.suites_folder else None
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
            return self.c.ctx.home / "suites"
        return folder

    def save_as_case(self) -> None:
        """Opens "Save as case…" for the current payload (its tokens kept)."""
        from PySide6.QtWidgets import QMessageBox

        from console.ui.dialogs.save_case import SaveCaseDialog

        c = self.c
        if not c.document.parses:
            QMessageBox.information(self.w, "Save as case", f"{c.document.error_message()} Fix it first: a case "
                                    "holds a payload that parses.")
            return
        severities = [i.severity for i in c.prepared.issues] if c.prepared is not None else []
        dialog = SaveCaseDialog(self.w.vendor.currentData(), self.w.operation.currentData(), c.document.value,
                                self._case_folder(), c.last_answers.get(c.draft_key), severities, self.w)
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
        self.c.state.suites_folder = str(folder)
        self.w.suites.open_folder(folder)
        self.w.bottom_tabs.setCurrentWidget(self.w.suites)
        self.w.statusBar().showMessage(f"Saved case {path}", 8000)

    def open_case(self, case) -> None:
        """Loads a suite case into the editor, tokens as written."""
        self._show_draft(case.vendor, case.operation, case.payload)
        self.w.tabs.setCurrentIndex(1)
        note = f"Opened case {case.name!r} ({case.path.name})"
        if case.settings:
            note += f"; its settings ({', '.join(sorted(case.settings))}) apply when the suite runs"
        self.w.statusBar().showMessage(note, 10000)

    # -- dialogs --------------------------------------------------------------------------
    def open_profiles(self) -> None:
        from console.ui.dialogs.profiles import ProfilesDialog

        c = self.c
        before = self.w.profile.currentText()
        dialog = ProfilesDialog(c.ctx, c.vendor_def, before, self.w, c.op_def)
        dialog.exec()
        # The window keeps the profile it sent with: creating or editing one never switches it
        # (to a live account least of all); the user chooses under Profile.
        c.fill_profiles(before)
        if dialog.profile not in (before, SANDBOX) and self.w.profile.currentText() == before:
            self.w.statusBar().showMessage(f"Profile {dialog.profile!r} is ready; the window still sends with "
                                           f"{before!r}. Choose it under Profile to use it.", 10000)
        c.state.profiles[self.w.vendor.currentData()] = self.w.profile.currentText()
        c.payload.validate_now()

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

        events = put_cookie_in_payload(self.c.document.value, user)
        self.w.editor.replace_all(json.dumps(events, indent=2, ensure_ascii=False))

    def use_vtsid(self, vtsid: str) -> None:
        from console.engine.actions import put_cookie_in_payload

        events = put_cookie_in_payload(self.c.document.value, None, vtsid)
        self.w.editor.replace_all(json.dumps(events, indent=2, ensure_ascii=False))

    def open_curl_import(self) -> None:
        from console.ui.dialogs.curl import CurlDialog

        dialog = CurlDialog(self.c.ctx.secrets.available, self.w)
        dialog.accepted.connect(lambda: self.apply_curl_import(dialog.imported, dialog.target, dialog.store.isChecked()))
        self.curl_dialog = dialog
        dialog.open()

    def apply_curl_import(self, imported, profile: str, store_secrets: bool) -> None:
        from PySide6.QtWidgets import QMessageBox

        from console.core.profiles import ProfileError
        from console.engine.actions import ActionError, apply_curl_import

        c = self.c
        if imported is None:
            return
        try:
            applied = apply_curl_import(c.ctx, imported, profile, store_secrets)
        except (ActionError, ProfileError) as exc:
            QMessageBox.warning(self.w, "Import cURL", str(exc))
            return
        c.state.profiles[applied.vendor] = applied.profile
        self.w.vendor.setCurrentIndex(self.w.vendor.findData(applied.vendor))
        c.fill_profiles(applied.profile)
        self.w.operation.setCurrentIndex(self.w.operation.findData(applied.operation))
        self.w.editor.replace_all(applied.payload_text)
        c.payload.validate_now()
        if applied.profile == SANDBOX:
            self.w.statusBar().showMessage("Imported onto the sandbox: nothing leaves this computer. Make a profile "
                                           "of the command's host in Import cURL or Profiles & keys.", 10000)
        else:  # a profile of the command's host: said, never a silent switch to a live account
            self.w.statusBar().showMessage(f"Now sending with profile {applied.profile!r}: "
                                           f"{self.w.environment.text()}.", 10000)

    # -- copies ---------------------------------------------------------------------------
    def copy_as_curl(self, include_secrets: bool = False) -> str:
        prepared = self.c.prepared
        if prepared is None:
            return ""
        from console.core.curl import to_curl

        text = to_curl(prepared.spec if include_secrets else prepared.preview())
        QGuiApplication.clipboard().setText(text)
        self.w.statusBar().showMessage("Copied as cURL" + (" WITH keys — handle with care" if include_secrets
                                                          else " (keys masked)"), 5000)
        return text

    def copy_as_code(self, language: str) -> str:
        """The request as a program in `language` (console.core.snippets), keys masked, on the clipboard."""
        prepared = self.c.prepared
        if prepared is None:
            return ""
        from console.core.snippets import LANGUAGES, program

        spec = prepared.preview()
        title = f"{prepared.vendor.name}/{prepared.op.name}, as the console would send it now"
        text = program(language, [(title, spec.method, spec.url, dict(spec.headers), spec.body)])
        QGuiApplication.clipboard().setText(text)
        self.w.statusBar().showMessage(f"Copied as {LANGUAGES[language]} (keys masked)", 5000)
        return text


def known_profiles(ctx) -> list[str]:
    """Every profile name of every vendor, and the sandbox."""
    names = {SANDBOX}
    for vendor in vendors():
        names.update(ctx.profiles.names(vendor))
    return sorted(names)
