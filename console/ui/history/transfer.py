"""History's exports, imports and retention from the panel: the file dialogs; the work is the
engine's (console.engine.history_ops), run in the background with the panel's progress bar and
Stop (HistoryPanel.long_change)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from console.core.history.export import ImportStopped
from console.engine.history_ops import (
    ExportStopped,
    Imported,
    ImportRead,
    apply_retention,
    export_to_file,
    import_file,
    import_read,
    read_for_import,
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
    """Asks for a HAR or JSON file and imports it. The file is read and checked first, in the
    background with the bar and Stop of long changes (a large HAR takes seconds); then comes
    the question about its entries of no known endpoint, if any, and what was read is written
    (read again only to keep those entries too)."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(panel, "Import history", "", "HAR or JSON (*.har *.json);;All files (*)")
    if not path:
        return

    def read(progress, cancelled) -> ImportRead | None:
        return _unless_stopped(lambda: read_for_import(path, progress=progress, cancelled=cancelled))

    panel.long_change(read, lambda got: "" if got is not None else f"Nothing was imported from {path}.",
                      reload=lambda _got: False, then=lambda got: _import_what_was_read(panel, path, got),
                      failed=lambda error: _not_imported(panel, path, error))


def _unless_stopped(work):
    """work(), or None when the user stopped it (ImportStopped: nothing was written)."""
    try:
        return work()
    except ImportStopped:
        return None


def _not_imported(panel, path: str, error: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(panel, "Import", f"Could not import {path}: {error}")


def _import_what_was_read(panel, path: str, got: ImportRead) -> None:
    """The file was read well (a long change hands on no result when stopped): asks about its
    unknown entries, if any, then imports it."""
    from PySide6.QtWidgets import QMessageBox

    keep = False
    if got.skipped:
        keep = QMessageBox.question(
            panel, "Import", f"{got.skipped} entr{'y' if got.skipped == 1 else 'ies'} of this file match no "
            "endpoint of the five APIs. Keep them too, as plain exchanges you can view and export?"
        ) == QMessageBox.StandardButton.Yes

    def said(result) -> str:
        from console.core.history.export import import_summary

        if result is None:
            return f"Nothing was imported from {path}."
        imported, skipped, repeated = result
        return import_summary(path, imported, skipped if not keep else 0, repeated).replace(
            " (--keep-unknown keeps them as vendor 'other')", "")

    store = panel.store

    def work(progress, cancelled) -> Imported | None:
        if keep:  # what was read left those entries out: read again, keeping them
            return _unless_stopped(lambda: import_file(store, path, keep_unknown=True, progress=progress,
                                                       cancelled=cancelled))
        return import_read(store, got, progress)

    panel.long_change(work, said, reload=lambda result: result is not None)


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
