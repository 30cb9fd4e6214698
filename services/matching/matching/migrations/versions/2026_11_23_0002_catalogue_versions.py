"""Catalogue versions: the feed position of the last change to each municipality's openings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_PREDICATE = "(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"


def upgrade() -> None:
    op.create_table(
        "catalogue_versions",
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("municipality", name="pk_catalogue_versions"),
    )
    op.execute("ALTER TABLE catalogue_versions ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE catalogue_versions FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON catalogue_versions USING {TENANT_PREDICATE} WITH CHECK {TENANT_PREDICATE}"
    )


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS tenant_isolation ON catalogue_versions")
    op.drop_table("catalogue_versions")
