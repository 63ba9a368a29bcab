"""The payload's two views (the form and the JSON editor) over one document, and what the
check finds in it: the issues list, the quick fixes, the tracking plan's fields in the form and
the request preview. What is checked and how is the engine's (console.engine.pipeline)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidgetItem

from console.core.issue_codes import IssueCode
from console.core.profiles import SANDBOX
from console.ui.widgets.theme import is_dark, severity_colour
from console.ui.window.part import WindowPart

VALIDATE_DELAY_MS = 250  # an edit is checked this long after typing stops


class PayloadPresenter(WindowPart):
    """Keeps the editor, the form and the controller's `document` in step, and checks the
    draft (`validate_now`) into the controller's `prepared` and `fixes`."""

    def __init__(self, controller):
        super().__init__(controller)
        self._form_dirty = True  # the form shows an older document than the editor
        self._form_plan_key = None  # (operation, plan event) the form's schema was laid for
        self._timer = QTimer(self, singleShot=True, interval=VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate_now)

    @property
    def check_pending(self) -> bool:
        """Whether an edit waits for its check."""
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()

    # -- the two views ------------------------------------------------------------------
    def show_operation(self, op, text: str) -> None:
        """A new operation's schema in the form and its draft in the editor (undo starts afresh)."""
        self.w.form.set_schema(op.schema, self.c.vendor_def.defs, op.example)
        self._form_plan_key = None  # the plan's overlay, if any, is laid again by the next check
        self.set_editor_text(text, reset_undo=True)

    def set_editor_text(self, text: str, reset_undo: bool = False) -> None:
        self.w.editor.blockSignals(True)
        if reset_undo:
            self.w.editor.setPlainText(text)
        else:
            self.w.editor.replace_all(text)
        self.w.editor.blockSignals(False)
        self._form_dirty = True
        self.editor_changed(from_form=False, immediate=True)

    def editor_changed(self, from_form: bool = False, immediate: bool = False) -> None:
        c = self.c
        if not from_form:
            self._form_dirty = True
            c.document.set_text(self.w.editor.toPlainText())
            if c.document.parses:
                c.document.field_errors.clear()  # the form is rebuilt from the new text
            if c.started and self.w.tabs.currentIndex() == 0:
                self.sync_form()  # (before the first paint, validate_now builds it right after)
        c.drafts[c.draft_key] = self.w.editor.toPlainText()
        if immediate:
            self.validate_now()
        else:
            self._timer.start()
        c.schedule_save()

    def form_edited(self, path: list, value) -> None:
        from console.core.document import DocumentNotEditable

        try:
            text = self.c.document.set_at(path, value)  # on the current text's value, never a stale copy
        except (DocumentNotEditable, KeyError, IndexError, TypeError):
            self._form_dirty = True
            self.sync_form()  # the form was out of step: show the document as it is
            return
        self.w.editor.blockSignals(True)
        self.w.editor.replace_all(text)
        self.w.editor.blockSignals(False)
        self.editor_changed(from_form=True)

    def form_field_error(self, path: list, message) -> None:
        self.c.document.set_field_error(path, message)
        self._timer.start()

    def tab_changed(self, index: int) -> None:
        self.w.chain_tab_order()
        if index == 0:
            self.sync_form()

    def sync_form(self) -> None:
        """Shows the document in the form: its fields, or why there are none."""
        document = self.c.document
        if not self._form_dirty and self.w.form.available == document.parses:
            return
        if document.parses:
            self.w.form.set_document(document.value)
            if self.c.prepared is not None:
                self.w.form.mark(self.c.prepared.issues)
                self._offer_fixes()
        else:
            self.w.form.set_unavailable(document.error_message())
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
        self.w.editor.replace_all(json.dumps(self.c.op_def.example, indent=2, ensure_ascii=False))

    # -- the check ----------------------------------------------------------------------
    def validate_now(self) -> None:
        """Parses the JSON, runs the core's validation and shows issues and the preview."""
        c, w = self.c, self.w
        self._timer.stop()
        if not c.started:
            c.sending.update_buttons()
            return
        from PySide6.QtCore import Qt  # not at import: see console.ui.window.startup

        c.update_environment()
        w.issues.clear()
        dark = is_dark(w.palette())
        document = c.document
        if document.text != w.editor.toPlainText():
            document.set_text(w.editor.toPlainText())
        if not document.parses:
            line, column = document.error_position()
            c.prepared = None
            w.editor.mark_error(line)
            item = QListWidgetItem(f"error  {document.error_message()} Nothing can be sent until the JSON is valid.")
            item.setData(Qt.ItemDataRole.UserRole, ("line", line, column))
            item.setForeground(QColor(severity_colour("error", dark)))
            w.issues.addItem(item)
            w.preview.setPlainText("(no request: the payload is not valid JSON)")
            if w.tabs.currentIndex() == 0:
                self.sync_form()
            c.sending.update_buttons()
            return
        w.editor.mark_error(None)
        if w.tabs.currentIndex() == 0:
            self.sync_form()
        from dataclasses import replace

        from console.engine import pipeline

        draft = pipeline.Draft(w.vendor.currentData(), w.operation.currentData(),
                               w.profile.currentText() or SANDBOX, document.value)
        try:
            c.prepared = pipeline.prepare(c.ctx, draft)
        except Exception as exc:  # e.g. an unreadable profiles file: say it, keep the window alive
            c.prepared = None
            w.issues.addItem(f"error  {exc}")
            c.sending.update_buttons()
            return
        if document.field_errors:  # a form field whose own JSON does not parse blocks the send
            c.prepared = replace(c.prepared, issues=tuple(document.field_issues()) + c.prepared.issues)
        w.form.mark(c.prepared.issues)
        c.fixes = self._quick_fixes()
        self._offer_fixes()
        for issue in c.prepared.issues:
            where = issue.path or "payload"
            message = issue.message
            if issue.code == IssueCode.SECRET_MISSING:
                message += " Add it in Profiles & keys (Ctrl+P)."
            fix = c.fixes.get(issue)
            item = QListWidgetItem(f"{issue.severity:<7}  {where}: {message}"
                                   + (f"\n         Quick fix (Ctrl+.): {fix.label}" if fix else ""))
            item.setData(Qt.ItemDataRole.UserRole, ("path", issue.path, issue))
            item.setForeground(QColor(severity_colour(issue.severity, dark)))
            item.setToolTip(message)
            w.issues.addItem(item)
        if not c.prepared.issues:
            w.issues.addItem("No issues: the payload follows every documented rule.")
        self._show_plan_in_form()
        if c.ctx.plans is not None:
            from console.ui.widgets.plan_control import rule_lines

            w.plan.show_rules(rule_lines(c.ctx.plans, c.prepared.op, c.prepared.payload, c.prepared.settings))
        from console.core.dynamic import describe
        from console.core.exchange import preview_text

        w.preview.setPlainText(preview_text(c.prepared.preview()) + describe(c.prepared.generated))
        c.sending.update_buttons()

    def _offer_fixes(self) -> None:
        """The current quick fixes, each under its field in the form."""
        self.w.form.offer_fixes({fix.path: fix for fix in self.c.fixes.values()})

    def _quick_fixes(self) -> dict:
        """Issue → its one obvious fix (console.engine.quick_fix), for the draft as written."""
        from console.engine.quick_fix import quick_fix

        c = self.c
        if not c.document.parses or c.prepared is None:
            return {}
        found: dict[Any, Any] = {}
        for issue in c.prepared.issues:
            fix = quick_fix(c.prepared.vendor, c.prepared.op, c.document.value, issue)
            if fix is not None and all(f.path != fix.path for f in found.values()):
                found[issue] = fix
        return found

    def apply_fix(self, fix=None) -> bool:
        """Applies a quick fix: the one given (a field's button), else that of the issue chosen
        in the list, else the first one offered. False when there is none."""
        from PySide6.QtCore import Qt

        fixes = self.c.fixes
        if fix is None:
            item = self.w.issues.currentItem()
            data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            fix = fixes.get(data[2]) if data and data[0] == "path" else None
            fix = fix or next(iter(fixes.values()), None)
        if fix is None:
            self.w.statusBar().showMessage("No quick fix here: the issue has no one obvious fix.", 5000)
            return False
        from console.core.validation import path_of

        self.form_edited(path_of(fix.path), fix.value)
        self._form_dirty = True
        self.sync_form()
        self.validate_now()
        self.w.statusBar().showMessage(f"Fixed {fix.path}: {fix.label}.", 5000)
        return True

    def issue_clicked(self, item: QListWidgetItem) -> None:
        """Goes to what an issue is about: the field (form or JSON), the line of a JSON error,
        the earlier exchange a history warning names, or Profiles & keys for a setting."""
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
            self.c.actions.show_history_exchange(issue.ref)
            self.w.history.select_ids([issue.ref])
        if path.startswith(("settings/", "secrets/")):
            self.c.actions.open_profiles()
            return
        if self.w.tabs.currentIndex() == 0 and self.w.form.reveal(path) is not None:
            return
        self.w.tabs.setCurrentIndex(1)
        position = self.c.document.position(path)
        if position is not None:
            self.w.editor.go_to(*position)
            self.w.editor.centerCursor()

    def _show_plan_in_form(self) -> None:
        """The form shows the plan's properties of the current event (laid over the vendor's
        schema: descriptions, allowed values as choices, required first); rebuilt only when
        the event it shows changes."""
        c = self.c
        op = c.prepared.op
        event = None
        if c.ctx.plans is not None:
            from console.core.plans import events_of

            found = events_of(op, c.prepared.payload, c.prepared.settings)
            if found:
                event = c.ctx.plans.by_key.get((op.vendor, op.name, found[0][1] or ""))
        key = (op.key, event[1].key if event else None, id(c.ctx.plans))
        if key == self._form_plan_key:
            return
        self._form_plan_key = key
        schema = op.schema
        if event is not None:
            from console.core.plans import schema_with_plan

            schema = schema_with_plan(op.schema, c.vendor_def.defs, event[1], op.events.at)
        if not self.w.form.set_schema(schema, c.vendor_def.defs, op.example):
            return  # the same schema as the form's (no plan's event): its fields stand
        self._form_dirty = True
        if self.w.tabs.currentIndex() == 0:
            self.sync_form()
