"""Drop citizens' own municipality index: the unique (municipality, external_ref) index serves it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_citizens_municipality", table_name="citizens")


def downgrade() -> None:
    op.create_index("ix_citizens_municipality", "citizens", ["municipality"])
