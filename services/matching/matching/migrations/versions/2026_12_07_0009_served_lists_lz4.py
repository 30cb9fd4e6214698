"""Served lists compressed with lz4 where the server has it, instead of PostgreSQL's default pglz.

A served list is 50 to 100 KB of JSON, stored compressed out of line (TOAST). pglz compression was the
largest part of the insert in a recommendation request: a 105 KB list took 2.27 ms to insert and commit
with pglz and 1.00 ms with lz4 (p50 of 300 on PostgreSQL 15), and its row took 30.7 KB instead of
44.8 KB. lz4 exists from PostgreSQL 14 on, in servers built with it; elsewhere the column keeps the
server's default and nothing else changes (the choice only affects values written after it).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAS_LZ4 = (
    "SELECT coalesce(bool_or('lz4' = ANY(enumvals)), false) FROM pg_settings WHERE name = 'default_toast_compression'"
)


def upgrade() -> None:
    if op.get_bind().execute(sa.text(HAS_LZ4)).scalar():
        op.execute("ALTER TABLE recommendation_logs ALTER COLUMN items SET COMPRESSION lz4")


def downgrade() -> None:
    if op.get_bind().execute(sa.text(HAS_LZ4)).scalar():
        op.execute("ALTER TABLE recommendation_logs ALTER COLUMN items SET COMPRESSION default")
