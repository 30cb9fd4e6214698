"""Economics (issue 15): birth year in the projection, programme cost lines by payer, the basis and rung of
savings-share lines, and the state's refusion statements with their reconciliation.

Revision ID: 0003_economics
Revises: 20261207_feed_cursor_shape
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_economics"
down_revision: str | None = "20261207_feed_cursor_shape"
branch_labels = None
depends_on = None

TENANT_PREDICATE = "(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"
NEW_TENANT_TABLES = ("programme_costs", "refusion_statements", "refusion_statement_lines")


def upgrade() -> None:
    op.add_column("citizens", sa.Column("birth_year", sa.Integer(), nullable=True))
    op.add_column("settlement_lines", sa.Column("basis", sa.Text(), nullable=True))
    op.add_column("settlement_lines", sa.Column("rung", sa.Text(), nullable=True))
    op.create_table(
        "programme_costs",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("sequence", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("partnership_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("side", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("payer", sa.Text(), nullable=False),
        sa.Column("funder", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("supersedes", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_programme_costs_amount_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_costs")),
        sa.UniqueConstraint("sequence", name=op.f("uq_programme_costs_sequence")),
        sa.UniqueConstraint("supersedes", name=op.f("uq_programme_costs_supersedes")),
    )
    op.create_index(op.f("ix_programme_costs_municipality"), "programme_costs", ["municipality"], unique=False)
    op.create_index(op.f("ix_programme_costs_partnership_id"), "programme_costs", ["partnership_id"], unique=False)
    op.create_table(
        "refusion_statements",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("rate_card_id", sa.Text(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refusion_statements")),
    )
    op.create_index(op.f("ix_refusion_statements_municipality"), "refusion_statements", ["municipality"], unique=False)
    op.create_table(
        "refusion_statement_lines",
        sa.Column("statement_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("citizen_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("benefit", sa.Text(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("state_share_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("state_refund", sa.BigInteger(), nullable=False),
        sa.Column("computed_share_percent", sa.Numeric(5, 2), nullable=True),
        sa.Column("computed_refund", sa.BigInteger(), nullable=True),
        sa.Column("difference", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["refusion_statements.id"],
            name=op.f("fk_refusion_statement_lines_statement_id_refusion_statements"),
        ),
        sa.PrimaryKeyConstraint("statement_id", "line", name=op.f("pk_refusion_statement_lines")),
    )
    op.create_index(
        op.f("ix_refusion_statement_lines_citizen_id"), "refusion_statement_lines", ["citizen_id"], unique=False
    )
    for table in NEW_TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_isolation ON {table} USING {TENANT_PREDICATE} WITH CHECK {TENANT_PREDICATE}")


def downgrade() -> None:
    for table in NEW_TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.drop_index(op.f("ix_refusion_statement_lines_citizen_id"), table_name="refusion_statement_lines")
    op.drop_table("refusion_statement_lines")
    op.drop_index(op.f("ix_refusion_statements_municipality"), table_name="refusion_statements")
    op.drop_table("refusion_statements")
    op.drop_index(op.f("ix_programme_costs_partnership_id"), table_name="programme_costs")
    op.drop_index(op.f("ix_programme_costs_municipality"), table_name="programme_costs")
    op.drop_table("programme_costs")
    op.drop_column("settlement_lines", "rung")
    op.drop_column("settlement_lines", "basis")
    op.drop_column("citizens", "birth_year")
