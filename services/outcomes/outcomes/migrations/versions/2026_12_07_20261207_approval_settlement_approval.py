"""Maker-checker on settlement statements: status, who computed and who decided, the basis, an audit log.

Statements written before this revision were final the moment they were computed: they become
`approved` (decided by nobody recorded). A rejected statement no longer holds its period, so the
period's uniqueness becomes a partial unique index over statements that are not rejected.

Revision ID: 20261207_approval
Revises: 0003_economics
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261207_approval"
down_revision: str | None = "0003_economics"
branch_labels = None
depends_on = None

TENANT_PREDICATE = "(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"

# A statement row changes once: draft -> approved | rejected, with who, when and why; nothing else.
GUARD_STATEMENTS = """
CREATE FUNCTION settlements_decide_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'settlement statements are never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status <> 'draft' OR NEW.status NOT IN ('approved', 'rejected')
       OR (to_jsonb(NEW) - ARRAY['status', 'decided_by', 'decided_at', 'decision_reason'])
          IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'decided_by', 'decided_at', 'decision_reason']) THEN
        RAISE EXCEPTION 'a settlement statement changes only from draft to approved or rejected'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER settlements_decide_only BEFORE UPDATE OR DELETE ON settlements
    FOR EACH ROW EXECUTE FUNCTION settlements_decide_only();
"""

INSERT_ONLY = """
CREATE FUNCTION outcomes_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is insert-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER settlement_transitions_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON settlement_transitions
    FOR EACH STATEMENT EXECUTE FUNCTION outcomes_insert_only();
"""


def upgrade() -> None:
    op.add_column("settlements", sa.Column("status", sa.Text(), server_default="draft", nullable=False))
    op.add_column("settlements", sa.Column("created_by", sa.Text(), nullable=True))
    op.add_column("settlements", sa.Column("decided_by", sa.Text(), nullable=True))
    op.add_column("settlements", sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("settlements", sa.Column("decision_reason", sa.Text(), nullable=True))
    op.add_column("settlements", sa.Column("lines_digest", sa.Text(), nullable=True))
    op.add_column(
        "settlements",
        sa.Column("rate_card_ids", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
    )
    op.add_column("settlements", sa.Column("contract_version", sa.Integer(), nullable=True))
    op.add_column("settlements", sa.Column("comparison_basis", sa.Text(), nullable=True))
    op.execute("SELECT set_config('app.tenant', '*', true)")
    op.execute(
        """
        UPDATE settlements s SET status = 'approved', rate_card_ids = jsonb_build_array(c.rate_card_id),
               contract_version = c.version,
               comparison_basis = CASE WHEN coalesce((c.terms ->> 'deadweight')::boolean, false)
                                       THEN 'benefit_at_enrolment_less_exit_rates' ELSE 'benefit_at_enrolment' END
          FROM contracts c WHERE c.id = s.contract_id
        """
    )
    op.create_check_constraint(
        op.f("ck_settlements_status"), "settlements", "status IN ('draft', 'approved', 'rejected')"
    )
    op.drop_constraint("uq_settlements_contract_id_period_from_period_to", "settlements", type_="unique")
    op.create_index(
        "ix_settlements_period_not_rejected",
        "settlements",
        ["contract_id", "period_from", "period_to"],
        unique=True,
        postgresql_where=sa.text("status <> 'rejected'"),
    )
    op.create_table(
        "settlement_transitions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("settlement_id", sa.UUID(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("from_status", sa.Text(), nullable=True),
        sa.Column("to_status", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["settlement_id"], ["settlements.id"], name=op.f("fk_settlement_transitions_settlement_id_settlements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_transitions")),
    )
    op.create_index(
        op.f("ix_settlement_transitions_settlement_id"), "settlement_transitions", ["settlement_id"], unique=False
    )
    op.execute("ALTER TABLE settlement_transitions ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE settlement_transitions FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON settlement_transitions USING {TENANT_PREDICATE} "
        f"WITH CHECK {TENANT_PREDICATE}"
    )
    for statement in GUARD_STATEMENTS.split("\n\n"):
        op.execute(statement)
    for statement in INSERT_ONLY.split("\n\n"):
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS settlements_decide_only ON settlements")
    op.execute("DROP FUNCTION IF EXISTS settlements_decide_only()")
    op.drop_table("settlement_transitions")
    op.execute("DROP FUNCTION IF EXISTS outcomes_insert_only()")
    op.drop_index("ix_settlements_period_not_rejected", table_name="settlements")
    op.execute("SELECT set_config('app.tenant', '*', true)")
    op.execute(
        "DELETE FROM settlement_lines WHERE settlement_id IN (SELECT id FROM settlements WHERE status = 'rejected')"
    )
    op.execute("DELETE FROM settlements WHERE status = 'rejected'")
    op.create_unique_constraint(
        "uq_settlements_contract_id_period_from_period_to", "settlements", ["contract_id", "period_from", "period_to"]
    )
    op.drop_constraint(op.f("ck_settlements_status"), "settlements", type_="check")
    for column in (
        "comparison_basis",
        "contract_version",
        "rate_card_ids",
        "lines_digest",
        "decision_reason",
        "decided_at",
        "decided_by",
        "created_by",
        "status",
    ):
        op.drop_column("settlements", column)
