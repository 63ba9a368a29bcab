"""Unexpected errors: written to a log in the data home and shown in a dialog, never a
silent exit. What goes into the log is redacted first (redact_text)."""

from __future__ import annotations

import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from console.core.redact import redact_text

LOG_NAME = "event-console.log"


def install_error_dialog(home: Path) -> None:
    """Routes uncaught exceptions (in Qt slots too) to the log and a dialog."""
    log = Path(home) / LOG_NAME

    def hook(kind, value, tb):
        text = redact_text("".join(traceback.format_exception(kind, value, tb)))
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as f:
                f.write(f"--- {datetime.now(timezone.utc).isoformat()}\n{text}\n")
        except OSError:
            pass
        app = QApplication.instance()
        if app is not None:
            box = QMessageBox(QMessageBox.Icon.Critical, "Event Console: unexpected error",
                              f"Something went wrong: {kind.__name__}: {redact_text(str(value))}\n\n"
                              f"The details are in {log}.\nThe window keeps working; your drafts are kept.")
            box.setObjectName("unexpected-error")
            box.open()  # not exec(): no nested event loop inside the exception hook
            app._error_box = box

    sys.excepthook = hook
