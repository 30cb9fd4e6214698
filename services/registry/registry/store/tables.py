"""Registry tables. Migrations are written by hand and checked against this metadata in a test."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from servicekit.columns import moment, optional, optional_moment, primary, required, uuid_pk
from servicekit.idempotency import idempotency_table
from servicekit.tables import service_metadata

metadata = service_metadata()

idempotency_keys = idempotency_table(metadata)

municipalities = sa.Table(
    "municipalities",
    metadata,
    primary("code", sa.Text),
    required("name", sa.Text),
    required("country", sa.Text),
    # Years a citizen's data is kept after their programme ends (domain.retention).
    required("retention_years", sa.Integer, server_default="5"),
    # {iban, bic}: the account outcome payments are made from (pain.001's debtor).
    optional("bank_account", JSONB),
    required("version", sa.Integer, server_default="1"),
    moment("created_at"),
    moment("updated_at"),
)

# The transactional outbox behind the change feed. `seq` comes from a sequence taken before
# commit; writers serialise on an advisory lock so rows become visible in `seq` order.
outbox = sa.Table(
    "outbox",
    metadata,
    primary("seq", sa.BigInteger, sa.Identity(always=True)),
    required("entity", sa.Text),
    required("entity_id", sa.Text),
    required("op", sa.Text),
    optional("municipality", sa.Text),
    optional("data", JSONB),
    moment("occurred_at"),
    # Erasure rewrites a citizen's earlier entries to tombstones: found by this index, not a scan.
    sa.Index("ix_outbox_citizen_entity_id", "entity_id", postgresql_where=sa.text("entity = 'citizen'")),
)


def _entity(name: str, *columns: sa.schema.SchemaItem, index_municipality: bool = True) -> sa.Table:
    """A registry entity: its id and municipality (a tenant that exists), `columns`, then the
    `version` that If-Match and ETags compare and its creation and last change."""
    return sa.Table(
        name,
        metadata,
        uuid_pk(),
        required("municipality", sa.Text, sa.ForeignKey("municipalities.code"), index=index_municipality),
        *columns,
        required("version", sa.Integer, server_default="1"),
        moment("created_at"),
        moment("updated_at"),
    )


organisations = _entity(
    "organisations",
    required("kind", sa.Text),
    required("name", sa.Text),
    required("country", sa.Text),
    optional("registration_number", sa.Text),
    optional("asf_criteria", JSONB),
    # {iban, bic}: the account outcome payments are made to (pain.001's creditor).
    optional("bank_account", JSONB),
    sa.UniqueConstraint("municipality", "kind", "registration_number"),
)

partnerships = _entity(
    "partnerships",
    required("company_id", sa.UUID, sa.ForeignKey("organisations.id"), index=True),
    required("business_council_id", sa.UUID, sa.ForeignKey("organisations.id")),
    required("provider_id", sa.UUID, sa.ForeignKey("organisations.id")),
    required("starts_on", sa.Date),
    required("ends_on", sa.Date),
    required("status", sa.Text),
)

openings = _entity(
    "openings",
    required("external_ref", sa.Text),
    required("organisation_id", sa.UUID, sa.ForeignKey("organisations.id"), index=True),
    required("title", sa.Text),
    required("occupation", sa.Text),
    required("skills", JSONB),
    required("hours_min", sa.Integer),
    required("hours_max", sa.Integer),
    required("seats", sa.Integer),
    required("support_offered", JSONB),
    required("flexjob", sa.Boolean),
    optional("location", JSONB),
    required("status", sa.Text),
    required("content_hash", sa.Text),
    # Imported ads (usecases.opening_import): the source's concepts, mapped or flagged, and the
    # ad's last publication date.
    required("source_concepts", JSONB, server_default="[]"),
    optional_moment("valid_through"),
    sa.UniqueConstraint("municipality", "external_ref"),
    sa.Index("ix_openings_external_ref", "external_ref"),
)

# Personal data lives here only. An erased citizen keeps its row (id, municipality, erased_at)
# so enrolments and feed consumers still resolve the pseudonymous id; every personal field is null.
citizens = _entity(
    "citizens",
    optional("external_ref", sa.Text),
    optional("national_id_pseudonym", sa.LargeBinary),
    optional("national_id_ciphertext", sa.LargeBinary),
    optional("national_id_key_id", sa.Text),
    optional("name", sa.Text),
    optional("birth_year", sa.Integer),
    optional("target_group", sa.Text),
    optional("benefit", JSONB),
    optional("work_capacity_hours", sa.Integer),
    required("skills", JSONB, server_default="[]"),
    required("support_needs", JSONB, server_default="[]"),
    required("interests", JSONB, server_default="[]"),
    optional("location", JSONB),
    optional("consent", JSONB),
    # The state of each consent purpose recorded through /consents (domain.consent), by purpose.
    required("consent_purposes", JSONB, server_default=sa.text("'{}'::jsonb")),
    optional("content_hash", sa.Text),
    optional_moment("erased_at"),
    sa.UniqueConstraint("municipality", "external_ref"),
    sa.UniqueConstraint("municipality", "national_id_pseudonym"),
    # No index on municipality of its own: the unique (municipality, …) indexes above serve every
    # look-up by municipality, and a fifth index was a fifth write per row in every bulk sync.
    index_municipality=False,
)

enrolments = _entity(
    "enrolments",
    required("programme", sa.Text),
    optional("citizen_id", sa.UUID, sa.ForeignKey("citizens.id"), index=True),
    optional("organisation_id", sa.UUID, sa.ForeignKey("organisations.id")),
    required("partnership_id", sa.UUID, sa.ForeignKey("partnerships.id"), index=True),
    required("started_on", sa.Date),
    required("phase", sa.Text),
    required("milestones", JSONB, server_default="[]"),
)

# Who read or changed which citizen's personal data, when and why (GDPR art. 15: the citizen may
# ask): the registry's own entries and those other services report (`service`).
audit_events = sa.Table(
    "audit_events",
    metadata,
    primary("id", sa.BigInteger, sa.Identity(always=True)),
    required("municipality", sa.Text),
    required("citizen_id", sa.UUID),
    required("actor", sa.Text),
    required("action", sa.Text),
    optional("purpose", sa.Text),
    optional("request_id", sa.Text),
    moment("occurred_at"),
    optional("actor_municipality", sa.Text),
    required("system", sa.Boolean, server_default=sa.false()),
    required("service", sa.Text, server_default="registry"),
    # A citizen's log page by page, in order, straight from the index.
    sa.Index("ix_audit_events_citizen_id_id", "citizen_id", "id"),
)

# Each grant or withdrawal of consent for a purpose, or the legal basis recorded instead.
consent_events = sa.Table(
    "consent_events",
    metadata,
    primary("id", sa.BigInteger, sa.Identity(always=True)),
    required("municipality", sa.Text),
    required("citizen_id", sa.UUID, sa.ForeignKey("citizens.id"), index=True),
    required("purpose", sa.Text),
    required("action", sa.Text),
    optional("method", sa.Text),
    optional("witness", sa.Text),
    optional("legal_basis", sa.Text),
    required("recorded_by", sa.Text),
    optional("recorded_by_municipality", sa.Text),
    optional("request_id", sa.Text),
    required("occurred_at", sa.DateTime(timezone=True)),
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
