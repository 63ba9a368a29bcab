"""The Suites panel: a folder of case files (console.engine.suites) listed with their last
result; runs one, a selection, all, or the failed ones again, in the background, with
progress and cancel. Each run's sends land in history with source `suite`."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.ui.widgets.spoken import SpokenLabel
from console.ui.widgets.theme import is_dark, severity_colour


def run_cases(ctx, cases: list, profile: str, cancelled: threading.Event, rows: Path | None, report) -> None:
    """On a worker: runs cases one after another (with a data file, every case once per row)
    until done or cancelled, reporting each CaseResult; a case that cannot run at all is a
    failure with its reason, never the end of the run."""
    from console.core.data_rows import RowsError, read_rows
    from console.engine.suites import CaseResult, SuiteError, load_case, run_suite

    fresh = []
    for case in cases:
        try:
            fresh.append(load_case(case.path))  # as it now is: it may have been fixed on disk
        except SuiteError as exc:
            fresh.append(case._replace(problem=str(exc)))
    try:
        read = read_rows(rows) if rows is not None else None
        for result in run_suite(ctx, fresh, profile, read, cancelled=cancelled.is_set):
            report(result)
    except RowsError as exc:
        report(CaseResult(cases[0], False, str(exc), None, 0.0, error=True))
    except Exception as exc:  # noqa: BLE001 - shown as the case's reason
        report(CaseResult(cases[0], False, f"could not run: {exc}", None, 0.0))


COLUMNS = ("Case", "Operation", "Result", "Reason")


class SuitesPanel(QWidget):
    """Lists and runs the cases of one folder. `open_requested(Case)` asks the window to load
    a case into the editor; `ran()` says history has new rows."""

    open_requested = Signal(object)
    ran = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Suites")
        self.ctx = None
        self.folder: Path | None = None
        self.cases: list = []  # console.engine.suites.Case
        self.results: dict = {}  # case path → console.engine.suites.CaseResult
        self._rows: dict = {}  # case path → its row in the list
        self._queue: list = []  # the paths of the running cases, in the order they run
        self._pending: Path | None = None  # the folder to list when the panel is first shown
        self.rows: Path | None = None  # a data file: every case runs once per row
        self._tally: dict = {}  # case path → [rows passed, rows failed, the first failure's reason]
        self._cancelled: threading.Event | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.open_button = QPushButton("Open folder…")
        self.open_button.setAccessibleName("Open suite folder")
        self.open_button.setToolTip("Choose a folder of *.case.json files (searched with its subfolders)")
        self.folder_label = SpokenLabel("No folder")
        self.folder_label.setAccessibleName("Suite folder")
        self.folder_label.setWordWrap(True)
        self.profile = QComboBox()
        self.profile.setEditable(True)
        self.profile.setAccessibleName("Suite profile")
        self.profile.setToolTip("The profile every case is sent with (its keys and host); sandbox by default")
        self.profile.addItem("sandbox")
        top.addWidget(self.open_button)
        top.addWidget(self.folder_label, 1)
        top.addWidget(QLabel("Profile"))
        top.addWidget(self.profile)
        self.data_button = QPushButton("Data rows…")
        self.data_button.setAccessibleName("Suite data file")
        self.data_button.setToolTip("Run every case once per row of a CSV (with a header row) or a JSON array "
                                    "of objects; the columns are the cases' {{variables}}")
        self.data_label = SpokenLabel("No data rows")
        self.data_label.setAccessibleName("Suite data rows")
        self.data_clear = QPushButton("No data")
        self.data_clear.setAccessibleName("Clear suite data file")
        self.data_clear.setToolTip("Run each case once, without a data file")
        top.addWidget(self.data_button)
        top.addWidget(self.data_label)
        top.addWidget(self.data_clear)
        layout.addLayout(top)

        self.list = QTreeWidget()
        self.list.setAccessibleName("Suite cases")
        self.list.setHeaderLabels(list(COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setToolTip("Double-click (or Enter) opens a case in the editor")
        layout.addWidget(self.list, 1)

        row = QHBoxLayout()
        self.run_all = QPushButton("Run all")
        self.run_all.setAccessibleName("Run all cases")
        self.run_selected = QPushButton("Run selected")
        self.run_selected.setAccessibleName("Run selected cases")
        self.run_failed = QPushButton("Re-run failed")
        self.run_failed.setAccessibleName("Re-run failed cases")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel suite run")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Suite progress")
        self.progress.setVisible(False)
        self.summary = SpokenLabel("")
        self.summary.setAccessibleName("Suite summary")
        for widget in (self.run_all, self.run_selected, self.run_failed, self.cancel_button):
            row.addWidget(widget)
        row.addWidget(self.progress, 1)
        row.addWidget(self.summary, 1)
        layout.addLayout(row)

        self.open_button.clicked.connect(self.choose_folder)
        self.data_button.clicked.connect(self.choose_rows)
        self.data_clear.clicked.connect(lambda: self.set_rows(None))
        self.run_all.clicked.connect(lambda: self.run(self.cases))
        self.run_selected.clicked.connect(lambda: self.run(self.selected_cases()))
        self.run_failed.clicked.connect(lambda: self.run(
            [c for c in self.cases if c.path in self.results and not self.results[c.path].passed]))
        self.cancel_button.clicked.connect(self.cancel)
        self.list.itemActivated.connect(lambda item, _col: self.open_requested.emit(self._case_of(item)))
        self._update_buttons()

    # -- folder ------------------------------------------------------------------------------
    def set_context(self, ctx, folder: Path | None, profiles: list[str]) -> None:
        """Binds the panel to the app's context; `folder` is listed when the panel is first
        shown (reading case files is no part of start-up)."""
        self.ctx = ctx
        for name in profiles:
            if self.profile.findText(name) < 0:
                self.profile.addItem(name)
        self._pending = folder
        if folder is not None and self.isVisible():
            self.open_folder(folder)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending is not None and self.folder is None:
            self.open_folder(self._pending)

    def choose_folder(self) -> None:
        start = str(self.folder) if self.folder else ""
        chosen = QFileDialog.getExistingDirectory(self, "Open a suite folder", start)
        if chosen:
            self.open_folder(Path(chosen))

    def choose_rows(self) -> None:
        start = str(self.rows.parent) if self.rows else str(self.folder or "")
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose a data file", start,
                                                "Data rows (*.csv *.json);;All files (*)")
        if chosen:
            self.set_rows(Path(chosen))

    def set_rows(self, path: Path | None) -> None:
        """Every case runs once per row of `path` (None: once)."""
        self.rows = Path(path) if path else None
        self.data_label.setText(f"Rows from {self.rows.name}" if self.rows else "No data rows")
        self.data_label.setToolTip(str(self.rows) if self.rows else "")
        self.data_label.setAccessibleDescription(self.data_label.text())
        self._update_buttons()

    def open_folder(self, folder: Path) -> bool:
        """Lists the cases under `folder`; a malformed case file is named with its problem."""
        from console.engine.suites import SuiteError, load_cases

        self._pending = None
        self.folder = Path(folder)
        self.folder_label.setText(str(self.folder))
        self.folder_label.setToolTip(str(self.folder))
        self.results = {}
        try:
            self.cases = load_cases(self.folder)
        except SuiteError as exc:
            self.cases = []
            self._fill()
            self.summary.setText(str(exc))
            self._update_buttons()
            return False
        self._fill()
        self.summary.setText(f"{len(self.cases)} case(s)")
        self._update_buttons()
        return True

    def reload(self) -> None:
        if self.folder is not None and self._cancelled is None:
            self.open_folder(self.folder)

    def _fill(self) -> None:
        self.list.clear()
        self._rows = {}
        for case in self.cases:
            item = QTreeWidgetItem([case.name, f"{case.vendor}/{case.operation}", "", ""])
            item.setToolTip(0, str(case.path))
            self.list.addTopLevelItem(item)
            self._rows[case.path] = item
        self.list.resizeColumnToContents(0)

    def _case_of(self, item: QTreeWidgetItem):
        return self.cases[self.list.indexOfTopLevelItem(item)]

    def selected_cases(self) -> list:
        rows = sorted(self.list.indexOfTopLevelItem(i) for i in self.list.selectedItems())
        return [self.cases[r] for r in rows]

    # -- running -----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._cancelled is not None

    def run(self, cases: list) -> None:
        if self.running or not cases or self.ctx is None:
            return
        self._cancelled = threading.Event()
        for case in cases:
            self._show(case, "running…" if case is cases[0] else "queued", "")
        self._queue = [case.path for case in cases]  # in the order they run
        self._tally = {}
        # With a data file the number of sends is known only at its end: the bar shows activity.
        self.progress.setRange(0, 0 if self.rows else len(cases))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.summary.setText(f"Running {len(cases)} case(s)…")
        self._update_buttons()
        profile = self.profile.currentText().strip() or "sandbox"
        from console.ui.workers import run_in_background

        ctx, chosen, cancelled, rows = self.ctx, list(cases), self._cancelled, self.rows
        run_in_background(self, lambda report: run_cases(ctx, chosen, profile, cancelled, rows, report),
                          lambda _none: self._run_finished(), lambda _message: self._run_finished(),
                          pool=self._pool, on_progress=self._case_done)

    def cancel(self) -> None:
        """Stops after the case being sent (its answer is still recorded in history)."""
        if self._cancelled is not None:
            self._cancelled.set()
            self.summary.setText("Cancelling…")

    def _case_done(self, result) -> None:
        if result.row is not None:  # one row of a data-driven run: the case's row shows the tally
            tally = self._tally.setdefault(result.case.path, [0, 0, ""])
            tally[0 if result.passed else 1] += 1
            tally[2] = tally[2] or ("" if result.passed else f"row {result.row}: {result.reason}")
            failed = tally[1] > 0
            self.results[result.case.path] = result._replace(passed=not failed, reason=tally[2])
            self._show(result.case, f"{'FAILED' if failed else 'passed'} {tally[0]}/{tally[0] + tally[1]} rows",
                       tally[2])
            self.summary.setText(f"Row {result.row}: {result.name}")
            self.ran.emit()
            return
        self.results[result.case.path] = result
        self._show(result.case, "passed" if result.passed else "FAILED", result.reason)
        self.progress.setValue(self.progress.value() + 1)
        # The next case of this run (not the next row: a selection skips rows) is running now.
        upcoming = self._queue[self.progress.value():self.progress.value() + 1]
        if upcoming and upcoming[0] in self._rows and self._rows[upcoming[0]].text(2) == "queued":
            self._rows[upcoming[0]].setText(2, "running…")
        self.ran.emit()

    def _run_finished(self) -> None:
        stopped = self._cancelled is not None and self._cancelled.is_set()
        self._cancelled = None
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item is not None and item.text(2) in ("queued", "running…"):
                item.setText(2, "not run")
        self.progress.setVisible(False)
        passed = sum(r.passed for r in self.results.values())
        failed = len(self.results) - passed
        self.summary.setText(("Cancelled. " if stopped else "") + f"{passed} passed, {failed} failed")
        self._update_buttons()

    def _show(self, case, result: str, reason: str) -> None:
        item = self._rows.get(case.path)
        if item is None:
            return
        item.setText(2, result)
        item.setText(3, reason)
        item.setToolTip(3, reason)
        if result.startswith(("passed", "FAILED")):
            from PySide6.QtGui import QBrush, QColor

            dark = is_dark(self.palette())
            colour = severity_colour("error", dark) if result.startswith("FAILED") else ("#4caf50" if dark else "#1b7f3b")
            item.setForeground(2, QBrush(QColor(colour)))

    def _update_buttons(self) -> None:
        idle = not self.running
        self.run_all.setEnabled(idle and bool(self.cases))
        self.run_selected.setEnabled(idle and bool(self.cases))
        self.run_failed.setEnabled(idle and any(not r.passed for r in self.results.values()))
        self.open_button.setEnabled(idle)
        self.data_button.setEnabled(idle)
        self.data_clear.setEnabled(idle and self.rows is not None)
        self.cancel_button.setEnabled(not idle)

    def wait(self, msecs: int = 5000) -> bool:
        """Waits for a run to end (the window closes after it)."""
        if self._cancelled is not None:
            self._cancelled.set()
        return self._pool.waitForDone(msecs)
