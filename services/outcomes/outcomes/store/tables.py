"""Outcomes tables. Migrations are written by hand and checked against this metadata in a test."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from servicekit.access_outbox import access_outbox_table
from servicekit.columns import moment, municipality_column, optional, optional_moment, primary, required, uuid_pk
from servicekit.events import event_table
from servicekit.feed_cursor import feed_cursor_table
from servicekit.idempotency import idempotency_table
from servicekit.tables import service_metadata, tenant_table

metadata = service_metadata()

idempotency_keys = idempotency_table(metadata)
# Access-log entries waiting for the registry (POST /internal/v1/access-log), drained in batches.
access_outbox = access_outbox_table(metadata)


# Reference data shared by every tenant (public figures), loaded from outcomes/rate_cards at start-up.
rate_cards = sa.Table(
    "rate_cards",
    metadata,
    primary("id", sa.Text),
    required("country", sa.Text),
    required("year", sa.Integer),
    required("currency", sa.Text),
    required("document", JSONB),
    moment("loaded_at"),
)

# Where this service is in the registry's change feed (one row per consumer).
feed_cursors = feed_cursor_table(metadata)

# The events feed the webhooks service follows (statement approved, milestone reached).
events = event_table(metadata)

# The citizen projection: only what the rules of account need, never names or national ids.
# An erased citizen keeps the row (amounts that payments were based on) with `erased_at` set.
citizens = tenant_table(
    "citizens",
    metadata,
    optional("target_group", sa.Text),
    # For the comparison group's age band (ECONOMICS §7); the registry feed carries it.
    optional("birth_year", sa.Integer),
    optional("benefit", JSONB),
    optional("benefit_at_enrolment", JSONB),
    optional("enrolled_on", sa.Date),
    optional("partnership_id", sa.UUID, index=True),
    optional_moment("erased_at"),
    moment("updated_at"),
)

enrolments = tenant_table(
    "enrolments",
    metadata,
    required("programme", sa.Text),
    optional("citizen_id", sa.UUID, index=True),
    optional("organisation_id", sa.UUID),
    required("partnership_id", sa.UUID, index=True),
    required("started_on", sa.Date),
    required("deleted", sa.Boolean, server_default=sa.false()),
)

partnerships = tenant_table(
    "partnerships",
    metadata,
    optional("company_id", sa.UUID),
    optional("provider_id", sa.UUID),
    optional("starts_on", sa.Date),
    optional("ends_on", sa.Date),
)

municipalities = sa.Table(
    "municipalities",
    metadata,
    primary("code", sa.Text),
    required("country", sa.Text),
    optional("name", sa.Text),
    # {iban, bic} as the registry's feed carries it: the debtor account of payment files.
    optional("bank_account", JSONB),
)

# The registry's organisations as payment files need them: name, kind and the creditor account.
organisations = tenant_table(
    "organisations",
    metadata,
    optional("kind", sa.Text),
    optional("name", sa.Text),
    optional("bank_account", JSONB),
    required("deleted", sa.Boolean, server_default=sa.false()),
)

# Facts. The client's id makes a write idempotent; corrections are new rows that supersede.
outcome_events = sa.Table(
    "outcome_events",
    metadata,
    required("municipality", sa.Text),
    required("id", sa.Text),
    required("sequence", sa.BigInteger, sa.Identity(always=True), unique=True),
    required("citizen_id", sa.UUID, index=True),
    required("type", sa.Text),
    required("occurred_on", sa.Date),
    required("data", JSONB),
    optional("supersedes", sa.Text),
    required("body_hash", sa.Text),
    moment("created_at"),
    sa.PrimaryKeyConstraint("municipality", "id"),
)

contracts = tenant_table(
    "contracts",
    metadata,
    required("partnership_id", sa.UUID),
    required("side", sa.Text),
    required("payee_id", sa.UUID),
    optional("company_id", sa.UUID),
    required("rate_card_id", sa.Text, sa.ForeignKey("rate_cards.id")),
    required("terms", JSONB),
    required("starts_on", sa.Date),
    required("ends_on", sa.Date),
    required("version", sa.Integer, server_default="1"),
    moment("created_at"),
)

# The ledger. A statement is computed as a draft and decided once (draft -> approved | rejected, the
# database refuses any other change); its lines are insert-only and hash-chained per contract.
settlements = tenant_table(
    "settlements",
    metadata,
    required("contract_id", sa.UUID, sa.ForeignKey("contracts.id")),
    required("period_from", sa.Date),
    required("period_to", sa.Date),
    required("total", sa.BigInteger),
    required("currency", sa.Text),
    moment("created_at"),
    required("status", sa.Text, server_default="draft"),
    optional("created_by", sa.Text),
    optional("decided_by", sa.Text),
    optional_moment("decided_at"),
    optional("decision_reason", sa.Text),
    optional("lines_digest", sa.Text),
    required("rate_card_ids", JSONB, server_default="[]"),
    optional("contract_version", sa.Integer),
    optional("comparison_basis", sa.Text),
    sa.CheckConstraint("status IN ('draft', 'approved', 'rejected')", name="status"),
    sa.Index(
        "ix_settlements_period_not_rejected",
        "contract_id",
        "period_from",
        "period_to",
        unique=True,
        postgresql_where=sa.text("status <> 'rejected'"),
    ),
)

settlement_lines = sa.Table(
    "settlement_lines",
    metadata,
    primary("id", sa.BigInteger, sa.Identity(always=True)),
    required("settlement_id", sa.UUID, sa.ForeignKey("settlements.id"), index=True),
    required("municipality", sa.Text),
    required("contract_id", sa.UUID, index=True),
    required("citizen_id", sa.UUID),
    optional("target_group", sa.Text),
    required("name", sa.Text),
    required("reached_on", sa.Date),
    required("kind", sa.Text),
    required("entitled", sa.BigInteger),
    required("amount", sa.BigInteger),
    optional("reason", sa.Text),
    optional("period_from", sa.Date),
    # Savings-share lines: the basis (net | gross) and the comparison rung that applied (issue 15).
    optional("basis", sa.Text),
    optional("rung", sa.Text),
    required("prev_hash", sa.Text),
    required("row_hash", sa.Text),
    sa.Index("ix_settlement_lines_contract_id_id", "contract_id", "id"),
    info={"insert_only": True},  # the ledger: the app role may add lines, never change them
)

# The audit log of statement decisions (computed, approved, rejected): who, when, why. Insert-only.
settlement_transitions = sa.Table(
    "settlement_transitions",
    metadata,
    primary("id", sa.BigInteger, sa.Identity(always=True)),
    required("settlement_id", sa.UUID, sa.ForeignKey("settlements.id"), index=True),
    required("municipality", sa.Text),
    required("contract_id", sa.UUID),
    optional("from_status", sa.Text),
    required("to_status", sa.Text),
    required("actor", sa.Text),
    optional("reason", sa.Text),
    moment("at"),
    info={"insert_only": True},
)


# Programme costs as recorded facts, by payer; a correction is a new line that supersedes one.
programme_costs = sa.Table(
    "programme_costs",
    metadata,
    uuid_pk(),
    required("sequence", sa.BigInteger, sa.Identity(always=True), unique=True),
    municipality_column(),
    required("partnership_id", sa.UUID, index=True),
    required("side", sa.Text),
    required("category", sa.Text),
    required("amount", sa.BigInteger),
    required("month", sa.Date),
    required("payer", sa.Text),
    optional("funder", sa.Text),
    optional("note", sa.Text),
    # A line is corrected at most once: the unique constraint makes a second correction a conflict.
    optional("supersedes", sa.UUID, unique=True),
    moment("created_at"),
    sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
)

# The state's refusion statements (Ydelsesrefusion) and their reconciliation, per citizen-week.
# National ids are never stored: a line holds the pseudonymous citizen id, or none when unknown.
refusion_statements = tenant_table(
    "refusion_statements",
    metadata,
    required("rate_card_id", sa.Text),
    required("lines", sa.Integer),
    required("summary", JSONB),
    moment("created_at"),
)

refusion_statement_lines = sa.Table(
    "refusion_statement_lines",
    metadata,
    required("statement_id", sa.UUID, sa.ForeignKey("refusion_statements.id")),
    required("line", sa.Integer),
    required("municipality", sa.Text),
    optional("citizen_id", sa.UUID, index=True),
    required("year", sa.Integer),
    required("week", sa.Integer),
    required("benefit", sa.Text),
    required("paid", sa.BigInteger),
    required("state_share_percent", sa.Numeric(5, 2)),
    required("state_refund", sa.BigInteger),
    optional("computed_share_percent", sa.Numeric(5, 2)),
    optional("computed_refund", sa.BigInteger),
    optional("difference", sa.BigInteger),
    required("status", sa.Text),
    sa.PrimaryKeyConstraint("statement_id", "line"),
)

simulations = tenant_table(
    "simulations",
    metadata,
    required("request", JSONB),
    required("result", JSONB),
    moment("created_at"),
)

# Tables whose rows belong to one municipality: row-level security is forced on each.
TENANT_TABLES = (
    "citizens",
    "organisations",
    "enrolments",
    "partnerships",
    "outcome_events",
    "contracts",
    "settlements",
    "settlement_lines",
    "settlement_transitions",
    "simulations",
    "programme_costs",
    "refusion_statements",
    "refusion_statement_lines",
)
