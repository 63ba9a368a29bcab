"""Profiles and keys: settings in the data home, keys in the OS keyring (or for the session)."""


from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.core.profiles import (
    SANDBOX,
    VARIABLE_NAME,
    VARIABLE_PREFIX,
    ProfileError,
    check_profile_name,
)
from console.ui.widgets.banner import banner
from console.ui.widgets.spoken import SpokenLabel
from console.ui.workers import run_in_background


class ProfilesDialog(QDialog):
    """Add and edit profiles of one vendor: settings go to profiles.json, keys to the keyring."""

    def __init__(self, ctx, vendor, current: str, parent: QWidget | None = None, operation=None):
        super().__init__(parent)
        self.ctx, self.vendor = ctx, vendor
        # The operation being edited in the window: its defaults are shown, its key marked.
        self.operation = operation or next(iter(vendor.operations.values()))
        self.dirty = False
        self.setWindowTitle(f"Profiles and keys — {vendor.title}")
        self.resize(860, 620)  # fits a 1024×700 screen; its fields get the width a URL or a key needs
        layout = QVBoxLayout(self)
        if not ctx.secrets.available:
            layout.addWidget(banner(ctx.secrets.problem or "No keyring", "warn"))
        body = QHBoxLayout()
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setAccessibleName("Profiles")
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton("New…")
        self.delete_button = QPushButton("Delete")
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)
        body.addLayout(left, 1)
        right = QVBoxLayout()
        self.note = SpokenLabel("")
        self.note.setWordWrap(True)
        right.addWidget(self.note)
        form = QFormLayout()
        # Each label above its field: the labels are long ("Workspace API key (api_key) — needed
        # by …") and beside the field they left it a few pixels wide.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.settings: dict[str, QLineEdit] = {}
        for name, setting in vendor.settings.items():
            edit = QLineEdit()
            edit.setAccessibleName(f"Setting {name}")
            edit.setToolTip(setting.help)
            self.settings[name] = edit
            edit.textEdited.connect(self._edited)
            form.addRow(f"{setting.label} ({name})", edit)
        self.secrets: dict[str, QLineEdit] = {}
        self.forget: dict[str, QPushButton] = {}
        for name, secret in vendor.secrets.items():
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(f"Secret {name}")
            edit.setToolTip(secret.help)
            forget = QPushButton("Forget")
            forget.setAccessibleName(f"Forget {name}")
            forget.clicked.connect(lambda _=False, n=name: self._forget(n))
            line = QHBoxLayout()
            line.addWidget(edit, 1)
            line.addWidget(forget)
            self.secrets[name] = edit
            self.forget[name] = forget
            edit.textEdited.connect(self._edited)
            needed = self.operation.credentials
            mark = ""
            if name in needed:
                mark = (f" — needed by {self.operation.title}" if len(needed) == 1 else
                        f" — {self.operation.title} needs this or {' or '.join(n for n in needed if n != name)}")
            form.addRow(f"{secret.label} ({name}){mark}", line)
        self.variables = QPlainTextEdit()
        self.variables.setAccessibleName("Profile variables")
        self.variables.setAccessibleDescription("One NAME=VALUE a line: the value of {{NAME}} in payloads sent with "
                                                "this profile")
        self.variables.setToolTip("One NAME=VALUE a line. A payload's {{NAME}} is this value when a data row or "
                                  "the case's vars do not give one (not for keys: they belong above)")
        self.variables.setTabChangesFocus(True)
        self.variables.setFixedHeight(self.variables.fontMetrics().lineSpacing() * 4 + 12)
        self.variables.textChanged.connect(lambda: self._edited() if self.variables.hasFocus() else None)
        form.addRow("Variables ({{NAME}})", self.variables)
        self.ask = QCheckBox("Ask before each send to a live host (recommended)")
        self.ask.setAccessibleName("Ask before sending")
        self.ask.setToolTip("The window asks before it sends with this profile to a host beyond this computer; "
                            "the Environment label says whether it will")
        self.ask.toggled.connect(lambda _on: self._edited() if self.ask.hasFocus() else None)
        form.addRow(self.ask)
        right.addLayout(form)
        self.test_button = QPushButton("Test credentials")
        self.test_button.setVisible(any(op.request.token_exchange for op in vendor.operations.values()))
        self.test_result = SpokenLabel("")
        self.test_result.setWordWrap(True)
        right.addWidget(self.test_button)
        right.addWidget(self.test_result)
        right.addStretch(1)
        body.addLayout(right, 3)
        layout.addLayout(body, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.new_button.clicked.connect(self._new)
        self.delete_button.clicked.connect(self._delete)
        self.test_button.clicked.connect(self._test)
        self.list.currentTextChanged.connect(self._switch)
        self._shown: str | None = None
        self._reload(current)

    def _edited(self, *_):
        self.dirty = True
        self.save_button.setText("Save*")

    def _ask_to_save(self) -> bool:
        """Typed but unsaved input: save it, drop it, or stay (False)."""
        if not self.dirty or self._shown in (None, SANDBOX):
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to profile {self._shown!r}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save(self._shown)
        return True

    def _switch(self, profile: str) -> None:
        if profile == self._shown:
            return
        if not self._ask_to_save():
            self.list.blockSignals(True)
            matches = self.list.findItems(self._shown or "", Qt.MatchFlag.MatchExactly)
            if matches:
                self.list.setCurrentItem(matches[0])
            self.list.blockSignals(False)
            return
        self._show(profile)

    def closeEvent(self, event) -> None:
        if self._ask_to_save():
            event.accept()
        else:
            event.ignore()

    def reject(self) -> None:  # Esc: the same question as Close
        if self._ask_to_save():
            super().reject()

    @property
    def profile(self) -> str:
        item = self.list.currentItem()
        return item.text() if item else SANDBOX

    def _reload(self, select: str) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        names = self.ctx.profiles.names(self.vendor.name)
        self.list.addItems(names)
        self.list.blockSignals(False)
        self.list.setCurrentRow(names.index(select) if select in names else 0)

    def _show(self, profile: str) -> None:
        self._shown = profile
        self.dirty = False
        self.save_button.setText("Save")
        sandbox = profile == SANDBOX
        stored = self.ctx.profiles.settings(self.vendor.name, profile)
        for name, edit in self.settings.items():
            # The operation's own default (Synerise's hosts differ by operation), else the vendor's.
            default = (self.vendor.setting_default(self.operation, name) if name in self.operation.settings
                       else self.vendor.settings[name].default) or ""
            edit.setText(stored.get(name, ""))
            edit.setPlaceholderText("the built-in sandbox" if sandbox and name == "base_url" else
                                    self.vendor.sandbox_settings.get(name, default) if sandbox else
                                    (f"default: {default}" if default else "not set"))
            edit.setEnabled(not sandbox)
        self.variables.setPlainText("\n".join(f"{k}={v}" for k, v in
                                               self.ctx.profiles.variables(self.vendor.name, profile).items()))
        self.variables.setPlaceholderText("No variables: the sandbox profile has none" if sandbox else
                                          "user_apikey=…\nlist_id=94")
        self.variables.setEnabled(not sandbox)
        self.ask.setChecked(self.ctx.profiles.asks_before_send(self.vendor.name, profile) or sandbox)
        self.ask.setEnabled(not sandbox)
        for name, edit in self.secrets.items():
            edit.clear()
            has = (self.vendor.sandbox_secrets.get(name) if sandbox
                   else self.ctx.secrets.get(self.vendor.name, profile, name))
            where = "in the keyring" if self.ctx.secrets.available else "for this session"
            edit.setPlaceholderText("built-in dummy" if sandbox and has else
                                    f"•••••••• (stored {where})" if has else "not set")
            edit.setEnabled(not sandbox)
            self.forget[name].setEnabled(bool(has) and not sandbox)
        self.delete_button.setEnabled(not sandbox)
        self.save_button.setEnabled(not sandbox)
        self.note.setText("The sandbox profile is built in: it talks to the embedded sandbox with dummy keys. "
                          "Create a profile for a real account." if sandbox else
                          "Settings are saved in the data home; keys go to the OS keyring only.")
        self.test_result.setText("")

    def _new(self) -> None:
        name, ok = QInputDialog.getText(self, "New profile", "Profile name (e.g. production, staging):")
        if not ok:
            return
        name = name.strip()
        try:
            check_profile_name(name)
            if name == SANDBOX:
                raise ProfileError("sandbox is the built-in profile's name.")
            self.ctx.profiles.update(self.vendor.name, name, {})
        except ProfileError as exc:
            QMessageBox.warning(self, "Profile", str(exc))
            return
        self._reload(name)

    def _delete(self) -> None:
        profile = self.profile
        if profile == SANDBOX:
            return
        answer = QMessageBox.question(self, "Delete profile",
                                      f"Delete profile {profile!r} of {self.vendor.title} and its keys?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        for name in self.vendor.secrets:
            self.ctx.secrets.delete(self.vendor.name, profile, name)
        self.ctx.profiles.delete(self.vendor.name, profile)
        self.dirty = False  # nothing of a deleted profile is left to save
        self._reload(SANDBOX)

    def _forget(self, name: str) -> None:
        self.ctx.secrets.delete(self.vendor.name, self.profile, name)
        self._show(self.profile)

    def variable_values(self) -> dict[str, str]:
        """The variables as typed (NAME=VALUE a line); ProfileError names a line that is not one."""
        values = {}
        for number, line in enumerate(self.variables.toPlainText().splitlines(), 1):
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep or not VARIABLE_NAME.match(name.strip()):
                raise ProfileError(f"Variables, line {number}: {line.strip()!r} is not NAME=VALUE (a name is letters, "
                                   "digits, _, . and -, beginning with a letter or _).")
            values[name.strip()] = value
        return values

    def save(self, profile: str | None = None) -> bool:
        profile = profile or self.profile
        if profile == SANDBOX:
            return False
        try:
            typed = self.variable_values()
            old = self.ctx.profiles.variables(self.vendor.name, profile)
            self.ctx.profiles.update(self.vendor.name, profile,
                                     {n: e.text().strip() for n, e in self.settings.items()}
                                     | {VARIABLE_PREFIX + k: "" for k in old if k not in typed}
                                     | {VARIABLE_PREFIX + k: v for k, v in typed.items()})
            if self.ask.isChecked() != self.ctx.profiles.asks_before_send(self.vendor.name, profile):
                self.ctx.profiles.set_asks_before_send(self.vendor.name, profile, self.ask.isChecked())
        except ProfileError as exc:
            QMessageBox.warning(self, "Profile", str(exc))
            return False
        for name, edit in self.secrets.items():
            if edit.text():
                self.ctx.secrets.set(self.vendor.name, profile, name, edit.text())
        self.dirty = False
        if profile == self.profile:
            self._show(profile)
        self.test_result.setText("Saved." if self.ctx.secrets.available else
                                 "Saved; keys are kept for this session only (no keyring).")
        return True

    def _test(self) -> None:
        from console.engine import pipeline

        self.save()
        vendor, profile = self.vendor, self.profile
        op = next(op for op in vendor.operations.values() if op.request.token_exchange)
        self.test_result.setText("Testing…")
        self.test_button.setEnabled(False)

        def work():
            return pipeline.check_credentials(self.ctx, vendor.name, op.name, profile)

        def done(result):
            self.test_button.setEnabled(True)
            self.test_result.setText(str(result))

        run_in_background(self, work, done, done)
