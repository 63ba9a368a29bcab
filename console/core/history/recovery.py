"""Journal recovery: what a capture answered but had not recorded when it was killed is
recorded when history next opens (console.core.history.journal keeps it meanwhile), once, and
a journal that cannot be read whole is set aside. Read-only, it is only said where they wait."""

from __future__ import annotations

import types
import typing
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from console.core.history.connection import HistoryUnavailable
from console.core.history.records import Record


class RecoveringStore(Protocol):
    """What recovery needs of the store (HistoryStore has it)."""

    path: Path
    message: str | None

    def already_captured(self, records: list[Record]) -> list[bool]: ...

    def record_many(self, records: list[Record]) -> list[int]: ...


def journal_record(values: object) -> Record | None:
    """A Record from fields a capture journal held, or None when they are not a record's
    (a damaged or foreign journal: each field's type is checked before it reaches the file)."""
    if not isinstance(values, dict):
        return None
    known = Record._fields
    hints = _record_types()
    kept = {}
    for name, value in values.items():
        if name not in known:
            continue  # a newer version's field
        if not _fits(value, hints[name]):
            return None
        kept[name] = value
    try:
        return Record(**kept)
    except TypeError:  # a required field missing
        return None


@cache
def _record_types() -> dict[str, Any]:
    return typing.get_type_hints(Record)


def _fits(value: object, hint: Any) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in args)
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) and _fits(v, args[1]) for k, v in value.items())
    if origin is list:
        return isinstance(value, list) and all(_fits(v, args[0]) for v in value)
    return isinstance(value, hint)


def recover_captures(store: RecoveringStore) -> int:
    """Records what killed captures answered but had not recorded yet (see
    capture_journal), and removes their journals; returns how many requests. A journal
    that cannot be read whole is set aside (what could be read is recorded), and one whose
    requests cannot be written now stays for the next start; `message` says so."""
    if not any(store.path.parent.glob("capture-*.journal")):
        return 0  # the usual case: the journal's module is not even loaded
    from console.core.history.journal import orphans, set_aside

    recovered, notes = 0, []
    for orphan in orphans(store.path.parent):
        records = [r for r in map(journal_record, orphan.records) if r is not None]
        problem = orphan.problem
        if len(records) < len(orphan.records):
            problem = (problem + "; " if problem else "") + f"{len(orphan.records) - len(records)} request(s) in it were malformed"
        # Killed between its history write and the journal's "done": recorded once, not twice.
        records = [r for r, known in zip(records, store.already_captured(records), strict=True) if not known]
        try:
            store.record_many(records)
        except HistoryUnavailable as exc:
            notes.append(f"{len(records)} captured request(s) wait in {orphan.path}: history could not be "
                         f"written ({exc}). They are recorded the next time history opens; free some disk space.")
            continue
        recovered += len(records)
        try:
            if problem:
                kept = set_aside(orphan.path)
                notes.append(f"A capture journal could not be read whole ({problem}); it was set aside as {kept} "
                             f"after {len(records)} request(s) were recovered from it. Look at it or delete it.")
            else:
                orphan.path.unlink()
        except OSError as exc:
            notes.append(f"The capture journal {orphan.path} could not be removed ({exc.strerror or exc}); "
                         "remove it by hand.")
    if notes:
        store.message = " ".join(notes)
    return recovered


def count_waiting(store: RecoveringStore) -> int:
    """Read-only: says how many captured requests wait in journals, and where (recorded
    once history can be written); returns 0 (none was recorded)."""
    if not any(store.path.parent.glob("capture-*.journal")):
        return 0
    from console.core.history.journal import orphans

    notes = []
    for orphan in orphans(store.path.parent):
        if orphan.records:
            notes.append(f"{len(orphan.records)} captured request(s) wait in {orphan.path}; they are recorded "
                         "the next time history can be written.")
    if notes:
        store.message = " ".join([store.message or "", *notes]).strip()
    return 0
