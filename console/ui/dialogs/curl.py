"""Import cURL: a pasted command read as curl would, mapped onto an operation."""


from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from console.core.curl import CurlError, CurlImport, import_curl
from console.core.profiles import SANDBOX, ProfileError, check_profile_name
from console.ui.widgets.spoken import SpokenLabel


class CurlDialog(QDialog):
    """Reads a pasted cURL command; the window then fills vendor, operation, settings, payload."""

    def __init__(self, keyring_available: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import cURL")
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Paste a cURL command (the vendors' documents' examples work, multi-line with \\):"))
        self.input = QPlainTextEdit()
        self.input.setAccessibleName("cURL command")
        layout.addWidget(self.input, 1)
        self.summary = SpokenLabel("")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("cURL import result")
        layout.addWidget(self.summary)
        # A command that sends a file (-d @body.json) is never imported with the literal "@…":
        # the user picks the file, and the command is read again with its bytes.
        self.files: dict[str, bytes] = {}
        self.needed_file: str | None = None
        self.choose_file = QPushButton("Choose file…")
        self.choose_file.setAccessibleName("Choose file for cURL")
        self.choose_file.setVisible(False)
        self.choose_file.clicked.connect(self._choose_file)
        layout.addWidget(self.choose_file)
        # The sandbox first: a command copied from production is tried where nothing leaves this
        # computer, unless the user chooses to make a profile of its host and keys.
        self.on_sandbox = QRadioButton("Try it on the sandbox first (nothing leaves this computer; nothing is saved)")
        self.on_sandbox.setAccessibleName("Try on the sandbox")
        self.make_profile = QRadioButton("Create a profile with its host and keys:")
        self.make_profile.setAccessibleName("Create a profile")
        choice = QButtonGroup(self)
        choice.addButton(self.on_sandbox)
        choice.addButton(self.make_profile)
        self.on_sandbox.setChecked(True)
        layout.addWidget(self.on_sandbox)
        layout.addWidget(self.make_profile)
        form = QFormLayout()
        self.profile = QLineEdit("imported")
        self.profile.setAccessibleName("Profile for the imported settings")
        form.addRow("Profile name", self.profile)
        self.store = QCheckBox("Store keys found in the command in the OS keyring" if keyring_available
                               else "Keep keys found in the command for this session (no keyring)")
        self.store.setChecked(True)
        form.addRow(self.store)
        layout.addLayout(form)
        self.make_profile.toggled.connect(self._choice_changed)
        self._choice_changed(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self._accept)
        layout.addWidget(buttons)
        self.imported: CurlImport | None = None
        self.input.textChanged.connect(self._parse)

    @property
    def target(self) -> str:
        """The profile the import goes to: "sandbox" (try it there) or the one to create."""
        return self.profile.text().strip() if self.make_profile.isChecked() else SANDBOX

    def _choice_changed(self, _checked: bool) -> None:
        making = self.make_profile.isChecked()
        self.profile.setEnabled(making)
        self.store.setEnabled(making and self.imported is not None and bool(self.imported.secrets))

    def _read_file(self, name: str) -> bytes:
        if name in self.files:
            return self.files[name]
        self.needed_file = name
        where = "standard input (@-)" if name == "-" else f"the file {name!r}"
        raise CurlError(f"The command sends {where}: choose the file it means.")

    def _choose_file(self) -> None:
        name = self.needed_file
        if name is None:
            return
        title = "Choose what the command reads from standard input" if name == "-" else f"Choose {name}"
        path, _ = QFileDialog.getOpenFileName(self, title, "" if name == "-" else name)
        if not path:
            return
        try:
            with open(path, "rb") as handle:
                self.files[name] = handle.read()
        except OSError as exc:
            QMessageBox.warning(self, "Import cURL", f"Could not read {path}: {exc.strerror or exc}")
            return
        self._parse()

    def _parse(self) -> None:
        text = self.input.toPlainText()
        self.needed_file = None
        try:
            self.imported = import_curl(text, read_file=self._read_file)
        except CurlError as exc:
            self.imported = None
            self.summary.setText(f"⚠ {exc}" if text.strip() else "")
            self.summary.setStyleSheet("color: #c62828")
        else:
            r = self.imported
            secrets = ", ".join(r.secrets) or "none"
            settings = ", ".join(f"{k}={v}" for k, v in r.settings.items())
            self.summary.setText(f"{r.vendor} → {r.operation}\nSettings: {settings}\nKeys found: {secrets}"
                                 + "".join(f"\nNote: {n}" for n in r.notes))
            self.summary.setStyleSheet("")
            self.store.setEnabled(bool(r.secrets) and self.make_profile.isChecked())
        self.choose_file.setVisible(self.needed_file is not None)
        self.import_button.setEnabled(self.imported is not None)

    def _accept(self) -> None:
        if not self.make_profile.isChecked():
            self.accept()
            return
        try:
            check_profile_name(self.profile.text().strip())
            if self.profile.text().strip() == SANDBOX:
                raise ProfileError("The sandbox profile is built in; choose another name.")
        except ProfileError as exc:
            QMessageBox.warning(self, "Import cURL", str(exc))
            return
        self.accept()
