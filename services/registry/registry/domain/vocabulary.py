"""Closed vocabularies of the registry (target groups, kinds, statuses) and the open support-need one.

Support needs are an open vocabulary: the core codes below (DESIGN §1), plus a municipality's own
codes written `x-<slug>` (lower-case letters, digits, `-`, `_`; e.g. `x-sign-language`), so that
local needs can be recorded without a release while the core stays comparable across municipalities.
"""

from __future__ import annotations

import re

TARGET_GROUPS = (
    "flexjob",
    "disability_pension",
    "resource_programme",
    "cash_benefit",
    "integration",
    "sickness_benefit",
    "other",
)
CORE_SUPPORT_NEEDS = (
    "mentor",
    "flexible_hours",
    "reduced_pace",
    "physical_accessibility",
    "language_support",
    "quiet_environment",
    "mental_health_support",
    "transport",
    "job_coach",
    "assistive_technology",
    "written_instructions",
    "gradual_start",
)
CUSTOM_SUPPORT_NEED = re.compile(r"^x-[a-z0-9][a-z0-9_-]{0,62}$")
OPENING_STATUSES = ("open", "filled", "closed")
PARTNERSHIP_STATUSES = ("planned", "active", "ended")
# An investor funds a social impact bond up front and is repaid from outcome payments.
ORGANISATION_KINDS = ("company", "social_enterprise", "business_council", "provider", "municipal_unit", "investor")
PROGRAMMES = ("citizen_course", "company_accelerator")
ENROLMENT_PHASES = ("enrolled", "onboarding", "training", "placement", "follow_up", "completed", "dropped_out")
COUNTRIES = ("DK", "SE")
MIN_WEEKLY_HOURS = 1
MAX_WEEKLY_HOURS = 37


def is_support_need(code: str) -> bool:
    """A core support-need code or a custom `x-` code."""
    return code in CORE_SUPPORT_NEEDS or bool(CUSTOM_SUPPORT_NEED.fullmatch(code))
