"""The window's menu bar: every action with its shortcut (added a few milliseconds after the
first paint, off the start-up path), the keyboard shortcut sheet and About."""

from __future__ import annotations

from PySide6.QtGui import QAction


def add_menu_actions(window) -> dict[str, list[QAction]]:
    """Every action in the menu bar with its shortcut (made in start(), a few milliseconds
    after the first paint, off the start-up path); Help › Keyboard shortcuts lists them."""
    from PySide6.QtGui import QKeySequence

    actions_by_menu: dict[str, list[QAction]] = {}

    def add(menu: str, text: str, slot, keys=(), name: str | None = None) -> QAction:
        action = QAction(text, window)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _checked=False: slot())
        window.menus[menu].addAction(action)
        actions_by_menu.setdefault(menu, []).append(action)
        return action

    history = window.history
    add("File", "Import cURL…", window.open_curl_import, ["Ctrl+I"])
    add("File", "Profiles && keys…", window.open_profiles, ["Ctrl+P"])
    add("File", "Save as case…", window.save_as_case, ["Ctrl+Shift+S"])
    from console.ui.dialogs import postman

    add("File", "Import Postman collection…", lambda: postman.import_postman(window))
    add("File", "Export suite as Postman collection…", lambda: postman.export_postman(window))
    add("File", "Import history…", lambda: history.open_transfer("import_dialog"))
    for fmt, label in (("har", "HAR 1.2"), ("json", "JSON"), ("curl", "cURL commands"),
                       ("python", "a Python program"), ("node", "a Node.js program"), ("php", "a PHP program")):
        add("File", f"Export all history as {label}…", lambda f=fmt: history.open_transfer("export_dialog", f, everything=True))
    add("File", "Quit", window.close, ["Ctrl+Q"])
    add("Edit", "Format JSON", lambda: window.controller.payload.reformat(indent=2), ["Ctrl+Shift+F"])
    add("Edit", "Compact JSON", lambda: window.controller.payload.reformat(indent=None))
    add("Edit", "Reset to example", window.controller.payload.reset_to_example)
    add("Edit", "Apply quick fix", window.apply_fix, ["Ctrl+."])
    add("Edit", "Cookie helper…", window.open_cookie_helper, ["Ctrl+K"])
    add("Edit", "Copy as cURL", lambda: window.copy_as_curl(include_secrets=False), ["Ctrl+Shift+C"])
    add("Edit", "Copy as cURL with keys", lambda: window.copy_as_curl(include_secrets=True))
    from console.core.snippets import LANGUAGES

    for language, label in LANGUAGES.items():
        add("Edit", f"Copy as {label}", lambda lang=language: window.copy_as_code(lang))
    add("View", "Form", lambda: window.tabs.setCurrentIndex(0), ["Ctrl+1"])
    add("View", "JSON", lambda: (window.tabs.setCurrentIndex(1), window.editor.setFocus()), ["Ctrl+2"])
    add("View", "History", lambda: window.bottom_tabs.setCurrentWidget(window.history), ["Ctrl+3"])
    add("View", "Suites", lambda: window.bottom_tabs.setCurrentWidget(window.suites), ["Ctrl+4"])
    add("View", "Capture", lambda: window.bottom_tabs.setCurrentWidget(window.capture), ["Ctrl+5"])
    add("Send", "Send", lambda: window.send(force=False), ["Ctrl+Return", "Ctrl+Enter"])
    add("Send", "Send anyway (despite errors)", lambda: window.send(force=True),
        ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"])
    add("Send", "Cancel", window.cancel, ["Escape"])
    add("History", "Search history", lambda: (window.bottom_tabs.setCurrentWidget(history), history.search.setFocus()),
        ["Ctrl+F"])
    add("History", "Refresh", history.refresh, ["F5"])
    add("History", "Open in editor", history.open_button.click)
    add("History", "Resend", history.resend_button.click)
    add("History", "Undo delete", history.undo_delete)
    add("History", "Clear all…", lambda: history.clear_all(confirm=True))
    add("History", "Retention…", lambda: history.open_transfer("retention_dialog"))
    add("Help", "Keyboard shortcuts", window.show_shortcuts, ["Ctrl+/"])
    add("Help", "About Event Console", window.show_about)
    return actions_by_menu


def shortcut_sheet(actions_by_menu: dict) -> list[tuple[str, str, str]]:
    """(menu, action, shortcut) for every menu action that has a shortcut."""
    from PySide6.QtGui import QKeySequence

    return [(menu, action.text().replace("&&", "&"),
             ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()))
            for menu, actions in actions_by_menu.items() for action in actions
            if action.shortcuts()]

def show_shortcuts(window):
    """Help › Keyboard shortcuts: every shortcut in a table; the dialog, open."""
    from PySide6.QtWidgets import (
        QDialog,
        QDialogButtonBox,
        QTableWidget,
        QTableWidgetItem,
        QVBoxLayout,
    )

    rows = window.shortcut_sheet()
    dialog = QDialog(window)
    dialog.setWindowTitle("Keyboard shortcuts")
    layout = QVBoxLayout(dialog)
    table = QTableWidget(len(rows), 3)
    table.setAccessibleName("Keyboard shortcuts")
    table.setHorizontalHeaderLabels(["Menu", "Action", "Shortcut"])
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    layout.addWidget(table)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(520, 560)
    dialog.open()
    return dialog


def show_about(window) -> None:
    """Help › About."""
    from PySide6.QtWidgets import QMessageBox

    from console import __version__

    QMessageBox.about(window, "About Event Console",
                      f"Event Console {__version__}\nBuild, check, send and inspect server-side tracking "
                      "events for VibeTrace, myTracker, Octeth and Synerise. Keys stay in the OS keyring.")

