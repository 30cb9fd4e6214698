from __future__ import annotations

import datetime as dt

import pytest

from registry.domain.national_id import InvalidNationalId, parse_cpr, parse_national_id, parse_personnummer

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "born"),
    [
        ("0101901234", dt.date(1990, 1, 1)),  # fails modulus-11, valid since 2007
        ("010190-1235", dt.date(1990, 1, 1)),
        ("0101104000", dt.date(2010, 1, 1)),  # 7th digit 4, year ≤ 36 → 2000s
        ("0101504000", dt.date(1950, 1, 1)),  # 7th digit 4, year ≥ 37 → 1900s
        ("0101585000", dt.date(1858, 1, 1)),  # 7th digit 5-8, year ≥ 58 → 1800s
        ("0101205000", dt.date(2020, 1, 1)),  # 7th digit 5-8, year < 58 → 2000s
        ("2902009000", dt.date(2000, 2, 29)),  # 7th digit 9, year < 37 → 2000s, a leap day
    ],
)
def test_cpr_century_from_seventh_digit(raw: str, born: dt.date) -> None:
    assert parse_cpr(raw, today=TODAY).birth_date == born


@pytest.mark.parametrize("raw", ["3102901234", "0113901234", "01019012345", "01019O1234", "0101304000", ""])
def test_invalid_cpr(raw: str) -> None:
    with pytest.raises(InvalidNationalId):
        parse_cpr(raw, today=TODAY)


def test_error_message_never_contains_the_number() -> None:
    with pytest.raises(InvalidNationalId) as caught:
        parse_cpr("3102901234", today=TODAY)
    assert "3102901234" not in str(caught.value)
    assert "3102901234" not in repr(parse_cpr("0101901234", today=TODAY)).replace("0101901234", "")
    assert "0101901234" not in repr(parse_cpr("0101901234", today=TODAY))


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("811218-9876", "198112189876"),
        ("19811218-9876", "198112189876"),
        ("198112189876", "198112189876"),
        ("701063-2391", "197010632391"),  # samordningsnummer: day 63 = 3rd + 60
    ],
)
def test_personnummer_and_samordningsnummer(raw: str, canonical: str) -> None:
    assert parse_personnummer(raw, today=TODAY).canonical == canonical


@pytest.mark.parametrize("raw", ["811218-9877", "811318-9876", "811299-9876", "81121898", "20991218-9876"])
def test_invalid_personnummer(raw: str) -> None:
    with pytest.raises(InvalidNationalId):
        parse_personnummer(raw, today=TODAY)


def test_country_picks_the_rule() -> None:
    assert parse_national_id("0101901234", country="DK", today=TODAY).country == "DK"
    with pytest.raises(InvalidNationalId):
        parse_national_id("0101901234", country="SE", today=TODAY)
