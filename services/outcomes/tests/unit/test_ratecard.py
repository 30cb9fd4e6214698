import json
from datetime import date
from fractions import Fraction

import pytest

from outcomes.domain.ratecard import parse_rate_card
from outcomes.settings import RATE_CARDS

CARDS = RATE_CARDS


@pytest.mark.parametrize("name", ["DK-2024", "DK-2025", "SE-2025"])
def test_every_figure_has_a_source_and_a_mark(name: str) -> None:
    document = json.loads((CARDS / f"{name}.json").read_text())
    card = parse_rate_card(document)
    assert card.discount_rate == Fraction(35, 1000)
    for rate in document["benefit_rates"]:
        assert rate["source"]
        assert rate["mark"] in {"verified", "derived", "unverified"}
    for entry in document["monthly_exit_rates"].values():
        assert entry["mark"] == "assumption"


def test_danish_card_has_the_staircase_and_rates_by_validity() -> None:
    card = parse_rate_card(json.loads((CARDS / "DK-2025.json").read_text()))
    assert [card.staircase.share_percent(week) for week in (1, 5, 27, 53)] == [80, 40, 30, 20]
    assert card.benefit_rate("kontanthjaelp_30plus", date(2025, 3, 1)) == 1_277_000
    assert card.benefit_rate("kontanthjaelp_30plus", date(2025, 7, 1)) is None


def test_swedish_card_has_no_refusion() -> None:
    card = parse_rate_card(json.loads((CARDS / "SE-2025.json").read_text()))
    assert card.staircase.share_percent(1) == 0
