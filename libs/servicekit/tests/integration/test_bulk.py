"""insert_from_json: a thousand rows of mixed types in one statement, compiled once."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from servicekit.bulk import insert_from_json, rows_parameter
from servicekit.db import Database

metadata = sa.MetaData()
things = sa.Table(
    "bulk_things",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("tags", JSONB, nullable=False),
    sa.Column("weight", sa.Float, nullable=True),
    sa.Column("seen_on", sa.Date, nullable=True),
)


async def test_rows_of_every_type_arrive_as_typed_columns(postgres_admin_url: str) -> None:
    database = Database(postgres_admin_url, pool_size=1)
    rows = [
        {"id": uuid.uuid4(), "name": f"n{i}", "tags": [{"code": i}], "weight": i / 2 if i % 3 else None,
         "seen_on": dt.date(2026, 1, 1 + i % 28)}
        for i in range(1000)
    ]  # fmt: skip
    statement = insert_from_json(things, tuple(rows[0]))
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(statement, rows_parameter(rows))
            upsert = statement.on_conflict_do_update(index_elements=[things.c.id], set_={"name": "renamed"})
            await conn.execute(upsert, rows_parameter(rows[:1]))
            stored = {row.id: row for row in (await conn.execute(sa.select(things))).all()}
            await conn.run_sync(metadata.drop_all)
    finally:
        await database.dispose()
    assert len(stored) == 1000
    first, fourth = stored[rows[0]["id"]], stored[rows[4]["id"]]
    assert (first.name, first.tags, first.weight) == ("renamed", [{"code": 0}], None)
    assert (fourth.name, fourth.weight, fourth.seen_on) == ("n4", 2.0, dt.date(2026, 1, 5))
