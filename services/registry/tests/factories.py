"""Valid payloads for every registry resource, unique per call (fake national ids, never real persons)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from stdnum import luhn

_serial = itertools.count(1)
KITCHEN = "bb:occupation:kitchen-assistant"


def fake_cpr() -> str:
    """A CPR-shaped number with a real 1950-1999 birth date, unique within the test session."""
    n = next(_serial)
    day, month, year = 1 + n % 28, 1 + (n // 28) % 12, 50 + (n // 336) % 50
    serial = (n // 16800) % 4000  # 7th digit 0-3: born in the 1900s
    return f"{day:02d}{month:02d}{year:02d}{serial:04d}"


def fake_personnummer() -> str:
    """A 12-digit personnummer with a valid Luhn digit."""
    n = next(_serial)
    body = f"{70 + n % 30:02d}{1 + (n // 30) % 12:02d}{1 + (n // 360) % 28:02d}{(n // 10080) % 1000:03d}"
    return f"19{body}{luhn.calc_check_digit(body)}"


def ref(prefix: str = "JC") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def citizen(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_ref": ref(),
        "national_id": fake_cpr(),
        "target_group": "resource_programme",
        "benefit": {
            "type": "ressourceforloebsydelse",
            "monthly_amount": 1_232_600,
            "currency": "DKK",
            "since": "2025-03-01",
        },
        "work_capacity_hours": 12,
        "skills": [{"code": "bb:skill:clean-floors", "level": "basic"}],
        "support_needs": [{"code": "mentor", "essential": True}, {"code": "x-sign-language"}],
        "interests": [KITCHEN],
        "location": {"postcode": "4660", "lat": 55.42, "lon": 12.3},
        "consent": {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"},
    }
    body.update(overrides)
    return body


def organisation(kind: str = "company", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, "name": f"Testfirma {uuid.uuid4().hex[:6]} ApS"}
    if kind in ("company", "social_enterprise"):
        body["registration_number"] = fake_cvr()
    if kind == "social_enterprise":
        body["asf_criteria"] = {
            "work_integration_purpose": True,
            "reinvests_profits": True,
            "participant_involvement": True,
            "independent_of_public_sector": True,
        }
    body.update(overrides)
    return body


def fake_cvr() -> str:
    """An 8-digit number passing the CVR modulus-11 check (weights 2,7,6,5,4,3,2,1)."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        head = f"{10_000_00 + next(_serial) * 7919 % 89_999_99:07d}"
        remainder = sum(w * int(d) for w, d in zip(weights, head, strict=True)) % 11
        check = (11 - remainder) % 11
        if check < 10:
            return head + str(check)


def opening(organisation_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_ref": ref("JOB"),
        "organisation_id": organisation_id,
        "title": "Køkkenmedhjælper",
        "occupation": KITCHEN,
        "skills": [{"code": "bb:skill:clean-floors", "essential": True}],
        "hours_per_week": {"min": 8, "max": 15},
        "seats": 2,
        "support_offered": ["mentor"],
        "flexjob": True,
        "location": {"postcode": "4660", "lat": 55.42, "lon": 12.3},
    }
    body.update(overrides)
    return body
