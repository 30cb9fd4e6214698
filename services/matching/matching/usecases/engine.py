"""What the running service holds in memory: the taxonomy, its skill space, the active model and
each municipality's encoded opening catalogue."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from matching.domain.ranking import ScoringModel, TrainedModel, WeightedDefaultModel
from matching.domain.skill_space import SkillSpace
from matching.store import scoring_models
from taxonomy import Taxonomy, load_taxonomy

from .catalogues import CatalogueCache


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
    catalogues: CatalogueCache = field(init=False)
    _cached: ModelInUse | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.catalogues = CatalogueCache(self.space)

    async def model(self, session: AsyncSession) -> ModelInUse:
        """The active trained model, or the weighted default while none is active.

        Checked per request (one indexed look-up) so that every replica switches when a model is
        activated; the model itself is loaded once per version.
        """
        return await self.model_by_id(session, await scoring_models.active_model_id(session))

    async def model_by_id(self, session: AsyncSession, active: uuid.UUID | None) -> ModelInUse:
        """The model with this id (loaded once per version), or the weighted default for None."""
        if active is None:
            return ModelInUse(None, self.default_model)
        cached = self._cached
        if cached is not None and cached.id == active:
            return cached
        async with self._lock:
            blob = await scoring_models.model_blob(session, active)
            loaded = ModelInUse(active, await asyncio.to_thread(TrainedModel.from_bytes, blob))
            self._cached = loaded
            return loaded


def build_engine(esco_dir: Path | None) -> Engine:
    """Parse the taxonomy (ESCO ~2 s; the starter vocabulary without `esco_dir`) and build its skill space."""
    taxonomy = load_taxonomy(esco_dir)
    return Engine(taxonomy=taxonomy, space=SkillSpace(taxonomy))
