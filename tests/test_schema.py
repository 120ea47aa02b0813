"""One schema: the Alembic migrations make exactly the tables of ``kiosk/backend/schema.py``, on
SQLite and (KIOSK_TEST_DATABASE=postgres) PostgreSQL, and a database from before Alembic is
adopted with its data."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kiosk.backend.schema import metadata
from kiosk.backend.store import Store
from tests.backend_fixtures import on_postgres, test_database


def head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from kiosk.backend.store import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_migrations_make_the_schema_exactly(tmp_path):
    store = Store(test_database() or tmp_path / "backend.sqlite3")
    try:
        assert store.revision() == head()
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == [], "schema.py and the migrations differ: add a migration"
    finally:
        store.close()


def test_a_second_start_changes_nothing(tmp_path):
    where = test_database() or tmp_path / "backend.sqlite3"
    first = Store(where)
    residents = first.one("SELECT COUNT(*) FROM residents")[0]
    first.close()
    again = Store(where)  # migrated and seeded already: neither runs twice
    try:
        assert again.revision() == head()
        assert again.one("SELECT COUNT(*) FROM residents")[0] == residents == 5
    finally:
        again.close()


# The tables of the last release before Alembic, as its store.py made them (abridged to those
# that changed since, plus meta, which marks such a database).
LEGACY = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sessions (token TEXT PRIMARY KEY, terminal_id TEXT, id_number TEXT, expires_at REAL);
CREATE TABLE orders (order_id TEXT PRIMARY KEY, terminal_id TEXT, account TEXT, amount INTEGER,
    status TEXT, meter_type TEXT, created_at REAL, expires_at REAL, paid_at REAL,
    sequence INTEGER, card_serial TEXT);
CREATE TABLE utility_orders (order_id TEXT PRIMARY KEY, terminal_id TEXT, kind TEXT,
    account TEXT, amount INTEGER, status TEXT, created_at REAL, expires_at REAL, paid_at REAL);
INSERT INTO meta VALUES ('seeded', 'true');
INSERT INTO orders (order_id, terminal_id, account, amount, status)
    VALUES ('G2026', 'demo-terminal-01', '100200300', 5000, 'paid');
"""


def test_a_database_from_before_alembic_is_adopted_with_its_data(tmp_path):
    path = tmp_path / "backend.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(LEGACY)
    db.close()
    store = Store(path)
    try:
        assert store.revision() == head()
        order = store.one("SELECT * FROM orders WHERE order_id='G2026'")
        assert order["status"] == "paid" and order["late_paid_at"] is None  # a new column
        assert store.one("SELECT revoked FROM sessions LIMIT 1") is None  # the column exists
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        # what stays of the old declarations is SQLite's own: a TEXT PRIMARY KEY made without
        # NOT NULL allows NULL, REAL where the schema says DOUBLE (the same storage class);
        # changing either takes a table rebuild. No table, column or index is missing.
        kinds = {d[0][0] if isinstance(d, list) else d[0] for d in diff}
        assert kinds <= {"modify_nullable", "modify_type"}, diff
    finally:
        store.close()


def test_connections_a_database_restart_broke_are_replaced():
    """PostgreSQL only: connections the server ended (a restart, an admin) are found on first use
    and replaced; a read and a write transaction go through without the caller seeing it."""
    if not on_postgres():
        pytest.skip("PostgreSQL's connection pool")
    import psycopg

    url = test_database()
    store = Store(url)
    try:
        for _ in range(3):
            with store.tx() as db:
                db.execute("SELECT 1")

        def end_connections() -> int:
            with psycopg.connect(url, autocommit=True) as admin:
                return admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname=current_database() AND pid<>pg_backend_pid()"
                ).fetchone()[0]

        assert end_connections() >= 1
        assert store.one("SELECT COUNT(*) FROM residents")[0] == 5
        assert end_connections() >= 1
        with store.tx() as db:
            assert db.execute("SELECT COUNT(*) FROM residents").fetchone()[0] == 5
    finally:
        store.close()


def test_counts_kept_before_the_stricter_number_filter_are_dropped_on_upgrade(tmp_path):
    """A number dictated in groups (一三八，零零一三，八零零零) may sit in a database from before
    revision 0003: the upgrade drops it and keeps ordinary counts."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from kiosk.backend.store import MIGRATIONS, database_url

    where = test_database() or tmp_path / "backend.sqlite3"
    engine = create_engine(database_url(where))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        for key in ("一三八，零零一三，八零零零", "办个健身卡"):
            conn.execute(
                text(
                    "INSERT INTO usage_counts (day, terminal_id, kind, key, count) "
                    "VALUES ('2026-12-01', 't', 'unmatched', :k, 2)"
                ),
                {"k": key},
            )
    engine.dispose()
    store = Store(where)  # upgrades to head at start
    try:
        assert store.revision() == head()
        kept = [r[0] for r in store.all("SELECT key FROM usage_counts")]
        assert kept == ["办个健身卡"]
    finally:
        store.close()
