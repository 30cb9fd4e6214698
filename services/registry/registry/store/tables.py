"""Registry tables. Migrations are written by hand and checked against this metadata in a test."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from servicekit.idempotency import idempotency_table
from servicekit.tables import moment, optional_moment, service_metadata

metadata = service_metadata()

idempotency_keys = idempotency_table(metadata)

municipalities = sa.Table(
    "municipalities",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("country", sa.Text, nullable=False),
    # Years a citizen's data is kept after their programme ends (domain.retention).
    sa.Column("retention_years", sa.Integer, nullable=False, server_default="5"),
    # {iban, bic}: the account outcome payments are made from (pain.001's debtor).
    sa.Column("bank_account", JSONB, nullable=True),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    moment("created_at"),
    moment("updated_at"),
)

# The transactional outbox behind the change feed. `seq` comes from a sequence taken before
# commit; writers serialise on an advisory lock so rows become visible in `seq` order.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("seq", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("entity", sa.Text, nullable=False),
    sa.Column("entity_id", sa.Text, nullable=False),
    sa.Column("op", sa.Text, nullable=False),
    sa.Column("municipality", sa.Text, nullable=True),
    sa.Column("data", JSONB, nullable=True),
    moment("occurred_at"),
    # Erasure rewrites a citizen's earlier entries to tombstones: found by this index, not a scan.
    sa.Index("ix_outbox_citizen_entity_id", "entity_id", postgresql_where=sa.text("entity = 'citizen'")),
)


def _tenant_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        moment("created_at"),
        moment("updated_at"),
    ]


def _municipality(*, index: bool = True) -> sa.Column[str]:
    return sa.Column("municipality", sa.Text, sa.ForeignKey("municipalities.code"), nullable=False, index=index)


organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    _municipality(),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("country", sa.Text, nullable=False),
    sa.Column("registration_number", sa.Text, nullable=True),
    sa.Column("asf_criteria", JSONB, nullable=True),
    # {iban, bic}: the account outcome payments are made to (pain.001's creditor).
    sa.Column("bank_account", JSONB, nullable=True),
    *_tenant_columns(),
    sa.UniqueConstraint("municipality", "kind", "registration_number"),
)

partnerships = sa.Table(
    "partnerships",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    _municipality(),
    sa.Column("company_id", UUID(as_uuid=True), sa.ForeignKey("organisations.id"), nullable=False, index=True),
    sa.Column("business_council_id", UUID(as_uuid=True), sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("provider_id", UUID(as_uuid=True), sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    *_tenant_columns(),
)

openings = sa.Table(
    "openings",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    _municipality(),
    sa.Column("external_ref", sa.Text, nullable=False),
    sa.Column("organisation_id", UUID(as_uuid=True), sa.ForeignKey("organisations.id"), nullable=False, index=True),
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
    # Imported ads (usecases.opening_import): the source's concepts, mapped or flagged, and the
    # ad's last publication date.
    sa.Column("source_concepts", JSONB, nullable=False, server_default="[]"),
    sa.Column("valid_through", sa.DateTime(timezone=True), nullable=True),
    *_tenant_columns(),
    sa.UniqueConstraint("municipality", "external_ref"),
    sa.Index("ix_openings_external_ref", "external_ref"),
)

# Personal data lives here only. An erased citizen keeps its row (id, municipality, erased_at)
# so enrolments and feed consumers still resolve the pseudonymous id; every personal field is null.
citizens = sa.Table(
    "citizens",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    # No index of its own: the unique (municipality, …) indexes below serve every look-up by
    # municipality, and a fifth index was a fifth write per row in every bulk sync.
    _municipality(index=False),
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
    # The state of each consent purpose recorded through /consents (domain.consent), by purpose.
    sa.Column("consent_purposes", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("content_hash", sa.Text, nullable=True),
    optional_moment("erased_at"),
    *_tenant_columns(),
    sa.UniqueConstraint("municipality", "external_ref"),
    sa.UniqueConstraint("municipality", "national_id_pseudonym"),
)

enrolments = sa.Table(
    "enrolments",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    _municipality(),
    sa.Column("programme", sa.Text, nullable=False),
    sa.Column("citizen_id", UUID(as_uuid=True), sa.ForeignKey("citizens.id"), nullable=True, index=True),
    sa.Column("organisation_id", UUID(as_uuid=True), sa.ForeignKey("organisations.id"), nullable=True),
    sa.Column("partnership_id", UUID(as_uuid=True), sa.ForeignKey("partnerships.id"), nullable=False, index=True),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("phase", sa.Text, nullable=False),
    sa.Column("milestones", JSONB, nullable=False, server_default="[]"),
    *_tenant_columns(),
)

# Who read or changed which citizen's personal data, when and why (GDPR art. 15: the citizen may
# ask): the registry's own entries and those other services report (`service`).
audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("municipality", sa.Text, nullable=False),
    sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("purpose", sa.Text, nullable=True),
    sa.Column("request_id", sa.Text, nullable=True),
    moment("occurred_at"),
    sa.Column("actor_municipality", sa.Text, nullable=True),
    sa.Column("system", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("service", sa.Text, nullable=False, server_default="registry"),
    # A citizen's log page by page, in order, straight from the index.
    sa.Index("ix_audit_events_citizen_id_id", "citizen_id", "id"),
)

# Each grant or withdrawal of consent for a purpose, or the legal basis recorded instead.
consent_events = sa.Table(
    "consent_events",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("municipality", sa.Text, nullable=False),
    sa.Column("citizen_id", UUID(as_uuid=True), sa.ForeignKey("citizens.id"), nullable=False, index=True),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("method", sa.Text, nullable=True),
    sa.Column("witness", sa.Text, nullable=True),
    sa.Column("legal_basis", sa.Text, nullable=True),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Column("recorded_by_municipality", sa.Text, nullable=True),
    sa.Column("request_id", sa.Text, nullable=True),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    moment("recorded_at"),
)

# Tables whose rows belong to one municipality: row-level security is forced on each.
TENANT_TABLES = (
    "organisations",
    "partnerships",
    "openings",
    "citizens",
    "enrolments",
    "audit_events",
    "outbox",
    "consent_events",
)
