"""What matching holds about a citizen, as one document for the registry's export (GDPR art. 15/20)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from matching.domain.personal_data import Actor, access_entry
from matching.schemas.decisions import DecisionRead
from matching.schemas.exports import CitizenFeaturesRead, MatchingExport
from matching.schemas.recommendation_logs import RecommendationLogRead
from matching.store import access_outbox, profiles
from matching.store import recommendation_logs as store


async def export_citizen(session: AsyncSession, citizen_id: uuid.UUID, actor: Actor) -> MatchingExport:
    row = await profiles.citizen_features_row(session, citizen_id)
    logs = await store.logs_of(session, citizen_id)
    decided = await store.decisions_of(session, citizen_id)
    if row is not None or logs or decided:
        await access_outbox.add(session, [access_entry(str(citizen_id), "export", datetime.now(UTC), actor=actor)])
    return MatchingExport(
        citizen_id=citizen_id,
        features=None if row is None else CitizenFeaturesRead.model_validate(row, from_attributes=True),
        recommendation_logs=[RecommendationLogRead.model_validate(r, from_attributes=True) for r in logs],
        decisions=[DecisionRead.model_validate(r, from_attributes=True) for r in decided],
    )
