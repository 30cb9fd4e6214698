"""Client secrets: generated with enough entropy, stored only as argon2 hashes.

Hashing and verifying cost tens of milliseconds by design, so they run off the event loop.
"""

from __future__ import annotations

import asyncio
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@cache
def _unknown_client_hash() -> str:
    """Verified against when the client is unknown, so the answer takes as long as a wrong secret."""
    return _hasher.hash(secrets.token_urlsafe(32))


def new_client_id() -> str:
    return "bb_" + secrets.token_hex(12)


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


async def hash_secret(secret: str) -> str:
    return await asyncio.to_thread(_hasher.hash, secret)


def _verify(stored_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


async def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True when `secret` matches; an unknown client (None) costs the same and is False."""
    if stored_hash is None:
        await asyncio.to_thread(_verify, _unknown_client_hash(), secret)
        return False
    return await asyncio.to_thread(_verify, stored_hash, secret)
