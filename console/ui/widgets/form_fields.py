"""The payload form's fields and what they mean: the text fields that offer dynamic values
(`{{$guid}}`…), the JSON box, and how a schema becomes a kind of field and a field's text a
JSON value (and back)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QMenu, QPlainTextEdit, QToolButton, QWidget

from console.core.definitions import resolve_ref
from console.core.document import REMOVE
from console.core.dynamic import TOKENS, all_tokens


class TokenLineEdit(QLineEdit):
    """A text field that offers the dynamic values (`{{$guid}}`, `{{$timestamp}}`, …): from a
    small `{$}` button at its end and from its context menu. A token goes in at the cursor
    (replacing a selection), as if typed, so the form applies it like any edit."""

    def token_menu(self, parent: QWidget | None = None) -> QMenu:
        """The tokens as a menu, owned by `parent` (the field when none: tests read it)."""
        menu = QMenu("Insert dynamic value", parent or self)
        menu.setAccessibleName("Dynamic values")
        menu.setToolTipsVisible(True)
        more = None
        for number, (token, meaning) in enumerate(all_tokens()):
            if number == len(TOKENS):  # Postman's random values in a menu of their own: a long list
                more = menu.addMenu("Postman's random values")
                more.setAccessibleName("Postman's random values")
                more.setToolTipsVisible(True)
            action = (more or menu).addAction(f"{token}  —  {meaning}")
            action.setData(token)
            action.triggered.connect(lambda _checked=False, tok=token: self.insert_token(tok))
        return menu

    def insert_token(self, token: str) -> None:
        self.insert(token)
        self.textEdited.emit(self.text())  # insert() is programmatic; the form listens to edits

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu()
        menu.addSeparator()
        menu.addMenu(self.token_menu(menu))  # goes with the context menu
        menu.exec(event.globalPos())
        menu.deleteLater()

    token_button: QToolButton | None = None

    def with_token_button(self) -> TokenLineEdit:
        """Adds the `{$}` button that opens the menu below the field: in the Tab order after the
        field, named after it, and Ctrl+Space in the field opens the same menu."""
        action = self.addAction(_token_icon(), QLineEdit.ActionPosition.TrailingPosition)
        action.setToolTip("Insert a dynamic value: a fresh id or time on every send (Ctrl+Space)")
        action.triggered.connect(self._pop_up_tokens)
        # Qt's namespace only here, after the first paint (see console.ui.window.startup).
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence, QShortcut

        self.token_button = next((b for b in self.findChildren(QToolButton) if b.defaultAction() is action), None)
        if self.token_button is not None:
            self.token_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.token_button.setAccessibleName("Insert dynamic value")
        shortcut = QShortcut(QKeySequence("Ctrl+Space"), self, context=Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self._pop_up_tokens)
        return self

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt's name
        super().setAccessibleName(name)
        if self.token_button is not None:
            self.token_button.setAccessibleName(f"Insert dynamic value in {name}")

    def _pop_up_tokens(self) -> None:
        menu = self.token_menu()
        menu.exec(self.mapToGlobal(self.rect().bottomRight()))
        menu.deleteLater()  # a new one each time: none piles up under the field


class JsonBox(QPlainTextEdit):
    """A few lines for a field that holds JSON of its own (VibeTrace's event object, Synerise's
    params): room to read it, Tab to leave. `textEdited(text)` fires for the user's edits only,
    like QLineEdit's."""

    textEdited = Signal(str)

    def __init__(self, text: str = ""):
        super().__init__()
        self._programmatic = True
        self.setPlainText(text)
        self._programmatic = False
        self.setTabChangesFocus(True)
        lines = 4 if "\n" in text or len(text) > 60 else 2
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 12)
        self.textChanged.connect(lambda: None if self._programmatic else self.textEdited.emit(self.toPlainText()))

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802 - QLineEdit's name
        self._programmatic = True
        self.setPlainText(text)
        self._programmatic = False


_ICON = None


def _token_icon():
    """`{$}` drawn once: the token button's icon (no image file to ship)."""
    global _ICON
    if _ICON is None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QIcon, QPainter, QPixmap

        pixmap = QPixmap(32, 32)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        font = painter.font()
        font.setPixelSize(18)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(Qt.GlobalColor.darkCyan)
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "{$}")
        painter.end()
        _ICON = QIcon(pixmap)
    return _ICON


def kind_of(schema: dict, defs: dict) -> str:
    schema = resolve_ref(schema, defs)
    if "enum" in schema or "enum" in (schema.get("x-number") or {}):
        return "enum"
    if "x-number" in schema:
        return "number-text"
    kind = schema.get("type")
    if kind == "object":
        return "object" if schema.get("properties") else "json"
    if kind == "array":
        items = resolve_ref(schema.get("items", {}), defs)
        if items.get("type") == "object":
            return "array-objects"
        if items.get("type") == "string":
            return "array-strings"
        return "json"
    if kind == "boolean":
        return "bool"
    if kind in ("integer", "number"):
        return "number"
    if kind == "string":
        return "text"
    return "any"


def shown_properties(schema: dict, value: dict) -> list[tuple[str, dict, list[str]]]:
    """(name, schema, other spellings) of an object's fields as the form shows them: required
    first, and one field for the case variants of one documented name (Octeth's id and ID):
    the spelling the payload uses, else the first."""
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    groups: dict[str, list[str]] = {}
    for name in properties:
        groups.setdefault(name.lower(), []).append(name)
    shown = []
    for names in groups.values():
        chosen = next((n for n in names if n in value), None) or next((n for n in names if n in required), names[0])
        shown.append((chosen, properties[chosen], [n for n in names if n != chosen]))
    order = {name: i for i, name in enumerate(properties)}
    shown.sort(key=lambda item: (not any(n in required for n in [item[0], *item[2]]), order[item[0]]))
    return shown


def help_label(text: str) -> QLabel:
    """A field's description, in small grey type under it."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text); font-size: 11px")
    return label


def enum_choices(schema: dict) -> list[tuple[Any, str]]:
    """(value, label) of an enum field: the documented values, named from the description
    where it lists them ("Gender: 0 unknown, 1 man, 2 woman")."""
    import re

    values = schema.get("enum") or (schema.get("x-number") or {}).get("enum") or []
    names = dict(re.findall(r"(?<![\w.])(-?\d+|[\w.-]+)\s+([A-Za-z][\w -]*?)(?=,|\(|$|\))",
                            schema.get("description", "").split(":", 1)[-1]))
    return [(v, f"{v} — {names[str(v)].strip()}" if str(v) in names else str(v)) for v in values]


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def text_to_value(kind: str, text: str, original: Any) -> Any:
    """What a field's text means in JSON, keeping the type the document already used."""
    if text == "":
        return REMOVE
    if kind == "number":
        return _number(text)
    if kind in ("number-text", "any"):
        if isinstance(original, str) or (original is None and kind == "any"):
            return text
        return _number(text)
    return text


def value_to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
