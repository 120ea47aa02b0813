"""console: usage counts, heartbeat events, console sessions, admin audit, terminal areas

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 20:32:50.948689
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("admin_audit_by_time", "admin_audit", ["at"], unique=False)
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("csrf", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("last_seen", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "heartbeat_events",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("terminal_id", sa.Text(), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "heartbeat_events_by_terminal", "heartbeat_events", ["terminal_id", "at"], unique=False
    )
    op.create_table(
        "terminal_areas",
        sa.Column("terminal_id", sa.Text(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id"),
    )
    op.create_table(
        "usage_counts",
        sa.Column("day", sa.Text(), nullable=False),
        sa.Column("terminal_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "terminal_id", "kind", "key"),
    )
    op.create_table(
        "usage_reports",
        sa.Column("terminal_id", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Text(), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "report_id"),
    )


def downgrade() -> None:
    op.drop_table("usage_reports")
    op.drop_table("usage_counts")
    op.drop_table("terminal_areas")
    op.drop_index("heartbeat_events_by_terminal", table_name="heartbeat_events")
    op.drop_table("heartbeat_events")
    op.drop_table("console_sessions")
    op.drop_index("admin_audit_by_time", table_name="admin_audit")
    op.drop_table("admin_audit")
