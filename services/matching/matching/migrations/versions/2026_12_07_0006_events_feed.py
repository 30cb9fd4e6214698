"""The events feed the webhooks service follows (ranking run finished).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

from servicekit.events import create_event_table

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_event_table(op.get_bind())


def downgrade() -> None:
    op.drop_table("events")  # its policy goes with it
