"""Access-log entries that keep failing are given up (servicekit.access_outbox): `dead_at` marks them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("access_outbox", sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("access_outbox", "dead_at")
