"""Builders for a partnership with enrolled citizens, fed through the fake registry feed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import FakeRegistryFeed


@dataclass
class Partnership:
    municipality: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    company_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    provider_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    citizens: list[str] = field(default_factory=list)


def add_partnership(
    registry: FakeRegistryFeed, municipality: str = "DK-0336", *, company_started_on: str = "2024-01-01"
) -> Partnership:
    partnership = Partnership(municipality)
    registry.add(
        "municipality", municipality, municipality, {"code": municipality, "name": "x", "country": municipality[:2]}
    )
    registry.add(
        "partnership",
        partnership.id,
        municipality,
        {
            "id": partnership.id,
            "municipality": municipality,
            "company_id": partnership.company_id,
            "business_council_id": str(uuid.uuid4()),
            "provider_id": partnership.provider_id,
            "starts_on": "2024-01-01",
            "ends_on": "2025-12-31",
            "status": "active",
        },
    )
    registry.add(
        "enrolment",
        str(uuid.uuid4()),
        municipality,
        {
            "id": "x",
            "municipality": municipality,
            "programme": "company_accelerator",
            "citizen_id": None,
            "organisation_id": partnership.company_id,
            "partnership_id": partnership.id,
            "started_on": company_started_on,
            "phase": "started",
            "milestones": [],
        },
    )
    return partnership


def add_citizen(
    registry: FakeRegistryFeed,
    partnership: Partnership,
    *,
    target_group: str = "cash_benefit",
    benefit: dict[str, Any] | None = None,
    enrolled_on: str = "2024-03-01",
) -> str:
    citizen_id = str(uuid.uuid4())
    benefit = (
        benefit
        if benefit is not None
        else {"type": "kontanthjaelp_30plus", "monthly_amount": 1_232_600, "currency": "DKK", "since": "2024-01-01"}
    )
    registry.add(
        "citizen",
        citizen_id,
        partnership.municipality,
        {
            "id": citizen_id,
            "municipality": partnership.municipality,
            "external_ref": "r",
            "birth_year": 1990,
            "target_group": target_group,
            "benefit": benefit,
        },
    )
    registry.add(
        "enrolment",
        str(uuid.uuid4()),
        partnership.municipality,
        {
            "id": "x",
            "municipality": partnership.municipality,
            "programme": "citizen_course",
            "citizen_id": citizen_id,
            "organisation_id": None,
            "partnership_id": partnership.id,
            "started_on": enrolled_on,
            "phase": "started",
            "milestones": [],
        },
    )
    partnership.citizens.append(citizen_id)
    return citizen_id
