"""A served list is kept as the text that was sent (json), not re-encoded (jsonb).

The log is read whole (exports, the citizen's lists) and never queried inside, so jsonb's binary
form bought nothing, while converting a list of 50 to 100 KB to it is PostgreSQL's largest cost in
a recommendation request (a 186 KB list: insert and commit 9.0 ms as jsonb, 5.3 ms as json, p50 of
300 on PostgreSQL 15). json keeps the exact text served, which is what an accountability log should
hold.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("recommendation_logs", "items", type_=sa.JSON(), postgresql_using="items::json")


def downgrade() -> None:
    op.alter_column("recommendation_logs", "items", type_=JSONB(), postgresql_using="items::jsonb")
