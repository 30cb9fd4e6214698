"""Company registration numbers: Danish CVR (modulus-11) and Swedish organisationsnummer (Luhn)."""

from __future__ import annotations

from stdnum.dk import cvr
from stdnum.exceptions import ValidationError
from stdnum.se import orgnr


class InvalidRegistrationNumber(ValueError):
    """The registration number breaks its country's rule."""


def normalise_registration_number(raw: str, *, country: str) -> str:
    """The number in canonical digits, or InvalidRegistrationNumber saying what is wrong."""
    if country == "DK":
        try:
            return str(cvr.validate(raw))
        except ValidationError as exc:
            raise InvalidRegistrationNumber("a CVR number has 8 digits passing the modulus-11 check") from exc
    if country == "SE":
        try:
            return str(orgnr.validate(raw))
        except ValidationError as exc:
            raise InvalidRegistrationNumber("an organisationsnummer has 10 digits passing the Luhn check") from exc
    raise InvalidRegistrationNumber("registration numbers are known for DK and SE only")
