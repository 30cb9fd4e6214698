"""SQL for kept simulations."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.schemas.simulations import SimulationRead
from outcomes.store.tables import (
    simulations,
)

Row = sa.Row[Any]


def simulation_read(row: Row) -> SimulationRead:
    return SimulationRead(
        id=row.id, municipality=row.municipality, request=row.request, result=row.result, created_at=row.created_at
    )


async def insert_simulation(session: AsyncSession, values: dict[str, Any]) -> Row:
    row = (await session.execute(sa.insert(simulations).values(**values).returning(*simulations.c))).first()
    assert row is not None
    return row


async def get_simulation(session: AsyncSession, simulation_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(simulations).where(simulations.c.id == simulation_id))).first()
