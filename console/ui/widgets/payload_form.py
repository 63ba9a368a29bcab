"""The payload form: fields rendered from the operation's JSON Schema.

It is a view of the window's PayloadDocument (console.core.document), like the JSON editor:
each change made here is sent as (path, value) and applied to the document's current value,
so fields the form does not know stay as they are and nothing is rewritten from a stale copy.
While the document's text does not parse, the form is read-only and says where the error is.
A field holding JSON of its own that does not parse is reported as a field error (an issue
at its path that blocks the send), never dropped.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.core.definitions import resolve_ref
from console.core.document import REMOVE, set_at
from console.core.validation import field_label, path_of, pointer
from console.ui.widgets.form_fields import (
    JsonBox,
    TokenLineEdit,
    enum_choices,
    help_label,
    kind_of,
    shown_properties,
    text_to_value,
    value_to_text,
)


class PayloadForm(QScrollArea):
    """Form view of the payload. `edited(path, value)` fires for every change made here
    (value REMOVE removes); `field_error(path, message or None)` when a field's own text stops
    (or starts again) being valid; `set_document` rebuilds the fields from the document's
    value, `set_unavailable` shows why there is none."""

    edited = Signal(list, object)
    field_error = Signal(list, object)
    fix_requested = Signal(object)  # a console.engine.quick_fix.QuickFix the user chose, in place

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.schema: dict = {}
        self.defs: dict = {}
        self.example: Any = None
        self.document: Any = None
        self._fields: dict[str, QWidget] = {}
        self._marked: dict[str, tuple[str, str]] = {}
        self._cells: dict[str, QVBoxLayout] = {}  # a field's column: the editor, its help, its fix
        self._fix_buttons: dict[str, QPushButton] = {}
        # Until the fields are built (right after the window's first paint): said, not blank.
        waiting = QLabel("Preparing the form…")
        waiting.setStyleSheet("color: palette(placeholder-text); padding: 12px")
        self.setWidget(waiting)

    # -- building --------------------------------------------------------------------------
    def set_schema(self, schema: dict, defs: dict, example: Any) -> bool:
        """The schema the fields are built from; False when the form has these already (the
        same objects), so that its fields need not be built again."""
        if self.schema is schema and self.defs is defs and self.example is example:
            return False
        self.schema, self.defs, self.example = schema, defs, example
        return True

    def set_document(self, document: Any) -> None:
        self.document = copy.deepcopy(document)
        self._fields = {}
        self._marked = {}
        self._cells, self._fix_buttons = {}, {}
        body = QWidget()
        layout = QVBoxLayout(body)
        try:
            layout.addWidget(self._build(self.schema, self.document, []))
        except (TypeError, KeyError, IndexError):
            layout.addWidget(QLabel("The form cannot show this payload; edit it in the JSON tab."))
        layout.addStretch(1)
        old = self.takeWidget()
        if old is not None:
            old.deleteLater()
        self.setWidget(body)

    def set_unavailable(self, message: str) -> None:
        """The document's text does not parse: no fields to edit, only where the error is."""
        self.document = None
        self._fields = {}
        self._marked = {}
        self._cells, self._fix_buttons = {}, {}
        body = QWidget()
        layout = QVBoxLayout(body)
        note = QLabel(message + " Fix it in the JSON tab; the form comes back as soon as the JSON is valid.")
        note.setWordWrap(True)
        note.setAccessibleName("Form unavailable")
        layout.addWidget(note)
        layout.addStretch(1)
        old = self.takeWidget()
        if old is not None:
            old.deleteLater()
        self.setWidget(body)

    @property
    def available(self) -> bool:
        return self.document is not None

    def focusable_fields(self) -> list[QWidget]:
        """The form's fields and buttons in document order, for the window's Tab order."""
        from PySide6.QtCore import Qt


        body = self.widget()
        if body is None:
            return []
        window = self.window()
        # A combo box's popup is a window of its own: it is not in the Tab order.
        return [w for w in body.findChildren(QWidget)
                if w.focusPolicy() & Qt.FocusPolicy.TabFocus and not isinstance(w, QScrollArea)
                and w.window() is window]

    def field(self, pointer: str) -> QWidget | None:
        """The editor of a field by JSON Pointer (tests and issue clicks use it)."""
        return self._fields.get(pointer)

    def reveal(self, json_pointer: str) -> QWidget | None:
        """Scrolls to the field of `json_pointer` (or its nearest ancestor shown), focuses and
        returns it; None when the form shows nothing for it."""
        parts = json_pointer.split("/")
        while len(parts) > 1:
            field = self._fields.get("/".join(parts))
            if field is not None:
                self.ensureWidgetVisible(field, 40, 40)
                field.setFocus()
                return field
            parts = parts[:-1]
        return None

    def mark(self, issues) -> None:
        """Marks each field that has an issue in place: its frame coloured by severity and the
        message as its tooltip; fields without one are cleared."""
        colours = {"error": "#c62828", "warning": "#b26a00"}
        worst: dict[str, tuple[str, str]] = {}
        for issue in issues:
            if not issue.path.startswith("/"):
                continue  # settings/… and secrets/… are not in the form
            field_pointer = issue.path
            while field_pointer and field_pointer not in self._fields:
                field_pointer = field_pointer.rsplit("/", 1)[0]
            if not field_pointer:
                continue
            known = worst.get(field_pointer)
            if known is None or (known[0] != "error" and issue.severity == "error"):
                worst[field_pointer] = (issue.severity, issue.message)
        for field_pointer, field in self._fields.items():
            marked = worst.get(field_pointer)
            if marked == self._marked.get(field_pointer):
                continue
            if marked is None:
                field.setStyleSheet("")
                field.setToolTip(field.property("help") or "")
                field.setProperty("issue", "")
            else:
                field.setStyleSheet(f"border: 2px solid {colours.get(marked[0], '#c62828')}")
                field.setToolTip(f"{marked[0]}: {marked[1]}")
                field.setProperty("issue", marked[0])
        self._marked = worst

    def _build(self, schema: dict, value: Any, path: list) -> QWidget:
        schema = resolve_ref(schema, self.defs)
        kind = kind_of(schema, self.defs)
        if kind == "object":
            return self._object(schema, value if isinstance(value, dict) else {}, path)
        if kind == "array-objects":
            return self._array(schema, value if isinstance(value, list) else [], path)
        return self._leaf(schema, kind, value, path)

    def _object(self, schema: dict, value: dict, path: list) -> QWidget:
        box = QWidget()
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        required = set(schema.get("required", []))
        for name, sub, variants in shown_properties(schema, value):
            sub_resolved = resolve_ref(sub, self.defs)
            also = f" (or {', '.join(variants)})" if variants else ""
            label = QLabel(name + (" *" if name in required else "") + also)
            help_text = sub_resolved.get("description", "")
            label.setToolTip(help_text + (" (required)" if name in required else ""))
            sub_kind = kind_of(sub_resolved, self.defs)
            editor = self._build(sub_resolved, value.get(name), path + [name])
            if sub_kind in ("object", "array-objects"):
                group = QGroupBox(label.text())
                group.setToolTip(label.toolTip())
                inner = QVBoxLayout(group)
                if help_text:
                    inner.addWidget(help_label(help_text))
                inner.addWidget(editor)
                if name not in value and sub_kind == "object":
                    add = QPushButton(f"Add {name}")
                    add.setAccessibleName(f"Add {field_label(path + [name])}")
                    add.clicked.connect(lambda _=False, p=path + [name]: self._apply(p, {}, rebuild=True))
                    inner.addWidget(add)
                    editor.setVisible(False)
                form.addRow(group)
            else:
                label.setBuddy(editor)
                form.addRow(label, self._cell(editor, help_text, path + [name]))
        # Fields the schema does not list are edited here too, as what they hold.
        for name in [k for k in value if k not in schema.get("properties", {})]:
            held = value[name]
            kind = "bool" if isinstance(held, bool) else "json" if isinstance(held, (dict, list)) else "any"
            editor = self._leaf({"description": f"{name}: not a field of the document's schema"}, kind, held,
                                path + [name])
            label = QLabel(f"{name} (not in the document)")
            label.setBuddy(editor)
            form.addRow(label, self._cell(editor, "Not a field the document names: sent as it is.", path + [name]))
        return box

    def _cell(self, editor: QWidget, help_text: str, path: list) -> QWidget:
        """A field's column: its editor, its description under it (said, not only in a tooltip),
        and room for a quick fix."""
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(editor)
        if help_text:
            column.addWidget(help_label(help_text))
        self._cells[pointer(path)] = column
        return cell

    def fix_offered(self, where: str):
        """The quick fix shown under field `where` now (None when there is none)."""
        button = self._fix_buttons.get(where)
        return button.property("fix") if button is not None and button.isVisibleTo(self) else None

    def offer_fixes(self, fixes: dict) -> None:
        """Shows each field's quick fix (JSON Pointer → QuickFix) under it, as a button that
        applies it; a field without one shows none."""
        for where, button in self._fix_buttons.items():
            button.setVisible(where in fixes)
        for where, fix in fixes.items():
            column = self._cells.get(where)
            if column is None:
                continue
            existing = self._fix_buttons.get(where)
            if existing is None:
                button = QPushButton()
                button.setFlat(True)
                button.setStyleSheet("text-align: left; color: palette(link); padding: 0 2px")
                button.setAccessibleName(f"Quick fix for {field_label(path_of(where))}")
                button.clicked.connect(lambda _=False, w=where: self.fix_requested.emit(self.fix_offered(w)))
                column.insertWidget(1, button)
                self._fix_buttons[where] = button
            else:
                button = existing
            button.setProperty("fix", fix)
            button.setText(f"Quick fix: {fix.label}".replace("&", "&&"))
            button.setToolTip(f"{fix.label} (Ctrl+.)")
            button.setVisible(True)

    def _array(self, schema: dict, value: list, path: list) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        item_schema = schema.get("items", {})
        for index, item in enumerate(value):
            group = QGroupBox(f"Item {index + 1}")
            inner = QVBoxLayout(group)
            inner.addWidget(self._build(item_schema, item, path + [index]))
            remove = QPushButton(f"Remove item {index + 1}")
            remove.setAccessibleName(f"Remove item {index + 1}" + (f" of {field_label(path)}" if path else ""))
            remove.clicked.connect(lambda _=False, p=path + [index]: self._apply(p, REMOVE, rebuild=True))
            inner.addWidget(remove)
            layout.addWidget(group)
        add = QPushButton("Add item")
        add.setAccessibleName("Add item" + (f" to {field_label(path)}" if path else ""))
        add.clicked.connect(lambda _=False, p=path, v=value: self._apply(p + [len(v)], self._new_item(p), rebuild=True))
        limit = schema.get("maxItems")
        add.setEnabled(limit is None or len(value) < limit)
        layout.addWidget(add)
        if limit is not None and len(value) >= limit:
            full = help_label(f"{len(value)} items: the most one request takes ({limit}). Remove one to add "
                               "another, or send the rest in a second request.")
            full.setAccessibleName("Items limit" + (f" of {field_label(path)}" if path else ""))
            layout.addWidget(full)
        return box

    def _new_item(self, path: list) -> Any:
        """A new array item: a copy of the example's first item at the same place, or {}."""
        example = self.example
        try:
            for part in path:
                example = example[part]
            return copy.deepcopy(example[0])
        except (KeyError, IndexError, TypeError):
            return {}

    def _leaf(self, schema: dict, kind: str, value: Any, path: list) -> QWidget:
        field_pointer = pointer(path)
        name = field_label(path)
        editor: QWidget
        if kind == "enum":
            editor = QComboBox()
            editor.addItem("(not set)", REMOVE)
            for choice, label in enum_choices(schema):
                editor.addItem(label, choice)
            current = next((i for i in range(1, editor.count()) if str(editor.itemData(i)) == str(value)), None)
            if value is not None and current is None:  # a value the document has but the schema does not list
                editor.addItem(f"{value_to_text(value)} (not a documented value)", value)
                current = editor.count() - 1
            editor.setCurrentIndex(current or 0)
            editor.currentIndexChanged.connect(lambda index, p=path, e=editor: self._apply(
                p, self._enum_value(p, e.itemData(index))))
        elif kind == "bool":
            # A choice of three, said in words (a tri-state checkbox's "partly" read as a grey square).
            editor = QComboBox()
            for label, choice in (("(not set)", REMOVE), ("true", True), ("false", False)):
                editor.addItem(label, choice)
            editor.setCurrentIndex({True: 1, False: 2}.get(value, 0) if isinstance(value, bool) else 0)
            editor.currentIndexChanged.connect(lambda index, p=path, e=editor: self._apply(p, e.itemData(index)))
        else:
            text = self._leaf_text(kind, value)
            # Text and number fields offer dynamic values; lists and JSON boxes take them typed.
            line = (TokenLineEdit(text).with_token_button() if kind in ("text", "number", "number-text", "any")
                    else JsonBox(text) if kind == "json" else QLineEdit(text))
            if kind == "array-strings":
                line.setPlaceholderText("comma-separated")
            elif kind == "json":
                line.setPlaceholderText("JSON, e.g. {\"key\": \"value\"}")
            line.textEdited.connect(lambda text, p=path, k=kind, e=line: self._leaf_edited(p, k, text, e))
            editor = line
        editor.setAccessibleName(name)
        editor.setToolTip(schema.get("description", editor.toolTip()))
        editor.setProperty("help", editor.toolTip())
        self._fields[field_pointer] = editor
        return editor

    def _enum_value(self, path: list, choice: Any) -> Any:
        """A chosen enum value in the type the document already used (myTracker's numbers
        may be written as strings, "1")."""
        if choice is REMOVE:
            return REMOVE
        if isinstance(self._current(path), str) and not isinstance(choice, str):
            return str(choice)
        return choice

    @staticmethod
    def _leaf_text(kind: str, value: Any) -> str:
        if kind == "array-strings" and isinstance(value, list):
            return ", ".join(value_to_text(v) for v in value)
        return value_to_text(value)

    # -- editing ---------------------------------------------------------------------------
    def _current(self, path: list) -> Any:
        node = self.document
        try:
            for part in path:
                node = node[part]
            return node
        except (KeyError, IndexError, TypeError):
            return None

    def _leaf_edited(self, path: list, kind: str, text: str, editor: QWidget) -> None:
        value: Any
        if kind == "array-strings":
            value = [part.strip() for part in text.split(",") if part.strip()]
        elif kind == "json":
            if not text.strip():
                value = REMOVE
            else:
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as exc:
                    # Not dropped, not sent: an error at this field's path until it parses.
                    self.field_error.emit(list(path), f"{field_label(path)} is not valid JSON: {exc.msg} "
                                                      f"(column {exc.colno}). Nothing is sent until it is.")
                    return
        else:
            value = text_to_value(kind, text, self._current(path))
        self.field_error.emit(list(path), None)
        self._apply(path, value)

    def _apply(self, path: list, value: Any, rebuild: bool = False) -> None:
        if self.document is None:
            return  # unavailable: the text does not parse, there is nothing to edit
        try:
            self.document = set_at(self.document, list(path), value)
        except (KeyError, IndexError, TypeError):
            return
        self.edited.emit(list(path), value)
        if rebuild:
            self.set_document(self.document)

