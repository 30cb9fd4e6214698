"""Why a pair scored what it did: skills matched and missing (with labels), support, hours, distance."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from taxonomy import Taxonomy

from .features import FEATURES
from .profiles import CitizenProfile, OpeningProfile

# The contributions hold the model's intercept under this name: with it they add up to the score's
# log-odds, logit(score), in the model's own terms.
INTERCEPT = "intercept"


@dataclass(frozen=True)
class Explanation:
    matched_skills: list[dict[str, Any]]
    missing_skills: list[dict[str, Any]]
    unmet_support_needs: list[dict[str, Any]]
    hours_fit: dict[str, Any]
    distance_km: float | None
    contributions: dict[str, float]
    features: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "matched_skills": self.matched_skills,
            "missing_skills": self.missing_skills,
            "unmet_support_needs": self.unmet_support_needs,
            "hours_fit": self.hours_fit,
            "distance_km": self.distance_km,
            "contributions": self.contributions,
            "features": self.features,
        }


# An opening's skill as explanations list it: (code, label, essential).
RequiredSkill = tuple[str, str, bool]


def required_skills(taxonomy: Taxonomy, opening: OpeningProfile) -> list[RequiredSkill]:
    """The opening's skills in the order explanations list them: essential ones, then optional
    ones, each by code, with their labels."""
    required = [(code, True) for code in sorted(opening.essential_skills)]
    required += [(code, False) for code in sorted(opening.optional_skills - opening.essential_skills)]
    return [(code, taxonomy.skill_label(code), essential) for code, essential in required]


def skill_lists(
    taxonomy: Taxonomy,
    citizen: CitizenProfile,
    opening: OpeningProfile,
    credits: Mapping[str, float] | None = None,
    *,
    required: Sequence[RequiredSkill] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(matched, missing) skills of the opening; `required`: its `required_skills` when kept."""
    matched: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    for code, label, essential in required if required is not None else required_skills(taxonomy, opening):
        credit = credits[code] if credits is not None else taxonomy.skill_credit(citizen.skills, code)
        item: dict[str, Any] = {"code": code, "label": label, "essential": essential}
        if credit > 0:
            matched.append({**item, "credit": credit})
        else:
            missing.append(item)
    return matched, missing


def explain(
    taxonomy: Taxonomy,
    citizen: CitizenProfile,
    opening: OpeningProfile,
    *,
    feature_values: list[float],
    contributions: list[float],
    intercept: float,
    distance_km: float,
    credits: Mapping[str, float] | None = None,
    required: Sequence[RequiredSkill] | None = None,
) -> Explanation:
    """Explanation of one scored pair, from its features and the model's contributions.

    `credits`: the citizen's credit towards each of the opening's skills when already computed;
    `required`: the opening's `required_skills` when kept (a catalogue keeps them).
    """
    matched, missing = skill_lists(taxonomy, citizen, opening, credits, required=required)
    needs = [(code, True) for code in sorted(citizen.essential_support_needs)]
    needs += [(code, False) for code in sorted(citizen.other_support_needs - citizen.essential_support_needs)]
    unmet = [{"code": code, "essential": essential} for code, essential in needs if code not in opening.support_offered]
    return Explanation(
        matched_skills=matched,
        missing_skills=missing,
        unmet_support_needs=unmet,
        hours_fit={
            "capacity_hours": citizen.work_capacity_hours,
            "opening_min_hours": opening.hours_min,
            "opening_max_hours": opening.hours_max,
            "fits": citizen.work_capacity_hours >= opening.hours_min,
            "value": round(feature_values[FEATURES.index("hours_fit")], 4),
        },
        distance_km=None if math.isnan(distance_km) else round(distance_km, 2),
        contributions={
            INTERCEPT: round(intercept, 4),
            **{name: round(value, 4) for name, value in zip(FEATURES, contributions, strict=True)},
        },
        features={name: round(value, 4) for name, value in zip(FEATURES, feature_values, strict=True)},
    )
