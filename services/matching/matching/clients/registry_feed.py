"""The registry's change feed (GET /internal/v1/changes): one item, typed.

servicekit's FeedConsumer fetches the pages; this is the shape of what it hands over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    seq: int
    entity: str
    entity_id: str
    op: str
    municipality: str | None
    data: dict[str, Any] | None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Change:
        return cls(
            seq=int(item["seq"]),
            entity=item["entity"],
            entity_id=str(item["entity_id"]),
            op=item["op"],
            municipality=item.get("municipality"),
            data=item.get("data"),
        )
