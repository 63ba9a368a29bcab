"""File › Import Postman collection… and File › Export suite as Postman collection…: the
window's way to console.engine.postman, the same work as `suite import-postman` and
`suite export-postman`, done in the background; the result is said in a window of its own
and the Suites tab opens the folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from console.ui.workers import run_in_background


def import_postman(window) -> None:
    """Asks for a collection, an optional environment and a folder; then imports."""
    collection, _ = QFileDialog.getOpenFileName(window, "Import a Postman collection", "",
                                                "Postman collection (*.json);;All files (*)")
    if not collection:
        return
    environment, _ = QFileDialog.getOpenFileName(
        window, "A Postman environment too? (Cancel: none) Its values make a profile; its keys go to the keyring",
        str(Path(collection).parent), "Postman environment (*.json);;All files (*)")
    start = str(window.suites.folder or Path(collection).parent)
    out = QFileDialog.getExistingDirectory(window, "The folder the cases go into", start)
    if not out:
        return
    run_import(window, collection, environment or None, Path(out))


def run_import(window, collection: str, environment: str | None, out: Path) -> None:
    """Imports in the background; then says what was done and opens the folder in Suites."""
    ctx = window.ctx

    def work() -> list[str]:
        from console.engine.postman import import_collection, read_file, save_imported

        return save_imported(ctx, import_collection(read_file(collection, "collection"),
                                                   read_file(environment, "environment") if environment else None),
                             out)

    def done(lines: list[str]) -> None:
        window.fill_profiles(window.profile.currentText())
        window.suites.set_context(ctx, None, ctx.profiles.names(window.vendor.currentData()))
        window.suites.open_folder(out)
        window.bottom_tabs.setCurrentWidget(window.suites)
        _tell(window, "Postman collection imported", lines[-1], "\n".join(lines))

    def failed(message: str) -> None:
        _tell(window, "Postman collection not imported", f"{collection} could not be imported: {message}", "")

    window.statusBar().showMessage(f"Importing {collection}…")
    run_in_background(window, work, done, failed)


def export_postman(window) -> None:
    """Asks for the suite folder (the Suites tab's, when one is open) and the file; then exports."""
    folder = window.suites.folder
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(window, "The suite folder to export")
        if not chosen:
            return
        folder = Path(chosen)
    out, _ = QFileDialog.getSaveFileName(window, "Export as a Postman collection",
                                         str(folder.parent / f"{folder.name}.postman_collection.json"),
                                         "Postman collection (*.json)")
    if out:
        run_export(window, folder, Path(out), window.suites.profile.currentText().strip() or "sandbox")


def run_export(window, folder: Path, out: Path, profile: str) -> None:
    """Exports in the background; then says where, and what newman needs."""
    ctx = window.ctx

    def work() -> str:
        import json

        from console.core.files import atomic_write
        from console.engine.postman import export_collection
        from console.engine.suites import load_cases

        cases = load_cases(folder, keep_broken=True)
        collection = export_collection(ctx, cases, folder, profile)
        atomic_write(out, json.dumps(collection, indent=2, ensure_ascii=False) + "\n")
        sendable = sum(not c.problem for c in cases)
        return (f"Exported {sendable} case(s) to {out}. Run it with: newman run {out.name}"
                + ("" if profile == "sandbox" else " --env-var NAME=KEY for each key it names (keys are not in the file)"))

    def done(message: str) -> None:
        window.statusBar().showMessage(message, 10000)
        _tell(window, "Suite exported", message, "")

    run_in_background(window, work, done,
                      lambda message: _tell(window, "Suite not exported", f"{folder} could not be exported: {message}", ""))


def _tell(parent: QWidget, title: str, text: str, details: str) -> None:
    """Says a result in a window that does not stop the main one (open, not exec)."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAccessibleName(title)
    if details:
        box.setDetailedText(details)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # its parent owns it until it is closed
    box.show()
