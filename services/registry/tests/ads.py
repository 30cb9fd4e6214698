"""The ad fixtures (tests/fixtures/*.jsonl, written in the published shapes) and a small occupation map."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from registry.domain.occupation_map import OccupationMap, build_occupation_map
from taxonomy import load_taxonomy

FIXTURES = Path(__file__).parent / "fixtures"
ESCO = "http://data.europa.eu/esco/occupation/"
KITCHEN_ASSISTANT = ESCO + "e1cf6897-158d-4b48-a39e-2a3a8cac216c"
KITCHEN_PORTER = ESCO + "f756fdab-7726-4c48-bfcc-94ff8810fc08"
BUILDING_CLEANER = ESCO + "303a1e34-cb16-4054-b323-81e5eec17397"
AIRCRAFT_GROOMER = ESCO + "69e4e877-9d7a-4df0-973b-34defd318e26"
DOMESTIC_CLEANER = ESCO + "cbad55a4-c7cf-4ab6-9540-eac72b26729b"
# The rows of ESCO's occupations_en.csv the fixtures need (conceptUri, iscoGroup, code).
ESCO_ROWS = [
    {"conceptUri": KITCHEN_ASSISTANT, "iscoGroup": "9412", "code": "9412.1"},
    {"conceptUri": KITCHEN_PORTER, "iscoGroup": "9412", "code": "9412.2"},
    {"conceptUri": AIRCRAFT_GROOMER, "iscoGroup": "9112", "code": "9112.1"},
    {"conceptUri": BUILDING_CLEANER, "iscoGroup": "9112", "code": "9112.2"},
    {"conceptUri": DOMESTIC_CLEANER, "iscoGroup": "9111", "code": "9111.1"},
]
STARTER_ESCO = {
    KITCHEN_ASSISTANT: "bb:occupation:kitchen-assistant",
    KITCHEN_PORTER: "bb:occupation:kitchen-porter",
    BUILDING_CLEANER: "bb:occupation:building-cleaner",
    DOMESTIC_CLEANER: "bb:occupation:domestic-cleaner",
}


def starter_map() -> OccupationMap:
    """The map as the registry builds it from ESCO for the starter vocabulary, over the rows above."""
    book = load_taxonomy(None)
    labels = {code: o.label for code, o in book.occupations.items()}
    return build_occupation_map(ESCO_ROWS, book=book, programme=STARTER_ESCO, source="test", labels=labels)


def load(name: str) -> list[dict[str, Any]]:
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def renamed(items: list[dict[str, Any]], suffix: str, key: str = "id") -> list[dict[str, Any]]:
    """The items with their ad ids made unique to one test (`30100001` → `30100001-<suffix>`)."""
    return [{**item, key: f"{item[key]}-{suffix}"} for item in items]
