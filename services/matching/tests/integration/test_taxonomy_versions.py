"""A newer taxonomy version: the report over matching's stored profiles maps retired skills to
their replacements and lists what cannot be mapped, without losing any skill."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from fastapi import FastAPI

from matching.usecases.taxonomy_versions import remap_report
from servicekit.db import Database, set_tenant
from servicekit.municipalities import NATIONAL
from taxonomy.versions import Changes

from ..factories import citizen

Sync = Callable[[], Awaitable[None]]


async def test_report_maps_retired_skills_of_stored_profiles(
    registry: httpx.AsyncClient, matching_app: FastAPI, stevns_registry: dict[str, str], sync: Sync
) -> None:
    skills = ["bb:skill:wash-dishes", "bb:skill:food-hygiene", "bb:skill:drive-car"]
    person = (await registry.post("/v1/citizens", json=citizen(skills=skills), headers=stevns_registry)).json()
    await sync()
    changes = Changes(
        "starter-v2",
        released=frozenset({"bb:skill:wash-dishes", "bb:skill:food-safety"}),
        replaced_by={"bb:skill:food-hygiene": ("bb:skill:food-safety",)},
        retired=frozenset({"bb:skill:food-hygiene", "bb:skill:drive-car"}),
    )
    database: Database = matching_app.state.database
    async with database.sessions() as session, session.begin():
        await set_tenant(session, NATIONAL)
        report = await remap_report(session, changes)
    owner = f"citizen:{person['id']}"
    assert [(r.old, r.new) for r in report.remapped if r.owner == owner] == [
        ("bb:skill:food-hygiene", ("bb:skill:food-safety",))
    ]
    assert [(u.code, u.reason) for u in report.unmapped if u.owner == owner] == [
        ("bb:skill:drive-car", "retired_without_replacement")
    ]
