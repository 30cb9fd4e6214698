"""What the running service holds in memory: the taxonomy, its skill space, the active model and
each municipality's encoded opening catalogue."""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from matching import repository as repo
from matching.domain.ranking import ScoringModel, TrainedModel, WeightedDefaultModel
from matching.domain.recommend import OpeningCatalogue
from matching.domain.skill_space import SkillSpace
from servicekit.auth import NATIONAL
from servicekit.db import Database, set_tenant
from taxonomy import Taxonomy


@dataclass(frozen=True)
class ModelInUse:
    id: uuid.UUID | None
    model: ScoringModel

    @property
    def name(self) -> str:
        return str(self.model.name)


@dataclass
class CatalogueCache:
    """Each municipality's open openings, encoded with their retrieval index once per version.

    The version is the feed position of the last change to the municipality's openings (the feed
    consumer writes it with the changes), read per request in one indexed look-up, so every
    replica sees a change as soon as it is applied and a request only scores its own candidates.
    """

    space: SkillSpace
    max_municipalities: int = 128
    _entries: OrderedDict[str, tuple[int, OpeningCatalogue]] = field(default_factory=OrderedDict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def _cached(self, municipality: str, version: int) -> OpeningCatalogue | None:
        entry = self._entries.get(municipality)
        if entry is None or entry[0] != version:
            return None
        self._entries.move_to_end(municipality)
        return entry[1]

    async def get(self, session: AsyncSession, municipality: str, *, version: int | None = None) -> OpeningCatalogue:
        """The municipality's catalogue at its current version (built on the first request after a change);
        `version` when the caller has read it already."""
        if version is None:
            version = await repo.catalogue_version(session, municipality)
        cached = self._cached(municipality, version)
        if cached is not None:
            return cached
        async with self._locks.setdefault(municipality, asyncio.Lock()):  # one build per change, not one per request
            cached = self._cached(municipality, version)
            if cached is not None:
                return cached
            openings = await repo.open_openings(session, municipality)
            catalogue = await asyncio.to_thread(OpeningCatalogue.build, self.space, openings)
            self._entries[municipality] = (version, catalogue)
            self._entries.move_to_end(municipality)
            while len(self._entries) > self.max_municipalities:
                self._entries.popitem(last=False)
            return catalogue

    async def warm(self, database: Database, municipalities: Iterable[str] | None = None) -> None:
        """Build catalogues ahead of the requests that would otherwise wait for them: every
        municipality with open openings after start-up, the changed ones after a feed page.
        A build costs hundreds of milliseconds of CPU; paid here, no caseworker waits for it."""
        async with database.sessions() as session, session.begin():
            await set_tenant(session, NATIONAL)
            codes = (
                list(municipalities)
                if municipalities is not None
                else await repo.municipalities_with_open_openings(session)
            )
            for code in codes[: self.max_municipalities]:
                await self.get(session, code)


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
        return await self.model_by_id(session, await repo.active_model_id(session))

    async def model_by_id(self, session: AsyncSession, active: uuid.UUID | None) -> ModelInUse:
        """The model with this id (loaded once per version), or the weighted default for None."""
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
