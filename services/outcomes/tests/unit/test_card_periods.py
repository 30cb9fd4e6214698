"""Rate cards by validity period: overlap, the card of a day, and each day priced with its card."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from outcomes.domain.benefits import Benefit, benefit_path
from outcomes.domain.calendar import months_between
from outcomes.domain.card_periods import (
    CardPeriod,
    PricedSpan,
    card_on,
    check_new_period,
    monthly_savings_by_card,
    period_of,
    spans,
    staircases_for,
)
from outcomes.domain.events import OutcomeEvent
from outcomes.domain.ratecard import parse_rate_card
from outcomes.domain.refusion import RefusionBand, RefusionStaircase
from outcomes.domain.savings import PathArrays, monthly_savings
from servicekit.domain_errors import Conflict, InvalidField, NotFound


def card(card_id: str, country: str = "DK", **period: Any) -> dict[str, Any]:
    return {
        "id": card_id,
        "country": country,
        "year": int(card_id[-4:]),
        "currency": "DKK",
        "discount_rate_percent": "3.5",
        "refusion_bands": [{"first_week": 1, "share_percent": "80"}, {"first_week": 5, "share_percent": "40"}],
        **period,
    }


def test_period_of_a_card() -> None:
    assert period_of(parse_rate_card(card("DK-2024"))) == CardPeriod(
        "DK-2024", "DK", date(2024, 1, 1), date(2025, 1, 1)
    )
    half = parse_rate_card(card("DK-2025", valid_from="2025-07-01"))
    assert period_of(half) == CardPeriod("DK-2025", "DK", date(2025, 7, 1), None)
    with pytest.raises(InvalidField, match="valid_to"):
        period_of(parse_rate_card(card("DK-2025", valid_from="2025-07-01", valid_to="2025-07-01")))


def test_overlap_is_refused_and_cards_are_never_overwritten() -> None:
    existing = [
        CardPeriod("DK-2024", "DK", date(2024, 1, 1), date(2025, 1, 1)),
        CardPeriod("SE-2025", "SE", date(2025, 1, 1), None),
    ]
    check_new_period(existing, CardPeriod("DK-2025", "DK", date(2025, 1, 1), date(2026, 1, 1)))
    check_new_period(existing, CardPeriod("SE-2024", "SE", date(2024, 1, 1), date(2025, 1, 1)))
    with pytest.raises(InvalidField) as overlap:
        check_new_period(existing, CardPeriod("DK-2024b", "DK", date(2024, 12, 31), date(2026, 1, 1)))
    assert overlap.value.errors[0].field == "valid_from"
    assert overlap.value.status == 422
    with pytest.raises(Conflict):
        check_new_period(existing, CardPeriod("DK-2024", "DK", date(2030, 1, 1), None))


def test_the_card_of_a_day_and_spans_with_gaps() -> None:
    periods = [
        CardPeriod("DK-2024", "DK", date(2024, 1, 1), date(2025, 1, 1)),
        CardPeriod("DK-2025", "DK", date(2025, 1, 1), date(2025, 7, 1)),
        CardPeriod("DK-2025H2", "DK", date(2025, 7, 1), date(2026, 1, 1)),
    ]
    assert card_on(periods, "DK", date(2025, 6, 30)) == "DK-2025"
    assert card_on(periods, "DK", date(2025, 7, 1)) == "DK-2025H2"
    with pytest.raises(NotFound):
        card_on(periods, "DK", date(2026, 1, 1))
    assert spans(periods, "DK", date(2023, 12, 1), date(2026, 2, 1)) == [
        PricedSpan(date(2023, 12, 1), date(2024, 1, 1), "DK-2024", carried=True),
        PricedSpan(date(2024, 1, 1), date(2025, 1, 1), "DK-2024"),
        PricedSpan(date(2025, 1, 1), date(2025, 7, 1), "DK-2025"),
        PricedSpan(date(2025, 7, 1), date(2026, 1, 1), "DK-2025H2"),
        PricedSpan(date(2026, 1, 1), date(2026, 2, 1), "DK-2025H2", carried=True),
    ]
    with pytest.raises(NotFound):
        spans(periods, "SE", date(2025, 1, 1), date(2025, 2, 1))


def test_each_day_is_priced_with_its_card() -> None:
    """Kontanthjælp 12,326 kr. since 1 Jan 2024, enrolled 1 Mar, off benefit from 1 Apr.

    April is weeks 14-18 of support for the baseline (band 5-26). Card 1 (to 16 Apr) refunds 40 % there,
    card 2 (from 16 Apr) 50 %. April's 30 days: 15 with card 1 (kept 60 %), 15 with card 2 (kept 50 %):
    municipal = 1,232,600 x (15/30 x 60 % + 15/30 x 50 %) = 1,232,600 x 55 % = 677,930.
    May is all card 2: 1,232,600 x 50 % = 616,300. Gross does not depend on the card: 1,232,600 a month.
    """
    first = RefusionStaircase([RefusionBand(1, Fraction(80)), RefusionBand(5, Fraction(40))], reset_weeks=52)
    second = RefusionStaircase([RefusionBand(1, Fraction(80)), RefusionBand(5, Fraction(50))], reset_weeks=52)
    path = benefit_path(
        enrolled_on=date(2024, 3, 1),
        since=date(2024, 1, 1),
        at_enrolment=Benefit("kontanthjaelp_30plus", 1_232_600),
        events=[OutcomeEvent("e", "c", "benefit_ended", date(2024, 4, 1))],
    )
    months = months_between(date(2024, 3, 1), date(2024, 6, 1))
    cards = [(date(2024, 1, 1), date(2024, 4, 16), first), (date(2024, 4, 16), date(2024, 6, 1), second)]
    lines = monthly_savings_by_card(PathArrays.from_paths([path]), months, cards)
    assert lines.gross.tolist() == [[0, 1_232_600, 1_232_600]]
    assert lines.municipal.tolist() == [[0, 677_930, 616_300]]
    assert lines.state.tolist() == [[0, 554_670, 616_300]]
    # One card over everything is the one-card engine.
    single = monthly_savings_by_card(
        PathArrays.from_paths([path]), months, [(date(2024, 1, 1), date(2024, 6, 1), first)]
    )
    assert single.municipal.tolist() == monthly_savings([path], months, first).municipal.tolist()


def test_staircases_for_reports_the_cards_used() -> None:
    cards = {name: parse_rate_card(card(name)) for name in ("DK-2024", "DK-2025")}
    periods = [period_of(value) for value in cards.values()]
    pricing = staircases_for(periods, cards, "DK", date(2024, 11, 1), date(2025, 3, 1))
    assert pricing.card_ids == ["DK-2024", "DK-2025"]
    assert pricing.card_ids_between(date(2025, 1, 1), date(2025, 2, 1)) == ["DK-2025"]
    assert [(start, end) for start, end, _ in pricing.spans] == [
        (date(2024, 11, 1), date(2025, 1, 1)),
        (date(2025, 1, 1), date(2025, 3, 1)),
    ]


def test_deadweight_with_several_cards_is_the_one_card_engine_when_the_cards_agree() -> None:
    """A contract that counts deadweight prices each day with its card too: two spans of one staircase give
    exactly the one-card engine's lines, and a second card changes only the municipal line."""
    staircase = RefusionStaircase([RefusionBand(1, Fraction(80)), RefusionBand(5, Fraction(40))], reset_weeks=52)
    other = RefusionStaircase([RefusionBand(1, Fraction(80)), RefusionBand(5, Fraction(50))], reset_weeks=52)
    path = benefit_path(
        enrolled_on=date(2024, 3, 1),
        since=date(2024, 1, 1),
        at_enrolment=Benefit("kontanthjaelp_30plus", 1_232_600),
        events=[OutcomeEvent("e", "c", "benefit_ended", date(2024, 4, 10))],
        exit_rate=Fraction(2, 100),
    )
    months = months_between(date(2024, 3, 1), date(2024, 7, 1))
    arrays = PathArrays.from_paths([path])
    one = monthly_savings([path], months, staircase, deadweight=True)
    split = [(date(2024, 1, 1), date(2024, 4, 16), staircase), (date(2024, 4, 16), date(2024, 7, 1), staircase)]
    two = monthly_savings_by_card(arrays, months, split, deadweight=True)
    for name in ("baseline", "gross", "municipal", "state"):
        assert getattr(two, name).tolist() == getattr(one, name).tolist(), name
    assert one.baseline.tolist() != monthly_savings([path], months, staircase).baseline.tolist()
    changed = monthly_savings_by_card(arrays, months, [split[0], (split[1][0], split[1][1], other)], deadweight=True)
    assert changed.gross.tolist() == one.gross.tolist()
    assert changed.municipal[0, 0] == one.municipal[0, 0]
    assert changed.municipal[0, 3] != one.municipal[0, 3]
