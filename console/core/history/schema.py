"""History's SQLite schema: its version, the migrations that bring any older file to it (each
in one transaction), the search index, and the statements that write one exchange. The SQL that
derives a stored column says what the Python that writes it says (console.core.outcomes,
history.entry), and tests hold them to the same answers."""

from __future__ import annotations

from console.core.history.entry import EVENT_NAME_FIELDS, ISSUE_FILTERS
from console.core.outcomes import STATUS_CLASS_SQL

SCHEMA_VERSION = 5
FILE_NAME = "history.sqlite3"
# Rows changed per transaction by deletes, undo, clear and retention: each holds the write
# lock for milliseconds, so sends go on meanwhile, and progress is reported between them.
CHUNK = 5000
# Text of a body indexed for search (the first part is where people look; it keeps the
# index small when answers are megabytes).
INDEXED_CHARS = 65536

# The list row (what lists and filters scan) and the bodies, kept apart since version 4.
ROW_COLUMNS = ("time", "vendor", "operation", "profile", "method", "url", "credential", "status", "reason",
                "response_size", "response_truncated", "error", "error_kind", "elapsed_ms", "issues", "forced",
                "outcome", "source", "status_class", "request_size", "event_name", "errors", "warnings")
BODY_COLUMNS = ("request_headers", "request_body", "payload", "settings", "response_headers", "response_body")

SCHEMA_V1 = """
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    vendor TEXT NOT NULL,
    operation TEXT NOT NULL,
    profile TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    request_body BLOB NOT NULL,
    payload TEXT,
    settings TEXT NOT NULL,
    credential TEXT,
    status INTEGER,
    reason TEXT,
    response_headers TEXT,
    response_body BLOB,
    response_size INTEGER,
    response_truncated INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    error_kind TEXT,
    elapsed_ms REAL,
    issues TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL
);
CREATE TABLE exchange_keys (
    key TEXT NOT NULL,
    exchange_id INTEGER NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE
);
CREATE INDEX exchange_keys_by_key ON exchange_keys(key, exchange_id)
"""

# Version 2: pins, filters' indexes, the undo area for deletes, settings (retention).
SCHEMA_V2 = """
ALTER TABLE exchanges ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
CREATE INDEX exchanges_by_vendor ON exchanges(vendor, operation, id);
CREATE INDEX exchanges_by_time ON exchanges(time);
CREATE INDEX exchanges_by_profile ON exchanges(profile);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE trash AS SELECT * FROM exchanges WHERE 0;
CREATE TABLE trash_keys (key TEXT NOT NULL, exchange_id INTEGER NOT NULL)
"""

# Version 3: where each exchange came from (window, cli, suite, capture, import); NULL for
# exchanges recorded before it.
SCHEMA_V3 = """
ALTER TABLE exchanges ADD COLUMN source TEXT;
ALTER TABLE trash ADD COLUMN source TEXT
"""

# The event's name in SQL, for the migration that stores it: entry.event_name_of, field
# for field (a non-empty text, or an object's first key as VibeTrace REST's {"event": {"update": …}}),
# in the first event of a batch. tests/test_history_features.py holds the two to the same answers.
EVENT_NAME_SQL = "CASE WHEN json_valid(payload) THEN substr(COALESCE(" + ", ".join(
    f"CASE WHEN json_type(payload, '{where}{name}') = 'text' AND json_extract(payload, '{where}{name}') <> '' "
    f"THEN json_extract(payload, '{where}{name}') "
    f"WHEN json_type(payload, '{where}{name}') = 'object' "
    f"THEN (SELECT key FROM json_each(payload, '{where}{name}') LIMIT 1) END"
    for where in ("$.", "$[0].") for name in EVENT_NAME_FIELDS
) + "), 1, 80) END"

# Version 4: the bodies (headers, payload, answers: 0.5 KB to megabytes each) move out of the
# list rows into exchange_bodies, so lists and filters scan small rows; every filter has an
# index ending in id (its newest rows come first without a sort), over the rows not deleted
# (a list never walks past half a million deleted rows); deletes mark rows (undo clears the
# mark) instead of copying them to a trash table; the profile index covers every row (it also
# finds the profiles history has seen); the search index is kept up
# by the store (the triggers read the old table's columns).
SCHEMA_V4 = f"""
CREATE TABLE exchange_bodies (
    id INTEGER PRIMARY KEY,
    request_headers TEXT NOT NULL,
    request_body BLOB NOT NULL,
    payload TEXT,
    settings TEXT NOT NULL,
    response_headers TEXT,
    response_body BLOB
);
INSERT INTO exchange_bodies SELECT id, request_headers, request_body, payload, settings, response_headers,
    response_body FROM exchanges;
INSERT OR IGNORE INTO exchange_bodies SELECT id, request_headers, request_body, payload, settings,
    response_headers, response_body FROM trash;
CREATE TABLE exchanges_v4 (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    vendor TEXT NOT NULL,
    operation TEXT NOT NULL,
    profile TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    credential TEXT,
    status INTEGER,
    reason TEXT,
    response_size INTEGER,
    response_truncated INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    error_kind TEXT,
    elapsed_ms REAL,
    issues TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    source TEXT,
    status_class TEXT,
    request_size INTEGER,
    event_name TEXT,
    deleted INTEGER
);
INSERT INTO exchanges_v4 SELECT id, time, vendor, operation, profile, method, url, credential, status, reason,
    response_size, response_truncated, error, error_kind, elapsed_ms, issues, forced, outcome, pinned, source,
    {STATUS_CLASS_SQL}, length(request_body), {EVENT_NAME_SQL}, NULL FROM exchanges;
INSERT OR IGNORE INTO exchanges_v4 SELECT id, time, vendor, operation, profile, method, url, credential, status,
    reason, response_size, response_truncated, error, error_kind, elapsed_ms, issues, forced, outcome, pinned,
    source, {STATUS_CLASS_SQL}, length(request_body), {EVENT_NAME_SQL}, 1 FROM trash;
CREATE TABLE exchange_keys_v4 (key TEXT NOT NULL, exchange_id INTEGER NOT NULL);
INSERT INTO exchange_keys_v4 SELECT key, exchange_id FROM exchange_keys;
INSERT INTO exchange_keys_v4 SELECT key, exchange_id FROM trash_keys
    WHERE exchange_id IN (SELECT id FROM exchanges_v4 WHERE deleted = 1);
INSERT OR REPLACE INTO meta (key, value) SELECT 'undo_batch', '1' WHERE EXISTS (SELECT 1 FROM trash);
DROP TABLE exchange_keys;
DROP TABLE trash_keys;
DROP TABLE trash;
DROP TABLE exchanges;
ALTER TABLE exchanges_v4 RENAME TO exchanges;
ALTER TABLE exchange_keys_v4 RENAME TO exchange_keys;
CREATE INDEX exchange_keys_by_key ON exchange_keys(key, exchange_id);
CREATE INDEX exchange_keys_by_exchange ON exchange_keys(exchange_id);
CREATE INDEX exchanges_live ON exchanges(id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_vendor ON exchanges(vendor, id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_operation ON exchanges(vendor, operation, id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_profile ON exchanges(profile, id);
CREATE INDEX exchanges_by_status ON exchanges(status_class, id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_source ON exchanges(source, id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_time ON exchanges(time) WHERE deleted IS NULL;
CREATE INDEX exchanges_pinned ON exchanges(id) WHERE pinned = 1 AND deleted IS NULL;
CREATE INDEX exchanges_deleted ON exchanges(deleted, id) WHERE deleted IS NOT NULL
"""


def count_sql(severity: str) -> str:
    """SQL for how many issues of `severity` a row's issues hold (entry.issue_counts)."""
    # CASE, not AND: an element that is not an object must never reach json_extract.
    return (f"(SELECT count(*) FROM json_each(issues) "
            f"WHERE CASE WHEN type = 'object' THEN json_extract(value, '$.severity') END = '{severity}')")


# Version 5: each row's issue counts, so lists show a mark and "with errors" is an index away.
SCHEMA_V5 = f"""
ALTER TABLE exchanges ADD COLUMN errors INTEGER;
ALTER TABLE exchanges ADD COLUMN warnings INTEGER;
UPDATE exchanges SET {", ".join(f"{column} = {count_sql(severity)}" for column, severity in ISSUE_FILTERS.items())}
    WHERE json_valid(issues) AND json_type(issues) = 'array' AND issues <> '[]';
""" + ";\n".join(f"CREATE INDEX exchanges_with_{column} ON exchanges(id) WHERE {column} > 0 AND deleted IS NULL"
                  for column in ISSUE_FILTERS)

# Each entry brings a database from version N-1 to N; index 0 creates version 1.
MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5)
assert len(MIGRATIONS) == SCHEMA_VERSION

FTS_CREATE = "CREATE VIRTUAL TABLE exchanges_fts USING fts5(url, payload, response_body, tokenize = 'unicode61')"

# Fills the search index from the tables (all of them, or with a WHERE on e.id, some rows).
FTS_FILL = (f"INSERT INTO exchanges_fts(rowid, url, payload, response_body) SELECT e.id, e.url, "
            f"substr(b.payload, 1, {INDEXED_CHARS}), substr(CAST(b.response_body AS TEXT), 1, {INDEXED_CHARS}) "
            "FROM exchanges e JOIN exchange_bodies b ON b.id = e.id")

# Statements of exchanges written: each row with the id it is given (the next after the largest, under the
# write lock) and its mark (NULL; an import under way hides its rows: console.core.history.imports).
INSERT_ROWS = (f"INSERT INTO exchanges (id, {', '.join(ROW_COLUMNS)}, deleted) "
               f"VALUES ({', '.join('?' * (len(ROW_COLUMNS) + 2))})")
INSERT_BODIES = (f"INSERT INTO exchange_bodies (id, {', '.join(BODY_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * (len(BODY_COLUMNS) + 1))})")
INSERT_KEY = "INSERT INTO exchange_keys (key, exchange_id) VALUES (?, ?)"
INSERT_FTS = (f"INSERT INTO exchanges_fts(rowid, url, payload, response_body) VALUES "
              f"(?, ?, substr(?, 1, {INDEXED_CHARS}), substr(CAST(? AS TEXT), 1, {INDEXED_CHARS}))")
