"""Organisations, partnerships, openings, citizens, enrolments, audit events; row-level security.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("organisations", "partnerships", "openings", "citizens", "enrolments", "audit_events", "outbox")
# '*' is a national role; an unset tenant (empty or NULL) matches no row at all.
TENANT_PREDICATE = "(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"


def _tenant_columns() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def _municipality(table: str) -> sa.Column:
    return sa.Column(
        "municipality",
        sa.Text,
        sa.ForeignKey("municipalities.code", name=f"fk_{table}_municipality_municipalities"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        _municipality("organisations"),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("country", sa.Text, nullable=False),
        sa.Column("registration_number", sa.Text, nullable=True),
        sa.Column("asf_criteria", JSONB, nullable=True),
        *_tenant_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.UniqueConstraint(
            "municipality", "kind", "registration_number", name="uq_organisations_municipality_kind_registration_number"
        ),
    )
    op.create_index("ix_organisations_municipality", "organisations", ["municipality"])

    op.create_table(
        "partnerships",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        _municipality("partnerships"),
        sa.Column(
            "company_id",
            UUID(as_uuid=True),
            sa.ForeignKey("organisations.id", name="fk_partnerships_company_id_organisations"),
            nullable=False,
        ),
        sa.Column(
            "business_council_id",
            UUID(as_uuid=True),
            sa.ForeignKey("organisations.id", name="fk_partnerships_business_council_id_organisations"),
            nullable=False,
        ),
        sa.Column(
            "provider_id",
            UUID(as_uuid=True),
            sa.ForeignKey("organisations.id", name="fk_partnerships_provider_id_organisations"),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        *_tenant_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_partnerships"),
    )
    op.create_index("ix_partnerships_municipality", "partnerships", ["municipality"])
    op.create_index("ix_partnerships_company_id", "partnerships", ["company_id"])

    op.create_table(
        "openings",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        _municipality("openings"),
        sa.Column("external_ref", sa.Text, nullable=False),
        sa.Column(
            "organisation_id",
            UUID(as_uuid=True),
            sa.ForeignKey("organisations.id", name="fk_openings_organisation_id_organisations"),
            nullable=False,
        ),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("occupation", sa.Text, nullable=False),
        sa.Column("skills", JSONB, nullable=False),
        sa.Column("hours_min", sa.Integer, nullable=False),
        sa.Column("hours_max", sa.Integer, nullable=False),
        sa.Column("seats", sa.Integer, nullable=False),
        sa.Column("support_offered", JSONB, nullable=False),
        sa.Column("flexjob", sa.Boolean, nullable=False),
        sa.Column("location", JSONB, nullable=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        *_tenant_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_openings"),
        sa.UniqueConstraint("municipality", "external_ref", name="uq_openings_municipality_external_ref"),
    )
    op.create_index("ix_openings_municipality", "openings", ["municipality"])
    op.create_index("ix_openings_organisation_id", "openings", ["organisation_id"])

    op.create_table(
        "citizens",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        _municipality("citizens"),
        sa.Column("external_ref", sa.Text, nullable=True),
        sa.Column("national_id_pseudonym", sa.LargeBinary, nullable=True),
        sa.Column("national_id_ciphertext", sa.LargeBinary, nullable=True),
        sa.Column("national_id_key_id", sa.Text, nullable=True),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("birth_year", sa.Integer, nullable=True),
        sa.Column("target_group", sa.Text, nullable=True),
        sa.Column("benefit", JSONB, nullable=True),
        sa.Column("work_capacity_hours", sa.Integer, nullable=True),
        sa.Column("skills", JSONB, nullable=False, server_default="[]"),
        sa.Column("support_needs", JSONB, nullable=False, server_default="[]"),
        sa.Column("interests", JSONB, nullable=False, server_default="[]"),
        sa.Column("location", JSONB, nullable=True),
        sa.Column("consent", JSONB, nullable=True),
        sa.Column("content_hash", sa.Text, nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        *_tenant_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_citizens"),
        sa.UniqueConstraint("municipality", "external_ref", name="uq_citizens_municipality_external_ref"),
        sa.UniqueConstraint(
            "municipality", "national_id_pseudonym", name="uq_citizens_municipality_national_id_pseudonym"
        ),
    )
    op.create_index("ix_citizens_municipality", "citizens", ["municipality"])

    op.create_table(
        "enrolments",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        _municipality("enrolments"),
        sa.Column("programme", sa.Text, nullable=False),
        sa.Column(
            "citizen_id",
            UUID(as_uuid=True),
            sa.ForeignKey("citizens.id", name="fk_enrolments_citizen_id_citizens"),
            nullable=True,
        ),
        sa.Column(
            "organisation_id",
            UUID(as_uuid=True),
            sa.ForeignKey("organisations.id", name="fk_enrolments_organisation_id_organisations"),
            nullable=True,
        ),
        sa.Column(
            "partnership_id",
            UUID(as_uuid=True),
            sa.ForeignKey("partnerships.id", name="fk_enrolments_partnership_id_partnerships"),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("phase", sa.Text, nullable=False),
        sa.Column("milestones", JSONB, nullable=False, server_default="[]"),
        *_tenant_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_enrolments"),
    )
    op.create_index("ix_enrolments_municipality", "enrolments", ["municipality"])
    op.create_index("ix_enrolments_citizen_id", "enrolments", ["citizen_id"])
    op.create_index("ix_enrolments_partnership_id", "enrolments", ["partnership_id"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("purpose", sa.Text, nullable=True),
        sa.Column("request_id", sa.Text, nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_citizen_id", "audit_events", ["citizen_id"])

    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_isolation ON {table} USING {TENANT_PREDICATE} WITH CHECK {TENANT_PREDICATE}")


def downgrade() -> None:
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.drop_table("audit_events")
    op.drop_table("enrolments")
    op.drop_table("citizens")
    op.drop_table("openings")
    op.drop_table("partnerships")
    op.drop_table("organisations")
