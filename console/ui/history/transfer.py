"""History's exports, imports and retention from the panel: the file dialogs; the work is the
engine's (console.engine.history_ops), run in the background with the panel's progress bar and
Stop (HistoryPanel.long_change)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from console.core.history.export import ImportStopped, Unknown
from console.engine.history_ops import (
    ExportStopped,
    Imported,
    apply_retention,
    export_to_file,
    import_file,
)


def export_dialog(panel, fmt: str, everything: bool = False) -> None:
    """Exports the selected exchanges, or (none selected, or `everything`) all those the
    list's filters and search show."""
    from PySide6.QtWidgets import QFileDialog

    suffix = {"har": "HAR (*.har)", "json": "JSON (*.json)", "curl": "Shell (*.sh *.txt)",
              "python": "Python (*.py)", "node": "JavaScript (*.js *.mjs)", "php": "PHP (*.php)"}[fmt]
    default = {"har": "history.har", "json": "history.json", "curl": "history.sh", "python": "replay.py",
               "node": "replay.js", "php": "replay.php"}[fmt]
    path, _ = QFileDialog.getSaveFileName(panel, "Export history", default, suffix)
    if not path:
        return
    ids = [] if everything else panel.selected_ids()
    filters = panel.model.filters
    store = panel.store

    def work(progress, cancelled) -> int:
        try:
            if ids:
                return export_to_file(store, path, fmt, ids=ids, progress=progress, cancelled=cancelled)
            return export_to_file(store, path, fmt, filters=filters, progress=progress, cancelled=cancelled)
        except ExportStopped:
            return -1  # nothing written: the file is as it was

    # Read and written in the background, a page at a time, with the bar and Stop of long changes.
    panel.long_change(work, lambda n: f"Exported {n} exchange(s) to {path} (keys masked)." if n >= 0 else
                      f"{path} was not written.", reload=lambda n: False)


def import_dialog(panel) -> None:
    """Asks for a HAR or JSON file and imports it, in the background with the bar and Stop of
    long changes (a large HAR takes seconds; Stop imports nothing). The file is stored as it is
    read; entries of no known endpoint are left out, and once the rest is in, the user is asked
    whether to import those too (the file read again for them alone)."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(panel, "Import history", "", "HAR or JSON (*.har *.json);;All files (*)")
    if not path:
        return
    _import(panel, path, Unknown.SKIP)


def _import(panel, path: str, unknown: Unknown) -> None:
    store = panel.store

    def work(progress, cancelled) -> Imported | None:
        try:
            return import_file(store, path, unknown, progress=progress, cancelled=cancelled)
        except ImportStopped:
            return None  # nothing was written

    def said(result: Imported | None) -> str:
        from console.core.history.export import import_summary

        if result is None:
            return f"Nothing was imported from {path}."
        return import_summary(path, result.imported, 0, result.repeated)

    def then(result: Imported | None) -> None:
        if result is not None and result.skipped and unknown is Unknown.SKIP:
            _ask_about_unknown(panel, path, result.skipped)

    panel.long_change(work, said, reload=lambda result: result is not None, then=then,
                      failed=lambda error: _not_imported(panel, path, error))


def _ask_about_unknown(panel, path: str, skipped: int) -> None:
    from PySide6.QtWidgets import QMessageBox

    if QMessageBox.question(
            panel, "Import", f"{skipped} entr{'y' if skipped == 1 else 'ies'} of this file match no endpoint of "
            "the five APIs and were not imported. Import them too, as plain exchanges you can view and export?"
    ) == QMessageBox.StandardButton.Yes:
        _import(panel, path, Unknown.ONLY)


def _not_imported(panel, path: str, error: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(panel, "Import", f"Could not import {path}: {error}")


def retention_dialog(panel) -> None:
    """Asks how much history to keep, saves it and applies it."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QSpinBox

    from console.core.history.records import Retention

    current = panel.store.retention()
    dialog = QDialog(panel)
    dialog.setWindowTitle("History retention")
    form = QFormLayout(dialog)
    keep_last = QSpinBox()
    keep_last.setRange(0, 10_000_000)
    keep_last.setSpecialValueText("no limit")
    keep_last.setValue(current.keep_last)
    keep_days = QSpinBox()
    keep_days.setRange(0, 36500)
    keep_days.setSpecialValueText("no limit")
    keep_days.setValue(current.keep_days)
    form.addRow("Keep the last N exchanges", keep_last)
    form.addRow("Keep exchanges of the last D days", keep_days)
    pinned = QCheckBox("Pinned exchanges are always kept")
    pinned.setChecked(True)
    pinned.setEnabled(False)
    form.addRow(pinned)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        store, rules = panel.store, Retention(keep_last.value(), keep_days.value())
        panel.change(lambda: store.set_retention(rules) or apply_retention(store),
                     lambda n: f"Retention saved; it removed {n} old exchange(s).")
