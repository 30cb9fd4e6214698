"""The shipped rate cards (outcomes/rate_cards): one card per period, no overlaps, a source and a mark per figure."""

from __future__ import annotations

import json

import pytest

from outcomes.domain.card_periods import check_new_period, period_of
from outcomes.domain.payers import SWEDISH_PAYERS, payer_map
from outcomes.domain.ratecard import parse_rate_card
from outcomes.settings import RATE_CARDS

CARDS = RATE_CARDS
MARKS = {"verified", "derived", "unverified", "assumption"}
DOCUMENTS = {path.stem: json.loads(path.read_text()) for path in sorted(CARDS.glob("*.json"))}


def test_periods_of_one_country_never_overlap() -> None:
    periods = []
    for document in DOCUMENTS.values():
        period = period_of(parse_rate_card(document))
        check_new_period(periods, period)
        periods.append(period)
    assert {period.card_id for period in periods} >= {"DK-2024", "DK-2025", "DK-2026", "SE-2025"}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_card_has_min_comparisons_and_marked_sources(name: str) -> None:
    document = DOCUMENTS[name]
    assert document["min_comparisons"]["value"] >= 1
    for rate in document["benefit_rates"]:
        assert rate["source"]
        assert rate["mark"] in MARKS
    for entry in document.get("payers", {}).values():
        assert entry["source"]
        assert entry["mark"] in MARKS


def test_the_swedish_card_names_a_payer_for_each_benefit_type() -> None:
    mapping, default = payer_map(DOCUMENTS["SE-2025"])
    assert default == "kommun"
    assert mapping["ekonomiskt_bistand"] == "kommun"
    assert mapping["sjukersattning"] == "forsakringskassan"
    assert mapping["etableringsersattning"] == "arbetsformedlingen"
    assert set(mapping.values()) <= set(SWEDISH_PAYERS)


def test_the_2026_card_says_its_rates_are_unverified() -> None:
    assert all(rate["mark"] == "unverified" for rate in DOCUMENTS["DK-2026"]["benefit_rates"])
