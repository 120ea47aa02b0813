"""The admin console's tables, in one place: usage counts, heartbeat events, console sessions and
the admin audit trail. Portable SQL (SQLite and PostgreSQL): no AUTOINCREMENT, TEXT ids, times as
REAL epoch seconds, days as 'YYYY-MM-DD' text computed in Python (China time)."""

from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS usage_counts (day TEXT NOT NULL, terminal_id TEXT NOT NULL,
    kind TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (day, terminal_id, kind, key));
CREATE TABLE IF NOT EXISTS usage_reports (terminal_id TEXT NOT NULL, report_id TEXT NOT NULL,
    at REAL NOT NULL, PRIMARY KEY (terminal_id, report_id));
CREATE TABLE IF NOT EXISTS heartbeat_events (id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL,
    at REAL NOT NULL, field TEXT NOT NULL, old_value TEXT, new_value TEXT);
CREATE INDEX IF NOT EXISTS heartbeat_events_by_terminal ON heartbeat_events (terminal_id, at);
CREATE TABLE IF NOT EXISTS console_sessions (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL,
    csrf TEXT NOT NULL, created_at REAL NOT NULL, last_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS admin_audit (id TEXT PRIMARY KEY, at REAL NOT NULL, by TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT, source TEXT);
CREATE INDEX IF NOT EXISTS admin_audit_by_time ON admin_audit (at);
CREATE TABLE IF NOT EXISTS terminal_areas (terminal_id TEXT PRIMARY KEY, area TEXT NOT NULL);
"""


def ensure_schema(store) -> None:
    """Create the tables, as ``catalog_routes.ensure_schema`` does. A terminal's area is a table
    of its own rather than a column of ``terminals``: code that inserts terminal rows by position
    (tests, the seed) keeps working."""
    with store.lock:
        store.db.executescript(SCHEMA)
