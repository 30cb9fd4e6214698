"""Openings imported from JobTech JobStream / Jobnet keep the source's concepts and end of publication.

`source_concepts` lists the occupation and skill concepts the ad named, each with the taxonomy
code it maps to (null: the loaded taxonomy does not know it, so the opening is flagged instead of
the concept being dropped); `valid_through` is the ad's last publication date.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("openings", sa.Column("source_concepts", JSONB, nullable=False, server_default="[]"))
    op.add_column("openings", sa.Column("valid_through", sa.DateTime(timezone=True), nullable=True))
    # A tombstone names the ad only (`jobtech:<id>`), not its municipality.
    op.create_index("ix_openings_external_ref", "openings", ["external_ref"])


def downgrade() -> None:
    op.drop_index("ix_openings_external_ref", table_name="openings")
    op.drop_column("openings", "valid_through")
    op.drop_column("openings", "source_concepts")
