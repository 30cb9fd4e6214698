"""Payment files need bank accounts: the registry's organisations and municipalities, as its feed carries them.

The registry owns organisations and municipalities (names, kinds, and `bank_account` {iban, bic});
outcomes keeps a projection of what a payment file needs, from the same change feed it follows
for citizens. Organisations belong to a municipality: row-level security as on every tenant table.

Revision ID: 20261207_ledger_accounts
Revises: 20261207_ledger
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261207_ledger_accounts"
down_revision: str | None = "20261207_ledger"
branch_labels = None
depends_on = None

TENANT_PREDICATE = "(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"


def upgrade() -> None:
    op.add_column("municipalities", sa.Column("name", sa.Text(), nullable=True))
    op.add_column("municipalities", sa.Column("bank_account", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.create_table(
        "organisations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("bank_account", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_index(op.f("ix_organisations_municipality"), "organisations", ["municipality"], unique=False)
    op.execute("ALTER TABLE organisations ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE organisations FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON organisations USING {TENANT_PREDICATE} WITH CHECK {TENANT_PREDICATE}"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_organisations_municipality"), table_name="organisations")
    op.drop_table("organisations")
    op.drop_column("municipalities", "bank_account")
    op.drop_column("municipalities", "name")
