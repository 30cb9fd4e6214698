"""What the running service holds in memory: the taxonomy, its skill space and the active model."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from matching import repository as repo
from matching.domain.ranking import ScoringModel, TrainedModel, WeightedDefaultModel
from matching.domain.skill_space import SkillSpace
from taxonomy import Taxonomy


@dataclass(frozen=True)
class ModelInUse:
    id: uuid.UUID | None
    model: ScoringModel

    @property
    def name(self) -> str:
        return str(self.model.name)


@dataclass
class Engine:
    taxonomy: Taxonomy
    space: SkillSpace
    default_model: WeightedDefaultModel = field(default_factory=WeightedDefaultModel)
    _cached: ModelInUse | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def model(self, session: AsyncSession) -> ModelInUse:
        """The active trained model, or the weighted default while none is active.

        Checked per request (one indexed look-up) so that every replica switches when a model is
        activated; the model itself is loaded once per version.
        """
        active = await repo.active_model_id(session)
        if active is None:
            return ModelInUse(None, self.default_model)
        cached = self._cached
        if cached is not None and cached.id == active:
            return cached
        async with self._lock:
            blob = await repo.model_blob(session, active)
            loaded = ModelInUse(active, await asyncio.to_thread(TrainedModel.from_bytes, blob))
            self._cached = loaded
            return loaded
