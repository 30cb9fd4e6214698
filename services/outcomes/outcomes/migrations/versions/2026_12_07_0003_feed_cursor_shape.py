"""The feed cursor in servicekit's one shape, as matching keeps it (feed, position, applied_seq, head).

Outcomes had drifted: `consumer` for the feed, `cursor` for the opaque position, `position` for the
last applied sequence number. Renamed in place; nothing is lost.

Revision ID: 20261207_feed_cursor_shape
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision: str = "20261207_feed_cursor_shape"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("feed_cursors", "position", new_column_name="applied_seq")
    op.alter_column("feed_cursors", "cursor", new_column_name="position")
    op.alter_column("feed_cursors", "consumer", new_column_name="feed")
    op.alter_column("feed_cursors", "applied_seq", server_default="0")
    op.alter_column("feed_cursors", "head", server_default="0")


def downgrade() -> None:
    op.alter_column("feed_cursors", "head", server_default=None)
    op.alter_column("feed_cursors", "applied_seq", server_default=None)
    op.alter_column("feed_cursors", "feed", new_column_name="consumer")
    op.alter_column("feed_cursors", "position", new_column_name="cursor")
    op.alter_column("feed_cursors", "applied_seq", new_column_name="position")
