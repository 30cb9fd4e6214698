"""/internal/v1/changes — the ordered change feed that matching and outcomes follow."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from registry.api.deps import Internal, SessionDep
from registry.repository.outbox import head, read_changes
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
) -> ChangePage:
    """Changes after a cursor, in commit order (scope internal)."""
    position = _position(after)
    rows = await read_changes(session, after=position, limit=limit)
    items = [
        Change(
            seq=r.seq,
            entity=r.entity,
            entity_id=r.entity_id,
            op=r.op,
            municipality=r.municipality,
            occurred_at=r.occurred_at.isoformat(),
            data=r.data,
        )
        for r in rows
    ]
    next_position = items[-1].seq if items else position
    return ChangePage(items=items, next_cursor=str(next_position), head=await head(session))
