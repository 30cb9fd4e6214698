"""Outcomes reports reads of a citizen's personal data to the registry's access log (issue 17) through the
shared outbox (servicekit.access_outbox): entries wait here until the registry has recorded them.

Revision ID: 20261207_access_outbox
Revises: 20261207_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261207_access_outbox"
down_revision: str | None = "20261207_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_outbox",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("citizen_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("entry", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_outbox")),
    )
    op.create_index(op.f("ix_access_outbox_citizen_id"), "access_outbox", ["citizen_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_access_outbox_citizen_id"), table_name="access_outbox")
    op.drop_table("access_outbox")
