from __future__ import annotations

import uuid

from matching.feed.records import citizen_row, enrolment_row, opening_row

CITIZEN = {
    "id": str(uuid.uuid4()),
    "municipality": "DK-0336",
    "external_ref": "JC-1",
    "birth_year": 1990,
    "target_group": "flexjob",
    "benefit": {"type": "x", "monthly_amount": 100, "currency": "DKK", "since": "2026-01-01"},
    "work_capacity_hours": 5,
    "skills": [{"code": "bb:skill:wash-dishes", "level": None}],
    "support_needs": [{"code": "mentor", "essential": True}, {"code": "transport", "essential": False}],
    "interests": ["bb:occupation:cook"],
    "location": {"postcode": "4660", "lat": 55.4, "lon": 12.3},
    "consent": {"matching": True, "given_at": "2026-01-01T00:00:00Z"},
}


def test_citizen_row_keeps_only_matching_features() -> None:
    row = citizen_row(7, CITIZEN)
    assert row["essential_support_needs"] == ["mentor"]
    assert row["other_support_needs"] == ["transport"]
    assert row["consent"] is True
    assert row["seq"] == 7
    assert not {"external_ref", "benefit", "birth_year", "national_id", "name"} & set(row)


def test_missing_consent_means_no_consent_and_missing_location_is_null() -> None:
    row = citizen_row(1, {**CITIZEN, "consent": None, "location": None})
    assert row["consent"] is False
    assert row["lat"] is None


def test_opening_row_splits_essential_and_optional_skills() -> None:
    data = {
        "id": str(uuid.uuid4()),
        "municipality": "DK-0336",
        "organisation_id": str(uuid.uuid4()),
        "occupation": "bb:occupation:cook",
        "skills": [
            {"code": "bb:skill:bake", "essential": False},
            {"code": "bb:skill:follow-recipes", "essential": True},
        ],
        "hours_per_week": {"min": 4, "max": 10},
        "seats": 2,
        "support_offered": ["mentor"],
        "flexjob": True,
        "location": None,
        "status": "open",
    }
    row = opening_row(3, data)
    assert row["essential_skills"] == ["bb:skill:follow-recipes"]
    assert row["optional_skills"] == ["bb:skill:bake"]
    assert (row["hours_min"], row["hours_max"]) == (4.0, 10.0)


def test_enrolment_row_counts_reached_milestones() -> None:
    data = {
        "id": str(uuid.uuid4()),
        "municipality": "DK-0336",
        "programme": "company_accelerator",
        "citizen_id": None,
        "organisation_id": str(uuid.uuid4()),
        "partnership_id": str(uuid.uuid4()),
        "milestones": [
            {"name": "a", "due_on": "2026-01-01", "reached_on": "2026-01-02"},
            {"name": "b", "due_on": None},
        ],
    }
    row = enrolment_row(1, data)
    assert (row["milestones_reached"], row["milestones_total"]) == (1, 2)
    assert row["citizen_id"] is None
