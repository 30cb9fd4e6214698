"""The JobStream and Jobnet parsers, the occupation map and the JobPosting document (no database)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from registry.domain.ad_openings import opening_fields, unmapped_of
from registry.domain.imported_ads import InvalidAd
from registry.domain.jobnet import parse_jobnet_posting, support_codes
from registry.domain.jobposting import job_posting
from registry.domain.jobstream import parse_jobstream_ad
from registry.domain.occupation_map import OccupationMap
from taxonomy import load_taxonomy

from ..ads import KITCHEN_ASSISTANT, load, starter_map

OMAP = starter_map()
NO_MAP = OccupationMap()


def test_map_prefers_the_programmes_occupation_then_the_lowest_esco_code() -> None:
    assert OMAP.resolve("ssyk-2012", "9412") == "bb:occupation:kitchen-assistant"
    assert OMAP.resolve("disco-08", "911210") == "bb:occupation:building-cleaner"  # not 9112.1 aircraft groomer
    assert OMAP.resolve("isco-08", "9111") == "bb:occupation:domestic-cleaner"
    assert OMAP.resolve("ssyk-2012", "2512") is None
    assert OMAP.resolve("jobtech-occupation", "iugg_Qq9_QHH") is None  # only via its SSYK group or an explicit map
    assert (
        OccupationMap(explicit={("jobtech-skill", "x1"): "bb:skill:y"}).resolve("jobtech-skill", "x1") == "bb:skill:y"
    )
    assert OMAP.esco_uri["bb:occupation:kitchen-assistant"] == KITCHEN_ASSISTANT


def test_jobstream_ad() -> None:
    ad = parse_jobstream_ad(load("jobstream_ads.jsonl")[0], OMAP)
    assert ad.external_ref == "jobtech:30100001"
    assert not ad.removed
    assert ad.employer_number == "5566778899"
    assert ad.employer_name == "Dalagården Mat AB"
    assert ad.workplace is not None
    assert (ad.workplace.municipality_code, ad.workplace.postcode) == ("SE-2080", "79131")
    assert (ad.workplace.lat, ad.workplace.lon) == (60.6065, 15.6355)  # published [longitude, latitude]
    assert (ad.hours_min, ad.hours_max, ad.seats) == (30, 30, 2)  # 75 % of a 40-hour week
    assert ad.valid_through == dt.datetime(2026, 12, 20, 23, 59, 59, tzinfo=dt.UTC)
    occupation = ad.occupation()
    assert occupation is not None
    assert occupation.mapped_to == "bb:occupation:kitchen-assistant"
    skills = [(c.code, c.role, c.weight) for c in ad.concepts if c.role != "occupation"]
    assert skills == [
        ("Aj4R_7pH_tcQ", "essential_skill", 10),
        ("VXkX_1Uv_rbG", "essential_skill", 10),
        ("NwWt_3YB_W4x", "optional_skill", 5),
    ]


def test_jobstream_full_time_and_unknown_concept() -> None:
    full, unknown = (parse_jobstream_ad(raw, OMAP) for raw in load("jobstream_ads.jsonl")[1:])
    assert (full.hours_min, full.hours_max) == (37, 37)  # 100 % → the registry's full week
    assert full.workplace is not None
    assert full.workplace.postcode == "79171"
    fields = opening_fields(unknown, organisation_id="o")
    assert fields["occupation"] == "jobtech-occupation:zZ9x_Unk_0wn"
    assert unmapped_of(fields["source_concepts"]) == ["jobtech-occupation:zZ9x_Unk_0wn"]


def test_jobstream_tombstone_and_bad_input() -> None:
    tombstone = parse_jobstream_ad(load("jobstream_removed.jsonl")[0], OMAP)
    assert tombstone.removed
    assert tombstone.external_ref == "jobtech:30100002"
    with pytest.raises(InvalidAd) as missing:
        parse_jobstream_ad({"headline": "x"}, OMAP)
    assert [v.field for v in missing.value.violations] == ["id"]
    ad = load("jobstream_ads.jsonl")[0]
    with pytest.raises(InvalidAd) as bad:
        parse_jobstream_ad({**ad, "workplace_address": {**ad["workplace_address"], "municipality_code": "20"}}, OMAP)
    assert bad.value.violations[0].field == "workplace_address.municipality_code"
    with pytest.raises(InvalidAd):
        parse_jobstream_ad({**ad, "removed": "yes"}, OMAP)
    with pytest.raises(InvalidAd):
        parse_jobstream_ad([ad], OMAP)


def test_jobnet_postings() -> None:
    flex, subsidy, practice = (parse_jobnet_posting(raw, OMAP) for raw in load("jobnet_postings.jsonl"))
    assert flex.external_ref == "jobnet:5500101"
    assert flex.flexjob
    assert flex.conditions == ("fleksjob",)
    assert flex.workplace is not None
    assert flex.workplace.municipality_code == "DK-0336"
    assert (flex.hours_min, flex.hours_max, flex.employer_number) == (10, 12, "31415926")
    assert flex.occupation() is not None
    assert flex.occupation().mapped_to == "bb:occupation:kitchen-assistant"
    assert subsidy.conditions == ("løntilskud",)
    assert support_codes(subsidy.conditions) == ["x-loentilskud"]
    assert subsidy.workplace is not None
    assert (subsidy.workplace.municipality_code, subsidy.workplace.municipality_name) == (None, "Jammerbugt")
    assert (subsidy.seats, subsidy.hours_min, subsidy.hours_max) == (2, 25, 30)
    assert practice.conditions == ("virksomhedspraktik",)
    assert not practice.flexjob
    assert (practice.hours_min, practice.hours_max) == (37, 37)  # Fuldtid
    fields = opening_fields(practice, organisation_id="o")
    assert fields["occupation"] == "jobnet-occupation:Lagermedarbejder"
    assert fields["support_offered"] == ["x-virksomhedspraktik"]
    assert parse_jobnet_posting({"ID": "1", "Removed": True}, NO_MAP).removed


@pytest.mark.parametrize(
    ("parse", "id_field", "removed_field"),
    [(parse_jobnet_posting, "ID", "Removed"), (parse_jobstream_ad, "id", "removed")],
)
def test_both_sources_refuse_a_non_object_and_a_removed_flag_that_is_not_a_boolean(
    parse: Any, id_field: str, removed_field: str
) -> None:
    with pytest.raises(InvalidAd) as not_an_object:
        parse(["an", "ad"], NO_MAP)
    with pytest.raises(InvalidAd) as flag_as_text:
        parse({id_field: "1", removed_field: "yes"}, NO_MAP)
    assert [v.field for v in not_an_object.value.violations] == ["item"]
    assert [v.field for v in flag_as_text.value.violations] == [removed_field]
    assert parse({id_field: "1", removed_field: True}, NO_MAP).removed


def test_content_hash_tells_unchanged_from_updated() -> None:
    raw = load("jobnet_postings.jsonl")[0]
    first = opening_fields(parse_jobnet_posting(raw, OMAP), organisation_id="o")
    again = opening_fields(parse_jobnet_posting(dict(raw), OMAP), organisation_id="o")
    changed = opening_fields(parse_jobnet_posting({**raw, "NumberToFill": 3}, OMAP), organisation_id="o")
    assert first["content_hash"] == again["content_hash"] != changed["content_hash"]


def test_job_posting_document() -> None:
    opening = {
        "id": "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "municipality": "DK-0336",
        "external_ref": "jobnet:5500101",
        "title": "Køkkenmedhjælper",
        "occupation": "bb:occupation:kitchen-assistant",
        "skills": [{"code": "bb:skill:wash-dishes", "essential": True}],
        "hours_per_week": {"min": 10, "max": 12},
        "seats": 1,
        "flexjob": True,
        "location": {"postcode": "4660", "lat": 55.31, "lon": 12.39},
        "status": "open",
        "valid_through": "2026-12-18T00:00:00Z",
        "created_at": "2026-11-18T00:00:00Z",
        "updated_at": "2026-11-18T00:00:00Z",
    }
    document = job_posting(
        opening,
        employer={"name": "Stevns Madhus ApS", "registration_number": "31415926"},
        esco_uri=KITCHEN_ASSISTANT,
        occupation_label="kitchen assistant",
        skill_labels={"bb:skill:wash-dishes": "wash dishes"},
        base_url="https://api.example",
    )
    assert document["@type"] == "JobPosting"
    assert document["occupationalCategory"]["@id"] == KITCHEN_ASSISTANT
    assert document["hiringOrganization"]["identifier"]["value"] == "31415926"
    assert document["employmentType"] == ["PART_TIME", "OTHER"]
    assert (document["workHours"], document["totalJobOpenings"]) == ("10-12 hours per week", 1)
    assert document["skills"][0]["name"] == "wash dishes"


@pytest.mark.skipif(not os.environ.get("ESCO_DIR"), reason="needs the ESCO zips (ESCO_DIR)")
def test_map_built_from_esco_itself() -> None:
    from registry.main import occupation_map

    omap = occupation_map(Path(os.environ["ESCO_DIR"]), load_taxonomy(None))
    assert omap.resolve("ssyk-2012", "9412") == "bb:occupation:kitchen-assistant"
    assert omap.resolve("disco-08", "911210") == "bb:occupation:building-cleaner"
    assert omap.resolve("ssyk-2012", "2512") is None  # software developers: not an occupation of the starter vocabulary
