"""The events feed the webhooks service follows (statement approved, milestone reached).

Revision ID: 20261207_events
Revises: 20261207_ledger_accounts
"""

from __future__ import annotations

from alembic import op

from servicekit.events import create_event_table

revision: str = "20261207_events"
down_revision: str | None = "20261207_ledger_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_event_table(op.get_bind())


def downgrade() -> None:
    op.drop_table("events")  # its policy goes with it
