"""usage counts: drop texts the stricter number filter refuses (a number dictated in groups)

Counts stored before the filter learned that 一三八，零零一三，八零零零 is a phone number may hold
one; they go now, as today's filter (``kiosk.usage.clean_query``) judges them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 16:00:00
"""

import sqlalchemy as sa
from alembic import op

from kiosk.usage import clean_query

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    counts = sa.table("usage_counts", sa.column("kind"), sa.column("key"))
    rows = conn.execute(sa.select(counts.c.kind, counts.c.key).distinct()).fetchall()
    for kind, key in rows:
        if clean_query(key or "") is None:
            conn.execute(counts.delete().where(counts.c.kind == kind, counts.c.key == key))


def downgrade() -> None:
    pass  # what was dropped was never to be kept
