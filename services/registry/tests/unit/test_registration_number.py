from __future__ import annotations

import pytest

from registry.domain.registration_number import InvalidRegistrationNumber, normalise_registration_number


def test_cvr_modulus_11() -> None:
    assert normalise_registration_number("DK 13 58 56 28", country="DK") == "13585628"
    for bad in ("13585627", "1358562", "03585628", "abcdefgh"):
        with pytest.raises(InvalidRegistrationNumber):
            normalise_registration_number(bad, country="DK")


def test_swedish_organisationsnummer_luhn() -> None:
    assert normalise_registration_number("556036-0793", country="SE") == "5560360793"
    with pytest.raises(InvalidRegistrationNumber):
        normalise_registration_number("5560360794", country="SE")
