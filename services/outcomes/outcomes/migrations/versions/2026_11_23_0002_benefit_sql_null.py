"""A citizen without a benefit holds SQL NULL, not JSON null.

The projection stored a missing benefit as JSON `null`; an enrolment then copied that into
`benefit_at_enrolment`, where `coalesce` keeps it, so the first real benefit to arrive later was
never taken as the benefit at enrolment. The projection now writes SQL NULL; this turns the JSON
nulls already stored into SQL NULLs.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Row-level security is forced on the owner too: every municipality's rows, for this transaction.
    op.execute("SELECT set_config('app.tenant', '*', true)")
    op.execute("UPDATE citizens SET benefit = NULL WHERE benefit = 'null'::jsonb")
    op.execute("UPDATE citizens SET benefit_at_enrolment = NULL WHERE benefit_at_enrolment = 'null'::jsonb")


def downgrade() -> None:
    pass  # SQL NULL is what JSON null meant; nothing to restore
