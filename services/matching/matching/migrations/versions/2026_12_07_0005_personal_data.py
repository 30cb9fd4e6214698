"""Personal data (issue 17): every recommendation list served for a citizen, caseworkers'
decisions on them, and the outbox of access-log entries on their way to the registry.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_PREDICATE = "(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"
TENANT_TABLES = ("recommendation_logs", "decisions")


def upgrade() -> None:
    op.create_table(
        "recommendation_logs",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
        sa.Column("list_kind", sa.Text, nullable=False),
        sa.Column("opening_id", UUID(as_uuid=True), nullable=True),
        sa.Column("items", JSONB, nullable=False),
        sa.Column("model_id", UUID(as_uuid=True), nullable=True),
        sa.Column("model_name", sa.Text, nullable=False),
        sa.Column("client", sa.Text, nullable=False),
        sa.Column("client_municipality", sa.Text, nullable=True),
        sa.Column("request_id", sa.Text, nullable=True),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_recommendation_logs"),
    )
    op.create_index("ix_recommendation_logs_citizen_id", "recommendation_logs", ["citizen_id", "served_at"])
    op.create_table(
        "decisions",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
        sa.Column("target_group", sa.Text, nullable=False),
        sa.Column("recommendation_log_id", UUID(as_uuid=True), nullable=True),
        sa.Column("opening_id", UUID(as_uuid=True), nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("reason_code", sa.Text, nullable=True),
        sa.Column("reason_text", sa.Text, nullable=True),
        sa.Column("client", sa.Text, nullable=False),
        sa.Column("client_municipality", sa.Text, nullable=True),
        sa.Column("request_id", sa.Text, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(
            ["recommendation_log_id"],
            ["recommendation_logs.id"],
            name="fk_decisions_recommendation_log_id_recommendation_logs",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_decisions_citizen_id", "decisions", ["citizen_id", "decided_at"])
    op.create_index("ix_decisions_municipality", "decisions", ["municipality"])
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_isolation ON {table} USING {TENANT_PREDICATE} WITH CHECK {TENANT_PREDICATE}")
    op.create_table(
        "access_outbox",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
        sa.Column("entry", JSONB, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_access_outbox"),
    )
    op.create_index("ix_access_outbox_citizen_id", "access_outbox", ["citizen_id"])


def downgrade() -> None:
    op.drop_table("access_outbox")
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.drop_table("decisions")
    op.drop_table("recommendation_logs")
