"""Importing a newer taxonomy version maps retired concepts to their replacements, losing nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from taxonomy.versions import Changes, esco_changes, jobtech_changes, remap_profiles

FIXTURES = Path(__file__).parents[1] / "fixtures"
ESCO = "http://data.europa.eu/esco/skill/"


def esco_v2() -> Changes:
    with (FIXTURES / "esco_skills_v2.csv").open(encoding="utf-8", newline="") as handle:
        return esco_changes(csv.DictReader(handle), source="esco-v2")


def test_esco_obsolete_concepts_map_to_their_replacements_and_nothing_is_lost() -> None:
    # Profiles written against the older version (every code released there).
    profiles = {
        "citizen-1": {f"{ESCO}0a1b-wash-dishes", f"{ESCO}0a2c-food-hygiene"},
        "citizen-2": {f"{ESCO}0b1a-use-spreadsheets", f"{ESCO}0d1a-use-fax"},
        "opening-1": {f"{ESCO}0c1a-operate-till", f"{ESCO}9z9z-local-skill"},
    }
    mapped, report = remap_profiles(profiles, esco_v2())
    assert mapped["citizen-1"] == {f"{ESCO}0a1b-wash-dishes", f"{ESCO}0a2d-food-safety"}
    # One concept split into two: the citizen holds both.
    assert mapped["citizen-2"] == {
        f"{ESCO}0b1b-spreadsheets-basic",
        f"{ESCO}0b1c-spreadsheets-formulas",
        f"{ESCO}0d1a-use-fax",
    }
    # A chain of replacements is followed to the released concept.
    assert f"{ESCO}0c1c-handle-payments" in mapped["opening-1"]
    # Nobody loses a skill: every profile has at least as many codes as before, unmappable ones kept.
    for owner, codes in profiles.items():
        assert len(mapped[owner]) >= len(codes)
    assert report.profiles == 3
    assert report.unchanged_codes == 1
    assert {(r.owner, r.old) for r in report.remapped} == {
        ("citizen-1", f"{ESCO}0a2c-food-hygiene"),
        ("citizen-2", f"{ESCO}0b1a-use-spreadsheets"),
        ("opening-1", f"{ESCO}0c1a-operate-till"),
    }
    assert {(u.owner, u.code, u.reason) for u in report.unmapped} == {
        ("citizen-2", f"{ESCO}0d1a-use-fax", "retired_without_replacement"),
        ("opening-1", f"{ESCO}9z9z-local-skill", "unknown_in_version"),
    }
    assert json.loads(json.dumps(report.as_dict()))["remapped"][0]["new"]


def test_jobtech_deprecated_concepts_follow_replaced_by() -> None:
    payload = json.loads((FIXTURES / "jobtech_concepts_v2.json").read_text(encoding="utf-8"))
    changes = jobtech_changes(payload["data"]["concepts"], source="jobtech-v2")
    mapped, report = remap_profiles({"opening-7": ["tW8y_bXk_9mK", "Qx4L_2nHp_7Rf", "Mm7G_kD2s_1Ta"]}, changes)
    assert mapped["opening-7"] == {"tW8y_bXk_9mK", "Ze3S_uB1n_4Yc", "Mm7G_kD2s_1Ta"}
    assert [(r.old, r.new) for r in report.remapped] == [("Qx4L_2nHp_7Rf", ("Ze3S_uB1n_4Yc",))]
    assert [(u.code, u.reason) for u in report.unmapped] == [("Mm7G_kD2s_1Ta", "retired_without_replacement")]


def test_a_cycle_of_replacements_ends_unmapped_not_in_a_loop() -> None:
    changes = Changes("x", frozenset({"c"}), {"a": ("b",), "b": ("a",)}, frozenset({"a", "b"}))
    assert changes.resolve("a") is None
    assert changes.resolve("c") == ("c",)
