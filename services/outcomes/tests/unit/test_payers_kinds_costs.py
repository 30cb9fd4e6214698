"""Payers per benefit type (Sweden), placement kinds and milestone_kinds, programme cost lines by payer."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from outcomes.domain.benefits import Benefit
from outcomes.domain.calendar import Month, months_between
from outcomes.domain.costs import (
    PAYERS,
    CostLine,
    check_supersedes,
    in_force,
    totals_by_payer,
    totals_by_payer_and_month,
    validate_cost_line,
)
from outcomes.domain.events import OutcomeEvent
from outcomes.domain.payers import SWEDISH_PAYERS, paths_by_payer, payer_map, payer_of
from outcomes.domain.placement_kinds import (
    JOB_KINDS,
    PLACEMENT_KINDS,
    USUAL_BENEFIT_EVENTS,
    counts_for,
    parse_milestone_kinds,
    validate_placement_kind,
)
from outcomes.domain.refusion import RefusionStaircase
from outcomes.domain.savings import monthly_savings
from servicekit.domain_errors import Conflict, InvalidField, NotFound

SE_CARD = {
    "payers": {
        "ekonomiskt_bistand": {"value": "kommun", "source": "SoL 4 kap."},
        "aktivitetsersattning": "forsakringskassan",
        "sjukersattning": "forsakringskassan",
        "etableringsersattning": "arbetsformedlingen",
    },
    "default_payer": "kommun",
}


def test_swedish_savings_are_split_by_payer() -> None:
    """Ekonomiskt bistånd 10,000 kr. (kommun) since 1 Jan 2025, enrolled 1 Mar; from 1 Apr sjukersättning
    12,000 kr. (Försäkringskassan). April and May: kommun saves 1,000,000 öre a month, Försäkringskassan
    pays 1,200,000 more (gross -1,200,000); together -200,000 a month. No refusion in Sweden."""
    mapping, default = payer_map(SE_CARD)
    payer = payer_of(mapping, default)
    assert payer("etableringsersattning") == "arbetsformedlingen"
    assert payer("bostadsbidrag") == "kommun"
    paths = paths_by_payer(
        enrolled_on=date(2025, 3, 1),
        since=date(2025, 1, 1),
        at_enrolment=Benefit("ekonomiskt_bistand", 1_000_000),
        events=[
            OutcomeEvent(
                "e", "c", "benefit_changed", date(2025, 4, 1), {"type": "sjukersattning", "monthly_amount": 1_200_000}
            )
        ],
        payer=payer,
        payers=SWEDISH_PAYERS,
    )
    months = months_between(date(2025, 3, 1), date(2025, 6, 1))
    gross = {
        name: monthly_savings([path], months, RefusionStaircase.none()).gross[0].tolist()
        for name, path in paths.items()
    }
    assert gross == {
        "kommun": [0, 1_000_000, 1_000_000],
        "region": [0, 0, 0],
        "forsakringskassan": [0, -1_200_000, -1_200_000],
        "arbetsformedlingen": [0, 0, 0],
    }


def test_a_card_without_a_payer_for_a_type_and_no_default() -> None:
    mapping, default = payer_map({"payers": {"a": "kommun"}})
    with pytest.raises(InvalidField, match="payers"):
        payer_of(mapping, default)("b")
    with pytest.raises(InvalidField, match=r"payers\.a"):
        payer_map({"payers": {"a": ""}})


def test_placement_kinds() -> None:
    for kind in PLACEMENT_KINDS:
        validate_placement_kind({"kind": kind})
        assert USUAL_BENEFIT_EVENTS[kind]
    for data in ({}, {"kind": "job"}, {"kind": None}):
        with pytest.raises(InvalidField) as error:
            validate_placement_kind(data)
        assert error.value.errors[0].field == "data.kind"
    assert "internship" not in JOB_KINDS
    kinds = parse_milestone_kinds({"placement_started": ["ordinary", "internship"]})
    assert counts_for("placement_started", "internship", kinds)
    assert not counts_for("retained_3m", "internship", kinds)
    assert counts_for("retained_3m", "wage_subsidy", kinds)
    with pytest.raises(InvalidField, match=r"milestone_kinds\.hired"):
        parse_milestone_kinds({"hired": ["ordinary"]})
    with pytest.raises(InvalidField, match=r"milestone_kinds\.retained_3m"):
        parse_milestone_kinds({"retained_3m": ["job"]})


def line(line_id: str, amount: int, payer: str = "municipality", supersedes: str | None = None, n: int = 0) -> CostLine:
    return CostLine(line_id, "p", "citizen_course", "mentor", amount, Month(2025, 3), payer, supersedes, sequence=n)


def test_cost_lines_by_payer_and_corrections() -> None:
    lines = [
        line("a", 100_000, n=1),
        line("b", 2_600_000_000, "eu_grant", n=2),
        line("c", 150_000, supersedes="a", n=3),
    ]
    assert [item.id for item in in_force(lines)] == ["b", "c"]
    totals = totals_by_payer(lines)
    assert totals["municipality"] == 150_000  # the correction, never both
    assert totals["eu_grant"] == 2_600_000_000
    assert set(totals) == set(PAYERS)
    assert totals_by_payer_and_month(lines)[Month(2025, 3)]["municipality"] == 150_000
    with pytest.raises(Conflict):
        check_supersedes("a", lines, "p")
    with pytest.raises(NotFound):
        check_supersedes("x", lines, "p")
    check_supersedes("c", lines, "p")


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("payer", {"payer": "bank"}),
        ("amount", {"amount": -1}),
        ("amount", {"amount": "10"}),
        ("month", {"month": "2024-12"}),
        ("month", {"month": "2026-07"}),
        ("month", {"month": "2025-13"}),
        ("side", {"side": "both"}),
        ("category", {"category": "coffee"}),
    ],
)
def test_bad_cost_lines_name_the_field(field: str, change: dict[str, Any]) -> None:
    data = {"side": "citizen_course", "category": "mentor", "amount": 1, "month": "2025-03", "payer": "state", **change}
    with pytest.raises(InvalidField) as error:
        validate_cost_line(data, partnership_starts=date(2025, 1, 1), partnership_ends=date(2026, 7, 1))
    assert error.value.errors[0].field == field


def test_a_good_cost_line() -> None:
    data = {"side": "citizen_course", "category": "mentor", "amount": 5, "month": "2026-06", "payer": "eu_grant"}
    parsed = validate_cost_line(data, partnership_starts=date(2025, 1, 1), partnership_ends=date(2026, 7, 1))
    assert parsed == ("citizen_course", "mentor", 5, Month(2026, 6), "eu_grant")
