"""Personal-data rights: consent per purpose with its history, a fuller access log, retention, feed tombstones.

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
    op.add_column(
        "citizens", sa.Column("consent_purposes", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb"))
    )
    op.add_column("municipalities", sa.Column("retention_years", sa.Integer, nullable=False, server_default="5"))
    op.add_column("audit_events", sa.Column("actor_municipality", sa.Text, nullable=True))
    op.add_column("audit_events", sa.Column("system", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("audit_events", sa.Column("service", sa.Text, nullable=False, server_default="registry"))
    # Erasure rewrites a citizen's earlier feed entries: find them without reading the whole outbox.
    op.create_index(
        "ix_outbox_citizen_entity_id", "outbox", ["entity_id"], postgresql_where=sa.text("entity = 'citizen'")
    )
    op.create_table(
        "consent_events",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=True),
        sa.Column("witness", sa.Text, nullable=True),
        sa.Column("legal_basis", sa.Text, nullable=True),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("recorded_by_municipality", sa.Text, nullable=True),
        sa.Column("request_id", sa.Text, nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"], name="fk_consent_events_citizen_id_citizens"),
        sa.PrimaryKeyConstraint("id", name="pk_consent_events"),
    )
    op.create_index("ix_consent_events_citizen_id", "consent_events", ["citizen_id"])
    op.execute("ALTER TABLE consent_events ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE consent_events FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON consent_events USING {TENANT_PREDICATE} WITH CHECK {TENANT_PREDICATE}"
    )


def downgrade() -> None:
    op.drop_table("consent_events")
    op.drop_index("ix_outbox_citizen_entity_id", table_name="outbox")
    op.drop_column("audit_events", "service")
    op.drop_column("audit_events", "system")
    op.drop_column("audit_events", "actor_municipality")
    op.drop_column("municipalities", "retention_years")
    op.drop_column("citizens", "consent_purposes")
