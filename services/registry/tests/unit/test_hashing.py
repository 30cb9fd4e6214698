from __future__ import annotations

import hashlib
import json

from registry.domain.content_hash import content_hash


def test_content_hash_of_ascii_fields_is_the_one_stored_before() -> None:
    """Rows hashed with json.dumps before the switch to pydantic-core still compare equal (no spurious updates)."""
    fields = {
        "name": None,
        "birth_year": 1990,
        "benefit": {"type": "kontanthjaelp", "monthly_amount": 1277000, "currency": "DKK", "since": "2025-01-01"},
        "skills": [{"code": "bb:skill:clean-floors", "level": None}],
        "location": {"postcode": "4660", "lat": 55.42, "lon": 12.3},
        "consent": {"matching": True, "given_at": "2026-01-10T09:00:00Z"},
    }
    before = hashlib.sha256(json.dumps(fields, separators=(",", ":"), default=str).encode()).hexdigest()
    assert content_hash(fields) == before


def test_content_hash_follows_every_field() -> None:
    base = {"work_capacity_hours": 12, "skills": [{"code": "bb:skill:wash-dishes", "level": "basic"}]}
    assert content_hash(base) != content_hash({**base, "work_capacity_hours": 13})
    assert content_hash(base) != content_hash({**base, "skills": [{"code": "bb:skill:wash-dishes", "level": None}]})
