"""Danish CPR and Swedish personnummer: the checks the registry applies before storing one.

Both wrap python-stdnum where our rules differ from its defaults:
- CPR: 10 digits, a real date, century from the 7th digit. No modulus-11 check: CPR numbers
  issued since 1 October 2007 need not satisfy it (CPR-kontoret).
- personnummer: date + Luhn; samordningsnummer (coordination numbers) carry day + 60, which
  stdnum's date check rejects, so the date is checked on day - 60.
Error messages never contain the number itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum import luhn
from stdnum.dk import cpr
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer

SAMORDNING_DAY_OFFSET = 60
_SEPARATORS = re.compile(r"[\s-]")


class InvalidNationalId(ValueError):
    """The national id breaks a rule; the message says which, never the number."""


@dataclass(frozen=True, slots=True)
class NationalId:
    """A validated national id in canonical form (DK: 10 digits; SE: 12 digits, YYYYMMDDNNNC)."""

    country: str
    canonical: str
    birth_date: dt.date

    def __repr__(self) -> str:
        return f"NationalId(country={self.country!r}, canonical=<hidden>)"


def parse_cpr(raw: str, *, today: dt.date | None = None) -> NationalId:
    """Validate a Danish CPR number (ddmmyy-ssss)."""
    number = _SEPARATORS.sub("", raw)
    if not number.isdigit() or len(number) != 10:
        raise InvalidNationalId("a CPR number has 10 digits (ddmmyy-ssss)")
    try:
        birth = cpr.get_birth_date(number)
    except ValidationError as exc:
        raise InvalidNationalId("the CPR number does not hold a real date") from exc
    if birth > (today or dt.date.today()):
        raise InvalidNationalId("the CPR number's birth date lies in the future")
    return NationalId("DK", number, birth)


def parse_personnummer(raw: str, *, today: dt.date | None = None) -> NationalId:
    """Validate a Swedish personnummer or samordningsnummer (10 or 12 digits, date + Luhn)."""
    compact = raw.replace(" ", "")
    plus = "+" in compact  # a 10-digit number of someone aged 100 or more
    digits = compact.replace("-", "").replace("+", "")
    if not digits.isdigit() or len(digits) not in (10, 12):
        raise InvalidNationalId("a personnummer has 10 or 12 digits (yymmdd-nnnc or yyyymmddnnnc)")
    day = int(digits[-6:-4])
    date_day = day - SAMORDNING_DAY_OFFSET if day > SAMORDNING_DAY_OFFSET else day
    date_part = digits[:-6] + f"{date_day:02d}"
    try:
        if len(digits) == 12:
            birth = personnummer.get_birth_date(date_part + digits[-4:])
        else:
            birth = personnummer.get_birth_date(f"{date_part}{'+' if plus else '-'}{digits[-4:]}")
    except ValidationError as exc:
        raise InvalidNationalId("the personnummer does not hold a real date") from exc
    if not luhn.is_valid(digits[-10:]):
        raise InvalidNationalId("the personnummer's check digit is wrong")
    if birth > (today or dt.date.today()):
        raise InvalidNationalId("the personnummer's birth date lies in the future")
    return NationalId("SE", f"{birth.year // 100:02d}{digits[-10:]}", birth)


def parse_national_id(raw: str, *, country: str, today: dt.date | None = None) -> NationalId:
    """Validate a national id of `country` (DK or SE)."""
    if country == "DK":
        return parse_cpr(raw, today=today)
    if country == "SE":
        return parse_personnummer(raw, today=today)
    raise InvalidNationalId("national ids are known for DK and SE only")
