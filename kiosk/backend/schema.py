"""The reference backend's one schema, for SQLite and PostgreSQL alike (SQLAlchemy Core).

This is the schema as the code expects it now; the database gets there through the Alembic
migrations in ``kiosk/backend/migrations`` (``Store`` runs them at start). Column order matters:
some inserts name no columns. Change a table here *and* add a migration.

Types: money in fen and counts are integers, times are seconds since the epoch as doubles
(``backend.now()``), texts hold ISO dates where a person reads them.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

metadata = MetaData()


def _table(name: str, *cols, **kw) -> Table:
    return Table(name, metadata, *cols, **kw)


T, I, R, B = Text, BigInteger, Double, LargeBinary  # noqa: E741 - read as the SQL words

_table("meta", Column("key", T, primary_key=True), Column("value", T, nullable=False))
_table(
    "terminals",
    Column("id", T, primary_key=True),
    Column("secret", T, nullable=False),
    Column("name", T),
)
_table(
    "nonces",
    Column("terminal_id", T),
    Column("nonce", T),
    Column("ts", I),
    PrimaryKeyConstraint("terminal_id", "nonce"),
)
Index("nonces_by_ts", metadata.tables["nonces"].c.ts)
_table(
    "residents",
    *(Column(c, T) for c in ("id_number", "name", "phone", "address", "household", "hardship")),
    Column("gjj_account", T),
    Column("employer", T),
    PrimaryKeyConstraint("id_number"),
)
_table(
    "sessions",
    Column("token", T, primary_key=True),
    Column("terminal_id", T),
    Column("id_number", T),
    Column("expires_at", R),
    Column("last_used", R),  # idle expiry on the server
    Column("revoked", Integer, nullable=False, server_default="0"),
)
_table(
    "sms",
    Column("phone", T, primary_key=True),
    Column("code", T),
    Column("expires_at", R),
    Column("sent_at", R),
    Column("tries", Integer),
)
_table(
    "gjj_rows",
    *(Column(c, T) for c in ("id_number", "month", "employer")),
    *(Column(c, I) for c in ("base", "personal", "employer_part", "balance")),
)
Index("gjj_rows_by_person", metadata.tables["gjj_rows"].c.id_number)
_table(
    "si_rows",
    *(Column(c, T) for c in ("id_number", "month", "insurance", "employer")),
    *(Column(c, I) for c in ("base", "personal", "employer_part")),
)
Index("si_rows_by_person", metadata.tables["si_rows"].c.id_number)
_table(
    "edu_rows",
    *(Column(c, T) for c in ("id_number", "kind", "school", "major", "level", "date", "detail")),
)
_table(
    "certificates",
    Column("code", T, primary_key=True),
    *(Column(c, T) for c in ("kind", "id_number", "name", "title", "issued_at", "issuer")),
    Column("body", T),
    Column("fields", T),
    Column("valid_until", T),
    Column("revoked_at", T),
    Column("revoke_reason", T),
)
_table(
    "gas_accounts",
    Column("account", T, primary_key=True),
    Column("holder", T),
    Column("address", T),
    Column("balance", I),
    Column("meter_type", T),
    Column("card_sequence", I),
    Column("min_amount", I),
    Column("max_amount", I),
)
_table(
    "orders",
    Column("order_id", T, primary_key=True),
    Column("terminal_id", T),
    Column("account", T),
    Column("amount", I),
    Column("status", T),
    Column("meter_type", T),
    Column("created_at", R),
    Column("expires_at", R),
    Column("paid_at", R),
    Column("sequence", I),
    Column("card_serial", T),
    Column("late_paid_at", R),  # paid after cancel or expiry ...
    Column("refunded_at", R),  # ... and refunded automatically
)
Index("orders_by_status", metadata.tables["orders"].c.status)
_table(
    "ledger",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", T),
    Column("account", T),
    Column("entry", T),
    Column("amount", I),
    Column("at", R),
    sqlite_autoincrement=True,
)
_table(
    "idempotency",
    Column("terminal_id", T),
    Column("key", T),
    Column("request_hash", T),
    Column("state", T),
    Column("status_code", Integer),
    Column("body", T),
    Column("created_at", R),
    Column("locked_until", R),  # an in-flight lock expires
    Column("owner", T),  # which backend process (and attempt) holds it
    PrimaryKeyConstraint("terminal_id", "key"),
)
_table(
    "complaints",
    Column("number", T, primary_key=True),
    *(Column(c, T) for c in ("verify_code", "content", "category", "phone", "submitted_at")),
    Column("status", T),
)
_table(
    "evaluations",
    Column("id", T, primary_key=True),
    *(Column(c, T) for c in ("case_number", "level", "comment", "at", "terminal_id")),
)
_table(
    "heartbeats",
    Column("terminal_id", T, primary_key=True),
    Column("payload", T),
    Column("at", T),
)
_table("attempts", Column("kind", T), Column("subject", T), Column("at", R))
Index("attempts_by_subject", *(metadata.tables["attempts"].c[c] for c in ("kind", "subject", "at")))
# which backend processes are alive: an in-flight idempotency key of a dead one is taken over
_table(
    "backend_boots",
    Column("boot_id", T, primary_key=True),
    Column("host", T),
    Column("pid", Integer),
    Column("seen_at", R),
)

# ----- utilities, 办件编号, 求助 (service_routes.py) -----
_table(
    "utility_accounts",
    Column("kind", T),
    Column("account", T),
    Column("holder", T),
    Column("address", T),
    *(Column(c, I) for c in ("due", "min_amount", "max_amount")),
    PrimaryKeyConstraint("kind", "account"),
)
_table(
    "utility_orders",
    Column("order_id", T, primary_key=True),
    *(Column(c, T) for c in ("terminal_id", "kind", "account")),
    Column("amount", I),
    Column("status", T),
    *(Column(c, R) for c in ("created_at", "expires_at", "paid_at", "late_paid_at", "refunded_at")),
)
_table(
    "utility_keys",
    *(Column(c, T) for c in ("terminal_id", "key", "request_hash", "order_id")),
    PrimaryKeyConstraint("terminal_id", "key"),
)
_table(
    "cases",
    Column("number", T, primary_key=True),
    *(Column(c, T) for c in ("terminal_id", "service", "matter_id", "at")),
)
_table(
    "help_requests",
    Column("id", T, primary_key=True),
    *(Column(c, T) for c in ("terminal_id", "screen", "at")),
)

# ----- catalog publishing and admin accounts (catalog_routes.py) -----
_table(
    "admin_users",
    Column("name", T, primary_key=True),
    Column("hash", T, nullable=False),
    Column("created_at", R),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("locked_until", R, nullable=False, server_default="0"),
)
_table(
    "admin_sessions",
    Column("token_hash", T, primary_key=True),
    Column("name", T, nullable=False),
    Column("expires_at", R, nullable=False),
)
_table(
    "catalog_versions",
    Column("version", T, primary_key=True),
    Column("body", B, nullable=False),
    Column("sha256", T, nullable=False),
    Column("signature", T, nullable=False),
    Column("matters", Integer),
    Column("published_by", T),
    Column("published_at", R),
)
_table(
    "catalog_rollouts",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version", T, nullable=False),
    Column("terminals", T),
    Column("share", Integer),
    Column("by", T),
    Column("at", R),
    sqlite_autoincrement=True,
)
_table(
    "catalog_publishes",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", R),
    *(Column(c, T) for c in ("by", "action", "version", "target", "diff_summary")),
    Column("warnings", Integer),
    sqlite_autoincrement=True,
)
_table(
    "catalog_reports",
    Column("terminal_id", T, primary_key=True),
    *(Column(c, T) for c in ("version", "status", "problem")),
    Column("at", R),
)
_table(
    "catalog_uploads",
    Column("upload_id", T),
    Column("idx", Integer),
    Column("data", B),
    Column("by", T),
    Column("at", R),
    PrimaryKeyConstraint("upload_id", "idx"),
)

# ----- the admin console (console/): usage counts, heartbeat events, sessions, audit, areas -----
# A terminal's area is a table of its own rather than a column of ``terminals``: rows of that
# table are inserted by position. Days are 'YYYY-MM-DD' in China time, computed in Python.
_table(
    "usage_counts",
    *(Column(c, T, nullable=False) for c in ("day", "terminal_id", "kind", "key")),
    Column("count", I, nullable=False),
    PrimaryKeyConstraint("day", "terminal_id", "kind", "key"),
)
_table(
    "usage_reports",
    Column("terminal_id", T, nullable=False),
    Column("report_id", T, nullable=False),
    Column("at", R, nullable=False),
    PrimaryKeyConstraint("terminal_id", "report_id"),
)
_table(
    "heartbeat_events",
    Column("id", T, primary_key=True),
    Column("terminal_id", T, nullable=False),
    Column("at", R, nullable=False),
    Column("field", T, nullable=False),
    Column("old_value", T),
    Column("new_value", T),
)
Index(
    "heartbeat_events_by_terminal",
    metadata.tables["heartbeat_events"].c.terminal_id,
    metadata.tables["heartbeat_events"].c.at,
)
_table(
    "console_sessions",
    Column("token_hash", T, primary_key=True),
    Column("name", T, nullable=False),
    Column("csrf", T, nullable=False),
    Column("created_at", R, nullable=False),
    Column("last_seen", R, nullable=False),
)
_table(
    "admin_audit",
    Column("id", T, primary_key=True),
    Column("at", R, nullable=False),
    Column("by", T, nullable=False),
    Column("action", T, nullable=False),
    Column("detail", T),
    Column("source", T),
)
Index("admin_audit_by_time", metadata.tables["admin_audit"].c.at)
_table(
    "terminal_areas",
    Column("terminal_id", T, primary_key=True),
    Column("area", T, nullable=False),
)
