"""Typed client of the outcomes service's placement outcomes (the training labels)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.http import ServiceClient


@dataclass(frozen=True)
class PlacementOutcome:
    citizen_id: str
    opening_id: str | None
    organisation_id: str | None
    municipality: str | None
    lasted_3_months: bool | None


class OutcomesClient:
    def __init__(self, client: ServiceClient, *, page_size: int = 1000) -> None:
        self.client = client
        self.page_size = page_size

    async def placement_outcomes(self) -> list[PlacementOutcome]:
        """Every placement with its three-month outcome, following the cursor to the end."""
        outcomes: list[PlacementOutcome] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": self.page_size}
            if cursor:
                params["cursor"] = cursor
            payload = await self.client.get_json("/internal/v1/placement-outcomes", params=params)
            outcomes.extend(
                PlacementOutcome(
                    citizen_id=str(item["citizen_id"]),
                    opening_id=str(item["opening_id"]) if item.get("opening_id") else None,
                    organisation_id=str(item["organisation_id"]) if item.get("organisation_id") else None,
                    municipality=item.get("municipality"),
                    lasted_3_months=item.get("lasted_3_months"),
                )
                for item in payload["items"]
            )
            cursor = payload.get("next_cursor")
            if not cursor or not payload["items"]:
                return outcomes
