"""Baseline: the schema as of the first release with Alembic.

It also adopts a database made before Alembic (``backend.sqlite3`` of earlier releases): a table
that exists is kept and gains the columns and indexes added since, instead of being created.

Revision ID: 0001
Revises:
Create Date: 2026-12-03 19:38:33.635526
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _create_table(name: str, *columns, **kw) -> None:
    """Create the table, or bring a table from before Alembic up to this shape."""
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if name not in inspector.get_table_names():
        op.create_table(name, *columns, **kw)
        return
    have = {c["name"] for c in inspector.get_columns(name)}
    for column in columns:
        if isinstance(column, sa.Column) and column.name not in have:
            op.add_column(name, column)


def _create_index(name: str, table: str, columns: list[str], **kw) -> None:
    if name not in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table)}:
        op.create_index(name, table, columns, **kw)


def upgrade() -> None:
    _create_table(
        "admin_sessions",
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    _create_table(
        "admin_users",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=True),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.Double(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    _create_table(
        "attempts",
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("at", sa.Double(), nullable=True),
    )
    _create_index("attempts_by_subject", "attempts", ["kind", "subject", "at"], unique=False)
    _create_table(
        "backend_boots",
        sa.Column("boot_id", sa.Text(), nullable=False),
        sa.Column("host", sa.Text(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("seen_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("boot_id"),
    )
    _create_table(
        "cases",
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("terminal_id", sa.Text(), nullable=True),
        sa.Column("service", sa.Text(), nullable=True),
        sa.Column("matter_id", sa.Text(), nullable=True),
        sa.Column("at", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("number"),
    )
    _create_table(
        "catalog_publishes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.Double(), nullable=True),
        sa.Column("by", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("version", sa.Text(), nullable=True),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("diff_summary", sa.Text(), nullable=True),
        sa.Column("warnings", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    _create_table(
        "catalog_reports",
        sa.Column("terminal_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("terminal_id"),
    )
    _create_table(
        "catalog_rollouts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("terminals", sa.Text(), nullable=True),
        sa.Column("share", sa.Integer(), nullable=True),
        sa.Column("by", sa.Text(), nullable=True),
        sa.Column("at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    _create_table(
        "catalog_uploads",
        sa.Column("upload_id", sa.Text(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("by", sa.Text(), nullable=True),
        sa.Column("at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("upload_id", "idx"),
    )
    _create_table(
        "catalog_versions",
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("matters", sa.Integer(), nullable=True),
        sa.Column("published_by", sa.Text(), nullable=True),
        sa.Column("published_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("version"),
    )
    _create_table(
        "certificates",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("id_number", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("issued_at", sa.Text(), nullable=True),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=True),
        sa.Column("valid_until", sa.Text(), nullable=True),
        sa.Column("revoked_at", sa.Text(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    _create_table(
        "complaints",
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("verify_code", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("number"),
    )
    _create_table(
        "edu_rows",
        sa.Column("id_number", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("school", sa.Text(), nullable=True),
        sa.Column("major", sa.Text(), nullable=True),
        sa.Column("level", sa.Text(), nullable=True),
        sa.Column("date", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    _create_table(
        "evaluations",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("case_number", sa.Text(), nullable=True),
        sa.Column("level", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.Text(), nullable=True),
        sa.Column("terminal_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_table(
        "gas_accounts",
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("holder", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=True),
        sa.Column("meter_type", sa.Text(), nullable=True),
        sa.Column("card_sequence", sa.BigInteger(), nullable=True),
        sa.Column("min_amount", sa.BigInteger(), nullable=True),
        sa.Column("max_amount", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("account"),
    )
    _create_table(
        "gjj_rows",
        sa.Column("id_number", sa.Text(), nullable=True),
        sa.Column("month", sa.Text(), nullable=True),
        sa.Column("employer", sa.Text(), nullable=True),
        sa.Column("base", sa.BigInteger(), nullable=True),
        sa.Column("personal", sa.BigInteger(), nullable=True),
        sa.Column("employer_part", sa.BigInteger(), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=True),
    )
    _create_index("gjj_rows_by_person", "gjj_rows", ["id_number"], unique=False)
    _create_table(
        "heartbeats",
        sa.Column("terminal_id", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("at", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("terminal_id"),
    )
    _create_table(
        "help_requests",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("terminal_id", sa.Text(), nullable=True),
        sa.Column("screen", sa.Text(), nullable=True),
        sa.Column("at", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_table(
        "idempotency",
        sa.Column("terminal_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=True),
        sa.Column("locked_until", sa.Double(), nullable=True),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("terminal_id", "key"),
    )
    _create_table(
        "ledger",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column("account", sa.Text(), nullable=True),
        sa.Column("entry", sa.Text(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    _create_table(
        "meta",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    _create_table(
        "nonces",
        sa.Column("terminal_id", sa.Text(), nullable=False),
        sa.Column("nonce", sa.Text(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("terminal_id", "nonce"),
    )
    _create_index("nonces_by_ts", "nonces", ["ts"], unique=False)
    _create_table(
        "orders",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("terminal_id", sa.Text(), nullable=True),
        sa.Column("account", sa.Text(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("meter_type", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=True),
        sa.Column("expires_at", sa.Double(), nullable=True),
        sa.Column("paid_at", sa.Double(), nullable=True),
        sa.Column("sequence", sa.BigInteger(), nullable=True),
        sa.Column("card_serial", sa.Text(), nullable=True),
        sa.Column("late_paid_at", sa.Double(), nullable=True),
        sa.Column("refunded_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("order_id"),
    )
    _create_index("orders_by_status", "orders", ["status"], unique=False)
    _create_table(
        "residents",
        sa.Column("id_number", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("household", sa.Text(), nullable=True),
        sa.Column("hardship", sa.Text(), nullable=True),
        sa.Column("gjj_account", sa.Text(), nullable=True),
        sa.Column("employer", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id_number"),
    )
    _create_table(
        "sessions",
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("terminal_id", sa.Text(), nullable=True),
        sa.Column("id_number", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.Double(), nullable=True),
        sa.Column("last_used", sa.Double(), nullable=True),
        sa.Column("revoked", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )
    _create_table(
        "si_rows",
        sa.Column("id_number", sa.Text(), nullable=True),
        sa.Column("month", sa.Text(), nullable=True),
        sa.Column("insurance", sa.Text(), nullable=True),
        sa.Column("employer", sa.Text(), nullable=True),
        sa.Column("base", sa.BigInteger(), nullable=True),
        sa.Column("personal", sa.BigInteger(), nullable=True),
        sa.Column("employer_part", sa.BigInteger(), nullable=True),
    )
    _create_index("si_rows_by_person", "si_rows", ["id_number"], unique=False)
    _create_table(
        "sms",
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.Double(), nullable=True),
        sa.Column("sent_at", sa.Double(), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("phone"),
    )
    _create_table(
        "terminals",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_table(
        "utility_accounts",
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("holder", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("due", sa.BigInteger(), nullable=True),
        sa.Column("min_amount", sa.BigInteger(), nullable=True),
        sa.Column("max_amount", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "account"),
    )
    _create_table(
        "utility_keys",
        sa.Column("terminal_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=True),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("terminal_id", "key"),
    )
    _create_table(
        "utility_orders",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("terminal_id", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("account", sa.Text(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=True),
        sa.Column("expires_at", sa.Double(), nullable=True),
        sa.Column("paid_at", sa.Double(), nullable=True),
        sa.Column("late_paid_at", sa.Double(), nullable=True),
        sa.Column("refunded_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("order_id"),
    )


def downgrade() -> None:
    op.drop_table("utility_orders")
    op.drop_table("utility_keys")
    op.drop_table("utility_accounts")
    op.drop_table("terminals")
    op.drop_table("sms")
    op.drop_index("si_rows_by_person", table_name="si_rows")
    op.drop_table("si_rows")
    op.drop_table("sessions")
    op.drop_table("residents")
    op.drop_index("orders_by_status", table_name="orders")
    op.drop_table("orders")
    op.drop_index("nonces_by_ts", table_name="nonces")
    op.drop_table("nonces")
    op.drop_table("meta")
    op.drop_table("ledger")
    op.drop_table("idempotency")
    op.drop_table("help_requests")
    op.drop_table("heartbeats")
    op.drop_index("gjj_rows_by_person", table_name="gjj_rows")
    op.drop_table("gjj_rows")
    op.drop_table("gas_accounts")
    op.drop_table("evaluations")
    op.drop_table("edu_rows")
    op.drop_table("complaints")
    op.drop_table("certificates")
    op.drop_table("catalog_versions")
    op.drop_table("catalog_uploads")
    op.drop_table("catalog_rollouts")
    op.drop_table("catalog_reports")
    op.drop_table("catalog_publishes")
    op.drop_table("cases")
    op.drop_table("backend_boots")
    op.drop_index("attempts_by_subject", table_name="attempts")
    op.drop_table("attempts")
    op.drop_table("admin_users")
    op.drop_table("admin_sessions")
