"""Error responses shared by the matching endpoints (documented in OpenAPI)."""

from __future__ import annotations

from typing import Any

from matching.domain.explanation import Explanation
from matching.domain.recommend import Recommendation
from matching.engine import ModelInUse
from matching.schemas import ModelRef, RecommendationRead

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid bearer token", **PROBLEM},
    403: {"description": "The token lacks the scope", **PROBLEM},
    404: {"description": "Unknown id, or another municipality's", **PROBLEM},
    409: {"description": "The request cannot be served in the current state (e.g. no consent)", **PROBLEM},
    422: {"description": "Invalid parameters", **PROBLEM},
}


def model_ref(model: ModelInUse) -> ModelRef:
    return ModelRef(id=model.id, name=model.name)


def recommendation_read(item: Recommendation) -> RecommendationRead:
    explanation: Explanation = item.explanation
    return RecommendationRead.model_validate(
        {
            "citizen_id": item.citizen_id,
            "opening_id": item.opening_id,
            "score": item.score,
            "rank": item.rank,
            "explanation": explanation.as_dict(),
        }
    )
