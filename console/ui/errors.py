"""Unexpected errors: written to a log in the data home and shown in a dialog, never a
silent exit. The log holds tracebacks only (no payloads, no keys)."""

from __future__ import annotations

import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox


def install_error_dialog(home: Path) -> None:
    log = Path(home) / "event-console.log"

    def hook(kind, value, tb):
        text = "".join(traceback.format_exception(kind, value, tb))
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as f:
                f.write(f"--- {datetime.now(timezone.utc).isoformat()}\n{text}\n")
        except OSError:
            pass
        if QApplication.instance() is not None:
            QMessageBox.critical(None, "Event Console: unexpected error",
                                 f"Something went wrong: {kind.__name__}: {value}\n\n"
                                 f"The details are in {log}.\nThe window keeps working; your drafts are kept.")

    sys.excepthook = hook
