"""History: every exchange, from any front end, in SQLite in the data home.

Secrets are already masked when a record reaches history; it stores what it is given. The
database carries its schema version (PRAGMA user_version); older files are migrated in a
transaction, newer ones are opened read-only and never changed. Lists are paged by id (newest
first) and never load everything; full-text search uses SQLite FTS5 where the Python build has
it, LIKE where it does not.

Where things are (import from the module itself; this package imports nothing, so the window
can read `entry` before its first paint without loading SQLite):
- store.py: HistoryStore, put together from connection.py (the file, its connections,
  HistoryUnavailable), writes.py, queries.py and maintenance.py (deletes, undo, retention);
- records.py: Record, HistoryFilter, Retention; entry.py: HistoryEntry, what readers get;
- schema.py: the schema's version and migrations; recovery.py: captures' journals recovered;
- journal.py: the capture journal; export.py: exports and imports (HAR, JSON, cURL, programs).
"""
