from datetime import date

from outcomes.domain.events import OutcomeEvent, effective_events
from outcomes.domain.milestones import MilestoneRules, reached_milestones
from outcomes.domain.placements import placements

RULES = MilestoneRules(gap_days=14, min_hours=10)


def started(event_id: str, on: date, hours: float = 15, organisation: str = "org-1") -> OutcomeEvent:
    return OutcomeEvent(
        event_id, "c1", "placement_started", on, {"organisation_id": organisation, "hours_per_week": hours}
    )


def ended(event_id: str, on: date) -> OutcomeEvent:
    return OutcomeEvent(event_id, "c1", "placement_ended", on)


def test_retention_bridges_a_gap_of_at_most_gap_days() -> None:
    # 31 Jan + 3 months rolls back to 30 Apr; the 9-day gap (1-10 Mar) is bridged.
    events = [started("a", date(2024, 1, 31)), ended("b", date(2024, 3, 1)), started("c", date(2024, 3, 10))]
    reached = reached_milestones(placements(events), counted_from=date(2024, 1, 1), rules=RULES)
    assert reached["placement_started"] == date(2024, 1, 31)
    assert reached["retained_3m"] == date(2024, 4, 30)
    assert reached["retained_6m"] == date(2024, 7, 31)
    assert reached["retained_12m"] == date(2025, 1, 31)


def test_a_gap_longer_than_gap_days_breaks_retention() -> None:
    events = [started("a", date(2024, 1, 31)), ended("b", date(2024, 3, 1)), started("c", date(2024, 3, 21))]
    reached = reached_milestones(placements(events), counted_from=date(2024, 1, 1), rules=RULES)
    assert set(reached) == {"placement_started", "hours_13_of_16"}


def test_retention_needs_every_day_up_to_the_date() -> None:
    events = [started("a", date(2024, 1, 10)), ended("b", date(2024, 4, 10))]
    assert "retained_3m" in reached_milestones(placements(events), counted_from=date(2024, 1, 1), rules=RULES)
    events = [started("a", date(2024, 1, 10)), ended("b", date(2024, 4, 9))]
    assert "retained_3m" not in reached_milestones(placements(events), counted_from=date(2024, 1, 1), rules=RULES)


def test_placement_before_enrolment_does_not_count() -> None:
    events = [started("a", date(2023, 12, 1)), ended("b", date(2023, 12, 20)), started("c", date(2024, 2, 5))]
    reached = reached_milestones(placements(events), counted_from=date(2024, 1, 1), rules=RULES)
    assert reached["placement_started"] == date(2024, 2, 5)


def test_hours_13_of_16_weeks_counts_monday_hours() -> None:
    # Start Wed 3 Jan 2024: week 1 (Monday 1 Jan) has 0 hours, weeks 2-16 count → 15 of 16.
    reached = reached_milestones(
        placements([started("a", date(2024, 1, 3))]), counted_from=date(2024, 1, 1), rules=RULES
    )
    assert reached["hours_13_of_16"] == date(2024, 4, 21)


def test_hours_dropping_for_four_weeks_moves_the_window() -> None:
    # Hours 5 in weeks 6-9 (from Mon 5 Feb to Mon 4 Mar); with week 1 also short, the first window with
    # 13 good weeks is weeks 7-22, ending Sunday 2 Jun 2024.
    events = [
        started("a", date(2024, 1, 3)),
        OutcomeEvent("b", "c1", "hours_changed", date(2024, 2, 5), {"hours_per_week": 5}),
        OutcomeEvent("c", "c1", "hours_changed", date(2024, 3, 4), {"hours_per_week": 15}),
    ]
    reached = reached_milestones(placements(events), counted_from=date(2024, 1, 1), rules=RULES)
    assert reached["hours_13_of_16"] == date(2024, 6, 2)


def test_company_side_counts_only_placements_at_the_company() -> None:
    events = [
        started("a", date(2024, 2, 1), organisation="other"),
        ended("b", date(2024, 3, 1)),
        started("c", date(2024, 3, 4), organisation="acme"),
    ]
    reached = reached_milestones(placements(events), counted_from=date(2024, 1, 1), rules=RULES, organisation_id="acme")
    assert reached["placement_started"] == date(2024, 3, 4)


def test_a_correction_supersedes_the_event_it_replaces() -> None:
    events = [
        started("a", date(2024, 2, 1)),
        OutcomeEvent(
            "a2",
            "c1",
            "placement_started",
            date(2024, 2, 12),
            {"organisation_id": "org-1", "hours_per_week": 20},
            supersedes="a",
        ),
    ]
    reached = reached_milestones(placements(effective_events(events)), counted_from=date(2024, 1, 1), rules=RULES)
    assert reached["placement_started"] == date(2024, 2, 12)
