"""Registry change-feed payloads -> feature-store rows (only what matching needs)."""

from __future__ import annotations

import uuid
from typing import Any

from matching.domain.personal_data import matching_allowed


def _location(data: dict[str, Any]) -> dict[str, float | None]:
    location = data.get("location") or {}
    return {"lat": location.get("lat"), "lon": location.get("lon")}


def citizen_row(seq: int, data: dict[str, Any]) -> dict[str, Any]:
    needs = data.get("support_needs") or []
    return {
        "id": uuid.UUID(str(data["id"])),
        "municipality": data["municipality"],
        "target_group": data.get("target_group") or "other",
        "work_capacity_hours": float(data.get("work_capacity_hours") or 0.0),
        "skills": sorted({s["code"] for s in data.get("skills") or []}),
        "essential_support_needs": sorted({n["code"] for n in needs if n.get("essential")}),
        "other_support_needs": sorted({n["code"] for n in needs if not n.get("essential")}),
        "interests": sorted(set(data.get("interests") or [])),
        **_location(data),
        "consent": matching_allowed(data),
        "seq": seq,
    }


def opening_row(seq: int, data: dict[str, Any]) -> dict[str, Any]:
    skills = data.get("skills") or []
    hours = data.get("hours_per_week") or {}
    return {
        "id": uuid.UUID(str(data["id"])),
        "municipality": data["municipality"],
        "organisation_id": uuid.UUID(str(data["organisation_id"])),
        "occupation": data.get("occupation") or "",
        "essential_skills": sorted({s["code"] for s in skills if s.get("essential")}),
        "optional_skills": sorted({s["code"] for s in skills if not s.get("essential")}),
        "hours_min": float(hours.get("min") or 0.0),
        "hours_max": float(hours.get("max") or hours.get("min") or 37.0),
        "seats": int(data.get("seats") or 1),
        "support_offered": sorted(set(data.get("support_offered") or [])),
        "flexjob": bool(data.get("flexjob", False)),
        **_location(data),
        "status": data.get("status") or "open",
        "seq": seq,
    }


def partnership_row(seq: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": uuid.UUID(str(data["id"])),
        "municipality": data["municipality"],
        "company_id": uuid.UUID(str(data["company_id"])),
        "seq": seq,
    }


def enrolment_row(seq: int, data: dict[str, Any]) -> dict[str, Any]:
    milestones = data.get("milestones") or []

    def optional_uuid(key: str) -> uuid.UUID | None:
        return uuid.UUID(str(data[key])) if data.get(key) else None

    return {
        "id": uuid.UUID(str(data["id"])),
        "municipality": data["municipality"],
        "programme": data.get("programme") or "",
        "citizen_id": optional_uuid("citizen_id"),
        "organisation_id": optional_uuid("organisation_id"),
        "partnership_id": optional_uuid("partnership_id"),
        "milestones_total": len(milestones),
        "milestones_reached": sum(1 for m in milestones if m.get("reached_on")),
        "seq": seq,
    }
