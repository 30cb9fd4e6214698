"""Outcomes tables. Migrations are written by hand and checked against this metadata in a test."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from servicekit.access_outbox import access_outbox_table
from servicekit.events import event_table
from servicekit.feed_cursor import feed_cursor_table
from servicekit.idempotency import idempotency_table
from servicekit.tables import moment, municipality_column, optional_moment, service_metadata

metadata = service_metadata()

idempotency_keys = idempotency_table(metadata)
# Access-log entries waiting for the registry (POST /internal/v1/access-log), drained in batches.
access_outbox = access_outbox_table(metadata)


# Reference data shared by every tenant (public figures), loaded from data/rate_cards at start-up.
rate_cards = sa.Table(
    "rate_cards",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("country", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("currency", sa.Text, nullable=False),
    sa.Column("document", JSONB, nullable=False),
    moment("loaded_at"),
)

# Where this service is in the registry's change feed (one row per consumer).
feed_cursors = feed_cursor_table(metadata)

# The events feed the webhooks service follows (statement approved, milestone reached).
events = event_table(metadata)

# The citizen projection: only what the rules of account need, never names or national ids.
# An erased citizen keeps the row (amounts that payments were based on) with `erased_at` set.
citizens = sa.Table(
    "citizens",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    municipality_column(),
    sa.Column("target_group", sa.Text, nullable=True),
    # For the comparison group's age band (ECONOMICS §7); the registry feed carries it.
    sa.Column("birth_year", sa.Integer, nullable=True),
    sa.Column("benefit", JSONB, nullable=True),
    sa.Column("benefit_at_enrolment", JSONB, nullable=True),
    sa.Column("enrolled_on", sa.Date, nullable=True),
    sa.Column("partnership_id", UUID(as_uuid=True), nullable=True, index=True),
    optional_moment("erased_at"),
    moment("updated_at"),
)

enrolments = sa.Table(
    "enrolments",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    municipality_column(),
    sa.Column("programme", sa.Text, nullable=False),
    sa.Column("citizen_id", UUID(as_uuid=True), nullable=True, index=True),
    sa.Column("organisation_id", UUID(as_uuid=True), nullable=True),
    sa.Column("partnership_id", UUID(as_uuid=True), nullable=False, index=True),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
)

partnerships = sa.Table(
    "partnerships",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    municipality_column(),
    sa.Column("company_id", UUID(as_uuid=True), nullable=True),
    sa.Column("provider_id", UUID(as_uuid=True), nullable=True),
    sa.Column("starts_on", sa.Date, nullable=True),
    sa.Column("ends_on", sa.Date, nullable=True),
)

municipalities = sa.Table(
    "municipalities",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("country", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=True),
    # {iban, bic} as the registry's feed carries it: the debtor account of payment files.
    sa.Column("bank_account", JSONB, nullable=True),
)

# The registry's organisations as payment files need them: name, kind and the creditor account.
organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    municipality_column(),
    sa.Column("kind", sa.Text, nullable=True),
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("bank_account", JSONB, nullable=True),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
)

# Facts. The client's id makes a write idempotent; corrections are new rows that supersede.
outcome_events = sa.Table(
    "outcome_events",
    metadata,
    sa.Column("municipality", sa.Text, nullable=False),
    sa.Column("id", sa.Text, nullable=False),
    sa.Column("sequence", sa.BigInteger, sa.Identity(always=True), nullable=False, unique=True),
    sa.Column("citizen_id", UUID(as_uuid=True), nullable=False, index=True),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("data", JSONB, nullable=False),
    sa.Column("supersedes", sa.Text, nullable=True),
    sa.Column("body_hash", sa.Text, nullable=False),
    moment("created_at"),
    sa.PrimaryKeyConstraint("municipality", "id"),
)

contracts = sa.Table(
    "contracts",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    municipality_column(),
    sa.Column("partnership_id", UUID(as_uuid=True), nullable=False),
    sa.Column("side", sa.Text, nullable=False),
    sa.Column("payee_id", UUID(as_uuid=True), nullable=False),
    sa.Column("company_id", UUID(as_uuid=True), nullable=True),
    sa.Column("rate_card_id", sa.Text, sa.ForeignKey("rate_cards.id"), nullable=False),
    sa.Column("terms", JSONB, nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    moment("created_at"),
)

# The ledger. A statement is computed as a draft and decided once (draft -> approved | rejected, the
# database refuses any other change); its lines are insert-only and hash-chained per contract.
settlements = sa.Table(
    "settlements",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    municipality_column(),
    sa.Column("contract_id", UUID(as_uuid=True), sa.ForeignKey("contracts.id"), nullable=False),
    sa.Column("period_from", sa.Date, nullable=False),
    sa.Column("period_to", sa.Date, nullable=False),
    sa.Column("total", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.Text, nullable=False),
    moment("created_at"),
    sa.Column("status", sa.Text, nullable=False, server_default="draft"),
    sa.Column("created_by", sa.Text, nullable=True),
    sa.Column("decided_by", sa.Text, nullable=True),
    optional_moment("decided_at"),
    sa.Column("decision_reason", sa.Text, nullable=True),
    sa.Column("lines_digest", sa.Text, nullable=True),
    sa.Column("rate_card_ids", JSONB, nullable=False, server_default="[]"),
    sa.Column("contract_version", sa.Integer, nullable=True),
    sa.Column("comparison_basis", sa.Text, nullable=True),
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
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("settlement_id", UUID(as_uuid=True), sa.ForeignKey("settlements.id"), nullable=False, index=True),
    sa.Column("municipality", sa.Text, nullable=False),
    sa.Column("contract_id", UUID(as_uuid=True), nullable=False, index=True),
    sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
    sa.Column("target_group", sa.Text, nullable=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("reached_on", sa.Date, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("entitled", sa.BigInteger, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("period_from", sa.Date, nullable=True),
    # Savings-share lines: the basis (net | gross) and the comparison rung that applied (issue 15).
    sa.Column("basis", sa.Text, nullable=True),
    sa.Column("rung", sa.Text, nullable=True),
    sa.Column("prev_hash", sa.Text, nullable=False),
    sa.Column("row_hash", sa.Text, nullable=False),
    sa.Index("ix_settlement_lines_contract_id_id", "contract_id", "id"),
    info={"insert_only": True},  # the ledger: the app role may add lines, never change them
)

# The audit log of statement decisions (computed, approved, rejected): who, when, why. Insert-only.
settlement_transitions = sa.Table(
    "settlement_transitions",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("settlement_id", UUID(as_uuid=True), sa.ForeignKey("settlements.id"), nullable=False, index=True),
    sa.Column("municipality", sa.Text, nullable=False),
    sa.Column("contract_id", UUID(as_uuid=True), nullable=False),
    sa.Column("from_status", sa.Text, nullable=True),
    sa.Column("to_status", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    moment("at"),
    info={"insert_only": True},
)


# Programme costs as recorded facts, by payer; a correction is a new line that supersedes one.
programme_costs = sa.Table(
    "programme_costs",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("sequence", sa.BigInteger, sa.Identity(always=True), nullable=False, unique=True),
    municipality_column(),
    sa.Column("partnership_id", UUID(as_uuid=True), nullable=False, index=True),
    sa.Column("side", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("month", sa.Date, nullable=False),
    sa.Column("payer", sa.Text, nullable=False),
    sa.Column("funder", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    # A line is corrected at most once: the unique constraint makes a second correction a conflict.
    sa.Column("supersedes", UUID(as_uuid=True), nullable=True, unique=True),
    moment("created_at"),
    sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
)

# The state's refusion statements (Ydelsesrefusion) and their reconciliation, per citizen-week.
# National ids are never stored: a line holds the pseudonymous citizen id, or none when unknown.
refusion_statements = sa.Table(
    "refusion_statements",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    municipality_column(),
    sa.Column("rate_card_id", sa.Text, nullable=False),
    sa.Column("lines", sa.Integer, nullable=False),
    sa.Column("summary", JSONB, nullable=False),
    moment("created_at"),
)

refusion_statement_lines = sa.Table(
    "refusion_statement_lines",
    metadata,
    sa.Column("statement_id", UUID(as_uuid=True), sa.ForeignKey("refusion_statements.id"), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("municipality", sa.Text, nullable=False),
    sa.Column("citizen_id", UUID(as_uuid=True), nullable=True, index=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("week", sa.Integer, nullable=False),
    sa.Column("benefit", sa.Text, nullable=False),
    sa.Column("paid", sa.BigInteger, nullable=False),
    sa.Column("state_share_percent", sa.Numeric(5, 2), nullable=False),
    sa.Column("state_refund", sa.BigInteger, nullable=False),
    sa.Column("computed_share_percent", sa.Numeric(5, 2), nullable=True),
    sa.Column("computed_refund", sa.BigInteger, nullable=True),
    sa.Column("difference", sa.BigInteger, nullable=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("statement_id", "line"),
)

simulations = sa.Table(
    "simulations",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    municipality_column(),
    sa.Column("request", JSONB, nullable=False),
    sa.Column("result", JSONB, nullable=False),
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
