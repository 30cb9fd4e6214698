"""Bank accounts on municipalities and organisations (the payer and payee of a payment file).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("municipalities", sa.Column("bank_account", JSONB, nullable=True))
    op.add_column("organisations", sa.Column("bank_account", JSONB, nullable=True))


def downgrade() -> None:
    op.drop_column("organisations", "bank_account")
    op.drop_column("municipalities", "bank_account")
