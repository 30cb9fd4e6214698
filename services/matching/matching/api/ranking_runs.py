"""/v1/ranking-runs — national ranking runs (exact scorer per commuting region, on Dask) and a citizen's list."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from matching.api.deps import ERRORS, ActorDep, Reader, SessionDep
from matching.schemas.ranking_runs import CitizenRankingRead, RankingRunPage
from matching.usecases import ranking_runs
from servicekit.pagination import CursorCodecDep, Keyset, PageParamsDep
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/ranking-runs", tags=["ranking-runs"])


KEYSET = Keyset.by_number("ranking-runs", "version")


@router.get("", response_model=RankingRunPage, responses=ERRORS)
async def list_ranking_runs(
    session: SessionDep, principal: Reader, page: PageParamsDep, codec: CursorCodecDep
) -> RankingRunPage:
    """National ranking runs, newest first (started with `python -m matching.usecases.ranking_runs`)."""
    found = await ranking_runs.list_runs(session, before_version=KEYSET.start(codec, page.cursor), limit=page.limit + 1)
    items, next_cursor = KEYSET.page(codec, page.limit, found, lambda run: run.version)
    return RankingRunPage(items=items, next_cursor=next_cursor)


@router.get("/{run_id}/citizens/{citizen_id}", response_model=CitizenRankingRead, responses=ERRORS)
async def get_citizen_ranking(
    run_id: uuid.UUID, citizen_id: uuid.UUID, session: SessionDep, principal: Reader, actor: ActorDep
) -> CitizenRankingRead:
    """The citizen's top openings in that run (only the citizen's own municipality sees them)."""
    return await ranking_runs.citizen_ranking(session, run_id, citizen_id, actor)
