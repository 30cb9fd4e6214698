"""Importing the state's refusion statement: pseudonymised through the registry, whole or nothing, reconciled."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import FakeRegistryFeed
from tests.integration.world import add_citizen, add_partnership

HEADER = "cpr;uge;ydelse;udbetalt;refusionsprocent;refusion\n"


class FakeNationalIds:
    """The registry's resolve endpoint: national id -> citizen id for the ids it holds."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}
        self.asked: list[str] = []

    async def citizen_ids(self, municipality: str, national_ids: Sequence[str]) -> dict[str, str | None]:
        self.asked.extend(national_ids)
        return {national_id: self.known.get(national_id) for national_id in national_ids}


@pytest.fixture
def national_ids(outcomes_app: FastAPI) -> Iterator[FakeNationalIds]:
    fake = FakeNationalIds()
    previous = getattr(outcomes_app.state, "national_id_resolver", None)
    outcomes_app.state.national_id_resolver = fake
    yield fake
    outcomes_app.state.national_id_resolver = previous


async def test_statement_is_reconciled_per_citizen_week(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
    national_ids: FakeNationalIds,
) -> None:
    # Kontanthjælp 12,326 kr. since 1 Jan 2024, enrolled 1 Mar 2024 (the worked example's citizen).
    citizen = add_citizen(registry, add_partnership(registry), enrolled_on="2024-03-01")
    await sync()
    national_ids.known["0101901234"] = citizen
    # W11 2024 (11-17 March): 7/31 x 1,232,600 = 278,329.03 -> 278,329 paid; support weeks 11 (40 %): 111,331.61
    # -> 111,332. The state agrees on line 2, disagrees on the share on line 3; line 4's person is unknown.
    text = (
        HEADER
        + "0101901234;2024-W11;kontanthjaelp_30plus;2.783,29;40;1.113,32\n"
        + "010190-1234;2024-W12;kontanthjaelp_30plus;2.783,29;80;2.226,63\n"
        + "0202021234;2024-W11;kontanthjaelp_30plus;2.783,29;40;1.113,32\n"
    )
    headers = {**stevns, "Content-Type": "text/csv"}
    response = await client.post("/v1/refusion-statements", content=text.encode(), headers=headers)
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["lines"] == 3
    assert report["summary"]["match"] == 1
    assert report["summary"]["share_differs"] == 1
    assert report["summary"]["unknown_citizen"] == 1
    assert [(item["line"], item["status"]) for item in report["differences"]] == [
        (3, "share_differs"),
        (4, "unknown_citizen"),
    ]
    assert report["differences"][1]["citizen_id"] is None
    assert "0101901234" not in response.text
    stored = await client.get(response.headers["location"], headers=stevns)
    assert stored.json()["summary"] == report["summary"]
    assert "0101901234" not in stored.text


async def test_a_bad_file_is_refused_whole_naming_the_lines(
    client: httpx.AsyncClient, stevns: dict[str, str], national_ids: FakeNationalIds
) -> None:
    headers = {**stevns, "Content-Type": "text/csv"}
    text = HEADER + "0101901234;2024-W11;kontanthjaelp_30plus;2.783,29;40;1.113,32\n0101901234;2024-W60;x;1;40;1\n"
    response = await client.post("/v1/refusion-statements", content=text.encode(), headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["line 3: uge"]
    assert national_ids.asked == []  # nothing was sent to the registry, nothing written
    wrong_header = await client.post("/v1/refusion-statements", content=b"cpr,uge\n", headers=headers)
    assert wrong_header.status_code == 422
    assert wrong_header.json()["errors"][0]["field"] == "line 1"
