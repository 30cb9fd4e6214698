"""National ranking runs (one exact scorer, blocked by commuting region, computed on Dask) and
each citizen's list in a run, visible per municipality.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_PREDICATE = "(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"


def upgrade() -> None:
    op.create_table(
        "ranking_runs",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("model_id", UUID(as_uuid=True), nullable=True),
        sa.Column("top_n", sa.Integer, nullable=False),
        sa.Column("citizens", sa.Integer, nullable=False),
        sa.Column("openings", sa.Integer, nullable=False),
        sa.Column("blocks", sa.Integer, nullable=False),
        sa.Column("workers", sa.Integer, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_ranking_runs"),
        sa.UniqueConstraint("version", name="uq_ranking_runs_version"),
    )
    op.create_table(
        "ranking_entries",
        sa.Column("run_id", UUID(as_uuid=True), nullable=False),
        sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("opening_ids", JSONB, nullable=False),
        sa.Column("scores", JSONB, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "citizen_id", name="pk_ranking_entries"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ranking_runs.id"], name="fk_ranking_entries_run_id_ranking_runs", ondelete="CASCADE"
        ),
    )
    op.execute("ALTER TABLE ranking_entries ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE ranking_entries FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON ranking_entries USING {TENANT_PREDICATE} WITH CHECK {TENANT_PREDICATE}"
    )


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS tenant_isolation ON ranking_entries")
    op.drop_table("ranking_entries")
    op.drop_table("ranking_runs")
