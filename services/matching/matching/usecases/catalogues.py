"""Each municipality's encoded opening catalogue, cached per version and warmed in the background."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from matching.domain.recommend import OpeningCatalogue
from matching.domain.skill_space import SkillSpace
from matching.store import profiles
from servicekit.background import cancel
from servicekit.db import Database, set_tenant
from servicekit.municipalities import NATIONAL

log = structlog.get_logger("matching.catalogues")


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
            version = await profiles.catalogue_version(session, municipality)
        cached = self._cached(municipality, version)
        if cached is not None:
            return cached
        async with self._locks.setdefault(municipality, asyncio.Lock()):  # one build per change, not one per request
            cached = self._cached(municipality, version)
            if cached is not None:
                return cached
            openings = await profiles.open_openings(session, municipality)
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
                else await profiles.municipalities_with_open_openings(session)
            )
            for code in codes[: self.max_municipalities]:
                await self.get(session, code)


class CatalogueWarmer:
    """Builds opening catalogues in the background (see CatalogueCache.warm); one task at a time."""

    def __init__(self, catalogues: CatalogueCache, database: Database) -> None:
        self.catalogues = catalogues
        self.database = database
        self._task: asyncio.Task[None] | None = None
        self._pending: set[str] | None = set()  # None: every municipality

    def schedule(self, municipalities: set[str] | None) -> None:
        if municipalities is None or self._pending is None:
            self._pending = None
        else:
            self._pending |= municipalities
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="catalogue-warmer")

    async def _run(self) -> None:
        while self._pending is None or self._pending:
            wanted, self._pending = self._pending, set()
            try:
                await self.catalogues.warm(self.database, wanted)
            except Exception:  # a request builds what warming could not; keep the service up
                log.exception("catalogue_warm_failed")
                return

    async def stop(self) -> None:
        await cancel(self._task)
