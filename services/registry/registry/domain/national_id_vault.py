"""Keyed pseudonym and encrypted copy of a national id.

The HMAC (SHA-256, key from settings, never in the database) finds the same person again, so a
second sync of a citizen updates rather than duplicates; a plain hash of a 10-digit number would
be reversed by trying all of them. The AES-256-GCM copy serves the admin export only. Its key id
is stored beside it, so keys rotate: new writes use the active key, old rows stay readable.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from registry.domain.national_id import NationalId

NONCE_BYTES = 12
MIN_HMAC_KEY_BYTES = 32
WEAK_KEYS = frozenset({"", "changeme", "secret", "password", "dev", "test"})


class WeakKeyMaterial(ValueError):
    """Keys for national ids are missing or too weak to use."""


@dataclass(frozen=True, slots=True)
class SealedNationalId:
    """What the database holds for a national id."""

    pseudonym: bytes
    ciphertext: bytes
    key_id: str


class NationalIdVault:
    """Pseudonymises, encrypts and (for export) decrypts national ids."""

    def __init__(self, *, hmac_key: bytes, encryption_keys: Mapping[str, bytes], active_key_id: str) -> None:
        if hmac_key.decode(errors="replace") in WEAK_KEYS or len(hmac_key) < MIN_HMAC_KEY_BYTES:
            raise WeakKeyMaterial(f"the national id HMAC key must be at least {MIN_HMAC_KEY_BYTES} bytes")
        if active_key_id not in encryption_keys:
            raise WeakKeyMaterial("the active national id key id names no configured key")
        for key_id, key in encryption_keys.items():
            if len(key) != 32:
                raise WeakKeyMaterial(f"national id encryption key {key_id!r} must be 32 bytes (64 hex chars)")
        self._hmac_key = hmac_key
        self._ciphers = {key_id: AESGCM(key) for key_id, key in encryption_keys.items()}
        self._active = active_key_id

    def pseudonym(self, national_id: NationalId) -> bytes:
        """The keyed HMAC used for look-up and duplicate detection."""
        message = f"{national_id.country}:{national_id.canonical}".encode()
        # hmac.digest is the one-call C path (a bulk sync computes a thousand of these per batch).
        return hmac.digest(self._hmac_key, message, "sha256")

    def encrypt(self, national_id: NationalId, *, municipality: str) -> tuple[bytes, str]:
        """Nonce + AES-GCM ciphertext bound to the municipality (as associated data), and the key id."""
        nonce = os.urandom(NONCE_BYTES)
        plain = f"{national_id.country}:{national_id.canonical}".encode()
        return nonce + self._ciphers[self._active].encrypt(nonce, plain, municipality.encode()), self._active

    def seal(self, national_id: NationalId, *, municipality: str) -> SealedNationalId:
        """Pseudonym plus ciphertext bound to the municipality."""
        ciphertext, key_id = self.encrypt(national_id, municipality=municipality)
        return SealedNationalId(self.pseudonym(national_id), ciphertext, key_id)

    @property
    def active_key_id(self) -> str:
        return self._active

    def reseal(self, ciphertext: bytes, *, key_id: str, municipality: str) -> tuple[bytes, str]:
        """The same national id encrypted under the active key (key rotation); the pseudonym stays."""
        plain = self._decrypt(ciphertext, key_id=key_id, municipality=municipality)
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._ciphers[self._active].encrypt(nonce, plain, municipality.encode()), self._active

    def open(self, ciphertext: bytes, *, key_id: str, municipality: str) -> str:
        """The canonical national id (admin export only)."""
        return self._decrypt(ciphertext, key_id=key_id, municipality=municipality).decode().split(":", 1)[1]

    def _decrypt(self, ciphertext: bytes, *, key_id: str, municipality: str) -> bytes:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise WeakKeyMaterial(f"no key configured for key id {key_id!r}")
        return cipher.decrypt(ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:], municipality.encode())
