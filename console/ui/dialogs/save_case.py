"""Save as case…: the current payload (its dynamic-value tokens kept) as a suite case file,
expecting the last answer's status and the answer fields the user ticks; all editable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from console.engine.suites import (
    SuiteError,
    answer_fields,
    case_file_name,
    expectation_for,
    new_case,
    save_case,
)
from console.ui.widgets.spoken import SpokenLabel


def parse_status(text: str) -> int | str | list[int]:
    """"202", "2xx" or "200, 202" as a case's expected status; ValueError says what is wanted."""
    text = text.strip().lower()
    if len(text) == 3 and text[0] in "12345" and text[1:] == "xx":
        return text
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts and all(p.isdigit() and len(p) == 3 for p in parts):
        return int(parts[0]) if len(parts) == 1 else [int(p) for p in parts]
    raise ValueError("Expected status is a status (202), a class (2xx) or a list (200, 202).")


class SaveCaseDialog(QDialog):
    """Asks for a case's name, file and expectations, then writes it. `saved(Path)` fires
    once it is written."""

    saved = Signal(object)

    def __init__(self, vendor: str, operation: str, payload: Any, folder: Path,
                 answer: tuple[int, Any] | None, severities: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Save as case")
        self.vendor, self.operation, self.payload, self.folder = vendor, operation, payload, Path(folder)
        self.path: Path | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(f"{vendor} {operation}")
        self.name.setAccessibleName("Case name")
        self.file = QLineEdit()
        self.file.setAccessibleName("Case file")
        browse = QPushButton("Browse…")
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        self.status = QLineEdit(str(answer[0]) if answer else "2xx")
        self.status.setAccessibleName("Expected status")
        self.status.setToolTip("A status (202), a class (2xx) or a list (200, 202)")
        self.issues = QComboBox()
        self.issues.setAccessibleName("Expected issues")
        self.issues.addItem("none: the payload must pass every rule", None)
        if severities:
            self.issues.addItem(f"as now: {', '.join(sorted(severities))} (sent anyway, to check the vendor's answer)",
                                sorted(severities))
            self.issues.setCurrentIndex(1)
        form.addRow("&Name", self.name)
        file_label = QLabel("&File")  # a row of two controls: the label's buddy is the text field
        file_label.setBuddy(self.file)
        form.addRow(file_label, file_row)
        form.addRow("Expected &status", self.status)
        form.addRow("Expected &issues", self.issues)
        layout.addLayout(form)
        self.fields = QListWidget()
        self.fields.setAccessibleName("Expected answer fields")
        fields = answer_fields(answer[1]) if answer and answer[1] is not None else []
        for pointer_text, value in fields:
            # An id or a time differs every send: the case expects its kind (a matcher), not its value.
            expected, said = expectation_for(value)
            item = QListWidgetItem(f"{pointer_text} {said}")
            item.setData(Qt.ItemDataRole.UserRole, (pointer_text, expected))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.fields.addItem(item)
        layout.addWidget(QLabel("Tick the answer's fields the case expects to see again:" if fields else
                                "No JSON answer to pick fields from (send once first to pick some)."))
        layout.addWidget(self.fields, 1)
        self.problem = SpokenLabel("")
        self.problem.setAccessibleName("Save problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save case")
        layout.addWidget(buttons)
        self._file_edited = False
        self._name_changed(self.name.text())
        self.name.textChanged.connect(self._name_changed)
        self.file.textEdited.connect(lambda _t: setattr(self, "_file_edited", True))
        browse.clicked.connect(self._browse)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.resize(640, 480)

    def _name_changed(self, name: str) -> None:
        if not self._file_edited:  # the file follows the name until the user picks one
            self.file.setText(str(self.folder / self.vendor / case_file_name(name)))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Save case as", self.file.text(), "Case files (*.case.json)")
        if chosen:
            self.file.setText(chosen if chosen.endswith(".case.json") else chosen + ".case.json")
            self._file_edited = True

    def case_data(self) -> dict:
        """The case file's content as the dialog stands; ValueError for a bad status."""
        body = {}
        for i in range(self.fields.count()):
            item = self.fields.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                pointer_text, value = item.data(Qt.ItemDataRole.UserRole)
                body[pointer_text] = value
        status = parse_status(self.status.text())
        data = new_case(self.name.text().strip(), self.vendor, self.operation, self.payload,
                        body=body, issues=self.issues.currentData())
        data["expect"]["status"] = status
        return data

    def save(self) -> None:
        """Writes the case; a problem is shown in the dialog and nothing typed is lost."""
        try:
            data = self.case_data()
            path = Path(self.file.text().strip()).expanduser()
            if path.exists():
                answer = QMessageBox.question(self, "Save as case", f"{path} exists. Replace it?")
                if answer != QMessageBox.StandardButton.Yes:
                    return
            save_case(path, data)
        except (ValueError, SuiteError) as exc:
            self.problem.setText(str(exc))
            return
        except OSError as exc:
            self.problem.setText(f"Could not write the case: {exc.strerror or exc}")
            return
        self.path = path
        self.saved.emit(path)
        self.accept()
