"""HistoryStore: the history database of one data home, its parts put together: the file and
its connections (connection.py), writes (writes.py), reads (queries.py), maintenance
(maintenance.py) and imports stored as their file is read (imports.py); a capture killed
before recording what it answered is recovered at open (recovery.py)."""

from __future__ import annotations

from pathlib import Path

from console.core.history.connection import FILE_NAME, Connections
from console.core.history.imports import Imports
from console.core.history.queries import Queries
from console.core.history.recovery import count_waiting, recover_captures


class HistoryStore(Queries, Imports, Connections):
    """The history database. Safe to use from several threads: writes go through one
    connection under a lock; every thread reads through a connection of its own (see
    Connections._reading), so a read never waits for a write in progress, however long.
    Raises HistoryUnavailable when the file can be neither opened nor set aside."""

    def __init__(self, home: Path):
        self.path = Path(home) / FILE_NAME
        self._open_file()
        self.recovered = count_waiting(self) if self.read_only else recover_captures(self)
        if self.recovered and self.message is None:
            self.message = (f"{self.recovered} request(s) that a capture answered before it was stopped "
                            "were recorded now (marked “not checked”; filter Captured to see them).")
