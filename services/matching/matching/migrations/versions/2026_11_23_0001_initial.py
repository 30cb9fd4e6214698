"""Feature store, feed cursor, taxonomy, scoring models, idempotency keys; row-level security.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("citizen_features", "opening_features", "partnership_features", "enrolment_features")
# '*' is a national role (and the feed consumer); an unset tenant matches no row at all.
TENANT_PREDICATE = "(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("client_id", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("response_body", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("client_id", "key", name="pk_idempotency_keys"),
    )
    op.create_table(
        "feed_cursors",
        sa.Column("feed", sa.Text, nullable=False),
        sa.Column("position", sa.Text, nullable=False),
        sa.Column("applied_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("head", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("feed", name="pk_feed_cursors"),
    )
    op.create_table(
        "citizen_features",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("target_group", sa.Text, nullable=False),
        sa.Column("work_capacity_hours", sa.Float, nullable=False),
        sa.Column("skills", JSONB, nullable=False),
        sa.Column("essential_support_needs", JSONB, nullable=False),
        sa.Column("other_support_needs", JSONB, nullable=False),
        sa.Column("interests", JSONB, nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_citizen_features"),
    )
    op.create_index("ix_citizen_features_municipality", "citizen_features", ["municipality"])
    op.create_table(
        "opening_features",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("organisation_id", UUID(as_uuid=True), nullable=False),
        sa.Column("occupation", sa.Text, nullable=False),
        sa.Column("essential_skills", JSONB, nullable=False),
        sa.Column("optional_skills", JSONB, nullable=False),
        sa.Column("hours_min", sa.Float, nullable=False),
        sa.Column("hours_max", sa.Float, nullable=False),
        sa.Column("seats", sa.Integer, nullable=False),
        sa.Column("support_offered", JSONB, nullable=False),
        sa.Column("flexjob", sa.Boolean, nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_opening_features"),
    )
    op.create_index("ix_opening_features_municipality", "opening_features", ["municipality"])
    op.create_index("ix_opening_features_organisation_id", "opening_features", ["organisation_id"])
    op.create_table(
        "partnership_features",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("company_id", UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_partnership_features"),
    )
    op.create_index("ix_partnership_features_municipality", "partnership_features", ["municipality"])
    op.create_table(
        "enrolment_features",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("programme", sa.Text, nullable=False),
        sa.Column("citizen_id", UUID(as_uuid=True), nullable=True),
        sa.Column("organisation_id", UUID(as_uuid=True), nullable=True),
        sa.Column("partnership_id", UUID(as_uuid=True), nullable=True),
        sa.Column("milestones_total", sa.Integer, nullable=False),
        sa.Column("milestones_reached", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_enrolment_features"),
    )
    op.create_index("ix_enrolment_features_municipality", "enrolment_features", ["municipality"])
    op.create_index("ix_enrolment_features_citizen_id", "enrolment_features", ["citizen_id"])
    op.create_index("ix_enrolment_features_organisation_id", "enrolment_features", ["organisation_id"])
    op.create_index("ix_enrolment_features_partnership_id", "enrolment_features", ["partnership_id"])
    op.create_table(
        "taxonomy_skills",
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("groups", JSONB, nullable=False),
        sa.Column("broader", JSONB, nullable=False),
        sa.Column("transversal", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_taxonomy_skills"),
    )
    op.create_table(
        "taxonomy_occupations",
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("essential_skills", JSONB, nullable=False),
        sa.Column("optional_skills", JSONB, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_taxonomy_occupations"),
    )
    op.create_table(
        "taxonomy_imports",
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("skills", sa.Integer, nullable=False),
        sa.Column("occupations", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("source", name="pk_taxonomy_imports"),
    )
    op.create_table(
        "scoring_models",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("metrics", JSONB, nullable=False),
        sa.Column("outcomes_used", sa.Integer, nullable=False),
        sa.Column("sklearn_version", sa.Text, nullable=False),
        sa.Column("blob", sa.LargeBinary, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_scoring_models"),
        sa.UniqueConstraint("version", name="uq_scoring_models_version"),
    )
    op.create_index(
        "uq_scoring_models_active", "scoring_models", ["active"], unique=True, postgresql_where=sa.text("active")
    )
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_isolation ON {table} USING {TENANT_PREDICATE} WITH CHECK {TENANT_PREDICATE}")


def downgrade() -> None:
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.drop_index("uq_scoring_models_active", table_name="scoring_models")
    for table in (
        "scoring_models",
        "taxonomy_imports",
        "taxonomy_occupations",
        "taxonomy_skills",
        "enrolment_features",
        "partnership_features",
        "opening_features",
        "citizen_features",
        "feed_cursors",
        "idempotency_keys",
    ):
        op.drop_table(table)
