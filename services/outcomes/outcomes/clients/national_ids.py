"""National ids to pseudonymous citizen ids, through the registry (outcomes never stores a national id).

The registry endpoint this needs (to be added by the registry; see the issue 15 report):
`POST /internal/v1/citizens:resolve-national-ids`, scope `internal`, body
`{"municipality": "DK-0336", "national_ids": ["0101901234", ...]}` (at most 10,000 per request), answer
`{"items": [{"index": 0, "citizen_id": "<uuid>" | null}, ...]}` in the order sent. The answer names positions,
not national ids, so no national id travels back; the registry audits the lookup like a read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from servicekit.domain_errors import ServiceUnavailable
from servicekit.http import ServiceClient

RESOLVE_PATH = "/internal/v1/citizens:resolve-national-ids"
CHUNK = 10_000


class NationalIdResolver(Protocol):
    """Turns national ids into citizen ids of a municipality (None: the registry does not hold the person)."""

    async def citizen_ids(self, municipality: str, national_ids: Sequence[str]) -> dict[str, str | None]: ...


class RegistryNationalIds:
    """The registry's resolve endpoint over the service's shared registry client."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def citizen_ids(self, municipality: str, national_ids: Sequence[str]) -> dict[str, str | None]:
        unique = list(dict.fromkeys(national_ids))
        result: dict[str, str | None] = {}
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            response = await self.client.request(
                "POST", RESOLVE_PATH, json={"municipality": municipality, "national_ids": chunk}
            )
            if response.status_code != 200:
                raise ServiceUnavailable(
                    f"The registry could not pseudonymise the statement's national ids ({response.status_code}).",
                    retry_after=30,
                )
            for item in response.json()["items"]:
                result[chunk[int(item["index"])]] = item.get("citizen_id")
        return result


class NoRegistry:
    """Without a registry nothing can be pseudonymised: the import answers 503 and writes nothing."""

    async def citizen_ids(self, municipality: str, national_ids: Sequence[str]) -> dict[str, str | None]:
        raise ServiceUnavailable("No registry is configured to pseudonymise national ids.", retry_after=60)
