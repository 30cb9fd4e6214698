"""Carrying one record's codes over to a newer version: attributes follow the code, nothing is lost."""

from __future__ import annotations

from registry.domain.taxonomy_remap import RemapReport, remap_citizen, remap_opening
from taxonomy.versions import Changes

V2 = Changes(
    "v2",
    released=frozenset({"s:b", "s:c", "s:d", "o:y", "o:z1", "o:z2"}),
    replaced_by={"s:a": ("s:b", "s:c"), "o:x": ("o:y",), "o:z": ("o:z1", "o:z2")},
    retired=frozenset({"s:a", "s:gone", "o:x", "o:z"}),
)


def test_split_skill_keeps_the_level_and_merges_with_a_held_one_at_the_higher_level() -> None:
    skills = [{"code": "s:a", "level": "advanced"}, {"code": "s:b", "level": "basic"}]
    remap = remap_citizen(skills=skills, interests=["o:x", "o:y"], changes=V2)
    assert remap.values == {
        "skills": [{"code": "s:b", "level": "advanced"}, {"code": "s:c", "level": "advanced"}],
        "interests": ["o:y"],
    }
    assert remap.unmapped == []


def test_opening_skill_is_essential_if_either_merged_one_was() -> None:
    skills = [{"code": "s:b", "essential": False}, {"code": "s:a", "essential": True}]
    remap = remap_opening(occupation="o:y", skills=skills, changes=V2)
    assert remap.values == {"skills": [{"code": "s:b", "essential": True}, {"code": "s:c", "essential": True}]}


def test_unmappable_codes_and_a_split_occupation_are_kept_and_listed() -> None:
    remap = remap_opening(occupation="o:z", skills=[{"code": "s:gone", "essential": True}], changes=V2)
    assert remap.values == {}
    assert sorted(remap.unmapped) == [
        ("occupation", "o:z", "replaced_by_several", ("o:z1", "o:z2")),
        ("skill", "s:gone", "retired_without_replacement", ()),
    ]


def test_report_counts_records_per_code_not_occurrences() -> None:
    report = RemapReport("run", "v2", dry_run=True, municipality=None)
    report.add("citizen", remap_citizen(skills=[{"code": "s:a"}], interests=["o:x"], changes=V2))
    report.add("opening", remap_opening(occupation="o:x", skills=[{"code": "s:a"}], changes=V2))
    answer = report.as_dict()
    assert {(r["old"], r["citizens"], r["openings"]) for r in answer["remapped"]} == {("s:a", 1, 1), ("o:x", 1, 1)}
    assert answer["records"]["citizens"]["seen"] == 1
