"""Outcomes tables: rate cards, feed cursor, citizen projection, events, contracts, ledger; row-level security.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:34:56.325134
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "citizens",
    "enrolments",
    "partnerships",
    "outcome_events",
    "contracts",
    "settlements",
    "settlement_lines",
    "simulations",
)
# '*' is a national role (and the feed consumer); an unset tenant matches no row at all.
TENANT_PREDICATE = "(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"


def upgrade() -> None:
    op.create_table(
        "citizens",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("target_group", sa.Text(), nullable=True),
        sa.Column("benefit", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("benefit_at_enrolment", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("enrolled_on", sa.Date(), nullable=True),
        sa.Column("partnership_id", sa.UUID(), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizens")),
    )
    op.create_index(op.f("ix_citizens_municipality"), "citizens", ["municipality"], unique=False)
    op.create_index(op.f("ix_citizens_partnership_id"), "citizens", ["partnership_id"], unique=False)
    op.create_table(
        "enrolments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("programme", sa.Text(), nullable=False),
        sa.Column("citizen_id", sa.UUID(), nullable=True),
        sa.Column("organisation_id", sa.UUID(), nullable=True),
        sa.Column("partnership_id", sa.UUID(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
    )
    op.create_index(op.f("ix_enrolments_citizen_id"), "enrolments", ["citizen_id"], unique=False)
    op.create_index(op.f("ix_enrolments_municipality"), "enrolments", ["municipality"], unique=False)
    op.create_index(op.f("ix_enrolments_partnership_id"), "enrolments", ["partnership_id"], unique=False)
    op.create_table(
        "feed_cursors",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("consumer", name=op.f("pk_feed_cursors")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "municipalities",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_municipalities")),
    )
    op.create_table(
        "outcome_events",
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("citizen_id", sa.UUID(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("supersedes", sa.Text(), nullable=True),
        sa.Column("body_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("municipality", "id", name=op.f("pk_outcome_events")),
        sa.UniqueConstraint("sequence", name=op.f("uq_outcome_events_sequence")),
    )
    op.create_index(op.f("ix_outcome_events_citizen_id"), "outcome_events", ["citizen_id"], unique=False)
    op.create_table(
        "partnerships",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=True),
        sa.Column("provider_id", sa.UUID(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnerships")),
    )
    op.create_index(op.f("ix_partnerships_municipality"), "partnerships", ["municipality"], unique=False)
    op.create_table(
        "rate_cards",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_cards")),
    )
    op.create_table(
        "simulations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("request", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_simulations")),
    )
    op.create_index(op.f("ix_simulations_municipality"), "simulations", ["municipality"], unique=False)
    op.create_table(
        "contracts",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("partnership_id", sa.UUID(), nullable=False),
        sa.Column("side", sa.Text(), nullable=False),
        sa.Column("payee_id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=True),
        sa.Column("rate_card_id", sa.Text(), nullable=False),
        sa.Column("terms", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["rate_card_id"], ["rate_cards.id"], name=op.f("fk_contracts_rate_card_id_rate_cards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    op.create_index(op.f("ix_contracts_municipality"), "contracts", ["municipality"], unique=False)
    op.create_table(
        "settlements",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_settlements_contract_id_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlements")),
        sa.UniqueConstraint(
            "contract_id", "period_from", "period_to", name=op.f("uq_settlements_contract_id_period_from_period_to")
        ),
    )
    op.create_index(op.f("ix_settlements_municipality"), "settlements", ["municipality"], unique=False)
    op.create_table(
        "settlement_lines",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("settlement_id", sa.UUID(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("citizen_id", sa.UUID(), nullable=False),
        sa.Column("target_group", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("reached_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("entitled", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["settlement_id"], ["settlements.id"], name=op.f("fk_settlement_lines_settlement_id_settlements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_lines")),
    )
    op.create_index(op.f("ix_settlement_lines_contract_id"), "settlement_lines", ["contract_id"], unique=False)
    op.create_index(op.f("ix_settlement_lines_settlement_id"), "settlement_lines", ["settlement_id"], unique=False)
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_isolation ON {table} USING {TENANT_PREDICATE} WITH CHECK {TENANT_PREDICATE}")


def downgrade() -> None:
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.drop_index(op.f("ix_settlement_lines_settlement_id"), table_name="settlement_lines")
    op.drop_index(op.f("ix_settlement_lines_contract_id"), table_name="settlement_lines")
    op.drop_table("settlement_lines")
    op.drop_index(op.f("ix_settlements_municipality"), table_name="settlements")
    op.drop_table("settlements")
    op.drop_index(op.f("ix_contracts_municipality"), table_name="contracts")
    op.drop_table("contracts")
    op.drop_index(op.f("ix_simulations_municipality"), table_name="simulations")
    op.drop_table("simulations")
    op.drop_table("rate_cards")
    op.drop_index(op.f("ix_partnerships_municipality"), table_name="partnerships")
    op.drop_table("partnerships")
    op.drop_index(op.f("ix_outcome_events_citizen_id"), table_name="outcome_events")
    op.drop_table("outcome_events")
    op.drop_table("municipalities")
    op.drop_table("idempotency_keys")
    op.drop_table("feed_cursors")
    op.drop_index(op.f("ix_enrolments_partnership_id"), table_name="enrolments")
    op.drop_index(op.f("ix_enrolments_municipality"), table_name="enrolments")
    op.drop_index(op.f("ix_enrolments_citizen_id"), table_name="enrolments")
    op.drop_table("enrolments")
    op.drop_index(op.f("ix_citizens_partnership_id"), table_name="citizens")
    op.drop_index(op.f("ix_citizens_municipality"), table_name="citizens")
    op.drop_table("citizens")
