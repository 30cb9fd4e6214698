from __future__ import annotations

from matching.clients.registry_feed import Change
from matching.feed.feature_store import catalogue_changes


def change(seq: int, entity: str, municipality: str | None) -> Change:
    return Change(seq=seq, entity=entity, entity_id=f"id-{seq}", op="upsert", municipality=municipality, data={})


def test_openings_and_enrolments_move_their_municipalitys_catalogue_version_to_the_latest_seq() -> None:
    changes = [
        change(3, "opening", "DK-0336"),
        change(4, "enrolment", "DK-0336"),
        change(5, "opening", "DK-0849"),
        change(6, "citizen", "DK-0336"),  # a citizen never changes the openings
        change(7, "organisation", "DK-0849"),
        change(8, "opening", None),
    ]
    assert catalogue_changes(changes) == {"DK-0336": 4, "DK-0849": 5}


def test_a_page_of_citizens_leaves_every_catalogue_alone() -> None:
    assert catalogue_changes([change(1, "citizen", "DK-0336"), change(2, "municipality", "DK-0336")]) == {}
