"""/internal/v1/changes — the ordered change feed that matching and outcomes follow."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from registry.api.deps import Internal, SessionDep
from registry.repository.outbox import read_changes_json
from servicekit.errors import FieldError, ValidationFailed
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/internal/v1/changes", tags=["internal"])


class Change(BaseModel):
    seq: int
    entity: str
    entity_id: str
    op: str
    municipality: str | None
    occurred_at: str
    data: dict[str, Any] | None


class ChangePage(BaseModel):
    items: list[Change]
    next_cursor: str
    head: int


def _position(after: str | None) -> int:
    if after is None or after == "":
        return 0
    if not after.isdigit():
        raise ValidationFailed(
            "`after` must be a cursor from this feed.", errors=[FieldError("query.after", "not a feed cursor")]
        )
    return int(after)


@router.get("", response_model=ChangePage)
async def read_feed(
    session: SessionDep,
    principal: Internal,
    after: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Response:
    """Changes after a cursor, in commit order (scope internal)."""
    position = _position(after)
    page = await read_changes_json(session, after=position, limit=limit)
    next_cursor = page.last if page.last is not None else position
    # ChangePage's shape, assembled around the items PostgreSQL serialised (see read_changes_json).
    body = f'{{"items":{page.items},"next_cursor":"{next_cursor}","head":{page.head}}}'
    return Response(content=body, media_type="application/json")
