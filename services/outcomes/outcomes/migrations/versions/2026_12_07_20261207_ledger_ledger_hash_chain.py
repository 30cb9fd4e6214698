"""The ledger the database protects: a SHA-256 hash chain per contract, insert-only lines.

Every settlement line gets `prev_hash` and `row_hash` (domain/ledger.py explains the chain); lines
already stored are chained here in id order per contract. Then the lines become insert-only for
everyone but a table owner who disables the trigger on purpose: a statement-level trigger raises on
UPDATE, DELETE and TRUNCATE, restrictive row-level policies hide every row from UPDATE and DELETE,
and the application role loses the UPDATE, DELETE and TRUNCATE privileges. (servicekit's
`grant_app_role`, run after every migration, grants UPDATE and DELETE on every table again until it
learns about insert-only tables; the trigger and the policies hold regardless.)

The canonical form is copied here on purpose: a migration must keep computing what it computed
when it was written, whatever later becomes of the application's code.

Revision ID: 20261207_ledger
Revises: 20261207_approval
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "20261207_ledger"
down_revision: str | None = "20261207_approval"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
FIELDS = (
    "settlement_id",
    "municipality",
    "contract_id",
    "citizen_id",
    "target_group",
    "name",
    "reached_on",
    "kind",
    "entitled",
    "amount",
    "reason",
    "period_from",
)

INSERT_ONLY = """
CREATE TRIGGER settlement_lines_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON settlement_lines
    FOR EACH STATEMENT EXECUTE FUNCTION outcomes_insert_only();

CREATE POLICY ledger_no_update ON settlement_lines AS RESTRICTIVE FOR UPDATE USING (false);

CREATE POLICY ledger_no_delete ON settlement_lines AS RESTRICTIVE FOR DELETE USING (false);

CREATE POLICY audit_no_update ON settlement_transitions AS RESTRICTIVE FOR UPDATE USING (false);

CREATE POLICY audit_no_delete ON settlement_transitions AS RESTRICTIVE FOR DELETE USING (false);
"""


def _text(value: Any) -> str:
    if value is None:
        return "N;"
    text = value.isoformat() if isinstance(value, date) else str(value)
    return f"{len(text)}:{text};"


def _hash(prev_hash: str, values: list[Any]) -> str:
    content = "".join(_text(value) for value in values)
    return hashlib.sha256(f"brobygger-ledger-v1\n{prev_hash}\n{content}".encode()).hexdigest()


def _app_role() -> str | None:
    config = context.config
    role = config.attributes.get("app_role") or context.get_x_argument(as_dictionary=True).get("app_role")
    return str(role) if role else None


def upgrade() -> None:
    op.add_column("settlement_lines", sa.Column("prev_hash", sa.Text(), nullable=True))
    op.add_column("settlement_lines", sa.Column("row_hash", sa.Text(), nullable=True))
    connection = op.get_bind()
    connection.execute(sa.text("SELECT set_config('app.tenant', '*', true)"))
    rows = connection.execute(
        sa.text(f"SELECT id, {', '.join(FIELDS)} FROM settlement_lines ORDER BY contract_id, id")
    ).all()
    last: dict[Any, str] = {}
    updates = []
    for row in rows:
        values = [getattr(row, name) for name in FIELDS]
        prev_hash = last.get(row.contract_id, GENESIS)
        row_hash = _hash(prev_hash, values)
        last[row.contract_id] = row_hash
        updates.append({"id": row.id, "prev_hash": prev_hash, "row_hash": row_hash})
    if updates:
        connection.execute(
            sa.text("UPDATE settlement_lines SET prev_hash = :prev_hash, row_hash = :row_hash WHERE id = :id"), updates
        )
    op.alter_column("settlement_lines", "prev_hash", nullable=False)
    op.alter_column("settlement_lines", "row_hash", nullable=False)
    op.create_index(op.f("ix_settlement_lines_contract_id_id"), "settlement_lines", ["contract_id", "id"], unique=False)
    for statement in INSERT_ONLY.split("\n\n"):
        op.execute(statement)
    if role := _app_role():
        quoted = connection.dialect.identifier_preparer.quote(role)
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON settlement_lines, settlement_transitions FROM {quoted}")


def downgrade() -> None:
    for policy, table in (
        ("ledger_no_update", "settlement_lines"),
        ("ledger_no_delete", "settlement_lines"),
        ("audit_no_update", "settlement_transitions"),
        ("audit_no_delete", "settlement_transitions"),
    ):
        op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
    op.execute("DROP TRIGGER IF EXISTS settlement_lines_insert_only ON settlement_lines")
    op.drop_index(op.f("ix_settlement_lines_contract_id_id"), table_name="settlement_lines")
    op.drop_column("settlement_lines", "row_hash")
    op.drop_column("settlement_lines", "prev_hash")
