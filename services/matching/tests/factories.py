"""Valid registry payloads for matching's service tests (fake national ids, never real persons)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

_serial = itertools.count(1)
KITCHEN_PORTER = "bb:occupation:kitchen-porter"
KITCHEN_SKILLS = ["bb:skill:wash-dishes", "bb:skill:food-hygiene", "bb:skill:operate-kitchen-equipment"]


def fake_cpr() -> str:
    """A CPR-shaped number with a real 1950-1999 birth date, unique within the test session."""
    n = next(_serial)
    day, month, year = 1 + n % 28, 1 + (n // 28) % 12, 50 + (n // 336) % 50
    return f"{day:02d}{month:02d}{year:02d}{(n // 16800) % 4000:04d}"


def fake_cvr() -> str:
    """An 8-digit number passing the CVR modulus-11 check."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        head = f"{10_000_00 + next(_serial) * 7919 % 89_999_99:07d}"
        check = (11 - sum(w * int(d) for w, d in zip(weights, head, strict=True)) % 11) % 11
        if check < 10:
            return head + str(check)


def citizen(skills: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_ref": f"JC-{uuid.uuid4().hex[:12]}",
        "national_id": fake_cpr(),
        "target_group": "cash_benefit",
        "benefit": {"type": "kontanthjaelp", "monthly_amount": 1_200_000, "currency": "DKK", "since": "2025-03-01"},
        "work_capacity_hours": 20,
        "skills": [{"code": code} for code in (KITCHEN_SKILLS if skills is None else skills)],
        "support_needs": [],
        "interests": [],
        "location": {"postcode": "4660", "lat": 55.42, "lon": 12.3},
        "consent": {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"},
    }
    body.update(overrides)
    return body


def organisation() -> dict[str, Any]:
    return {"kind": "company", "name": f"Testfirma {uuid.uuid4().hex[:6]} ApS", "registration_number": fake_cvr()}


def opening(organisation_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_ref": f"JOB-{uuid.uuid4().hex[:12]}",
        "organisation_id": organisation_id,
        "title": "Opvasker",
        "occupation": KITCHEN_PORTER,
        "skills": [{"code": code, "essential": True} for code in KITCHEN_SKILLS],
        "hours_per_week": {"min": 4, "max": 20},
        "seats": 1,
        "support_offered": ["mentor"],
        "flexjob": False,
        "location": {"postcode": "4660", "lat": 55.42, "lon": 12.3},
    }
    body.update(overrides)
    return body
