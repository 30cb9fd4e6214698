from __future__ import annotations

import datetime as dt

import pytest
from cryptography.exceptions import InvalidTag

from registry.domain.national_id import parse_cpr
from registry.domain.national_id_vault import NationalIdVault, WeakKeyMaterial

HMAC_KEY = b"k" * 32
PERSON = parse_cpr("0101901234", today=dt.date(2026, 1, 1))


def vault(active: str = "k1") -> NationalIdVault:
    return NationalIdVault(
        hmac_key=HMAC_KEY, encryption_keys={"k1": b"\x01" * 32, "k2": b"\x02" * 32}, active_key_id=active
    )


def test_pseudonym_is_stable_and_keyed() -> None:
    other = NationalIdVault(hmac_key=b"x" * 32, encryption_keys={"k1": b"\x01" * 32}, active_key_id="k1")
    assert vault().pseudonym(PERSON) == vault().pseudonym(PERSON) != other.pseudonym(PERSON)


def test_seal_and_open_round_trip_with_rotation() -> None:
    sealed = vault("k1").seal(PERSON, municipality="DK-0336")
    assert b"0101901234" not in sealed.ciphertext
    rotated = vault("k2")
    assert rotated.open(sealed.ciphertext, key_id=sealed.key_id, municipality="DK-0336") == "0101901234"
    assert rotated.seal(PERSON, municipality="DK-0336").key_id == "k2"


def test_ciphertext_is_bound_to_its_municipality() -> None:
    sealed = vault().seal(PERSON, municipality="DK-0336")
    with pytest.raises(InvalidTag):
        vault().open(sealed.ciphertext, key_id=sealed.key_id, municipality="DK-0849")


@pytest.mark.parametrize(
    ("hmac_key", "keys", "active"),
    [
        (b"", {"k1": b"\x01" * 32}, "k1"),
        (b"short", {"k1": b"\x01" * 32}, "k1"),
        (HMAC_KEY, {}, ""),
        (HMAC_KEY, {"k1": b"\x01" * 16}, "k1"),
    ],
)
def test_weak_or_missing_keys_are_refused(hmac_key: bytes, keys: dict[str, bytes], active: str) -> None:
    with pytest.raises(WeakKeyMaterial):
        NationalIdVault(hmac_key=hmac_key, encryption_keys=keys, active_key_id=active)
