"""/v1/municipalities — the tenants."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from registry.api.deps import Admin, CursorCodecDep, IdempotencyDep, PageParamsDep, RegistryReader, SessionDep
from registry.domain.municipality import country_of
from registry.repository import municipalities as repo
from registry.repository.outbox import record_change
from registry.schemas.municipalities import MunicipalityCreate, MunicipalityRead, MunicipalityUpdate
from servicekit.errors import Conflict, NotFound
from servicekit.etag import IfMatchHeader, check_version, etag_for, parse_if_match, stale
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/municipalities", tags=["municipalities"])
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid token"},
    403: {"description": "Token lacks the scope"},
    404: {"description": "No such municipality (or not yours)"},
    422: {"description": "Invalid input; `errors` names each field"},
}


def _read(row: Any) -> MunicipalityRead:
    return MunicipalityRead(
        code=row.code, name=row.name, country=row.country, created_at=row.created_at, updated_at=row.updated_at
    )


def _feed_data(row: Any) -> dict[str, Any]:
    return {"code": row.code, "name": row.name, "country": row.country}


@router.post(
    "", status_code=201, response_model=MunicipalityRead, responses={**ERRORS, 409: {"description": "Code exists"}}
)
async def create_municipality(
    body: MunicipalityCreate, session: SessionDep, principal: Admin, idem: IdempotencyDep, response: Response
) -> Any:
    """Create a municipality (admin)."""
    if replay := await idem.replay():
        return replay
    row = await repo.create(session, code=body.code, name=body.name, country=country_of(body.code))
    if row is None:
        raise Conflict(f"Municipality {body.code} exists already.")
    await record_change(
        session, entity="municipality", entity_id=row.code, op="upsert", municipality=row.code, data=_feed_data(row)
    )
    response.headers["ETag"] = etag_for(row.version)
    response.headers["Location"] = f"/v1/municipalities/{row.code}"
    return await idem.remember(201, _read(row))


@router.get("", response_model=Page[MunicipalityRead], responses=ERRORS)
async def list_municipalities(
    session: SessionDep, principal: RegistryReader, page: PageParamsDep, codec: CursorCodecDep
) -> Any:
    """List municipalities (a municipal client sees its own)."""
    after = codec.decode(page.cursor, kind="municipalities")["code"] if page.cursor else None
    rows = await repo.list_page(
        session, after_code=after, limit=page.limit + 1, tenant=None if principal.is_national else principal.tenant
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = codec.encode({"code": rows[-1].code}, kind="municipalities") if more else None
    return Page[MunicipalityRead](items=[_read(r) for r in rows], next_cursor=cursor)


@router.get("/{code}", response_model=MunicipalityRead, responses=ERRORS)
async def get_municipality(code: str, session: SessionDep, principal: RegistryReader, response: Response) -> Any:
    """Read one municipality."""
    principal.require_visible(code, "Municipality")
    row = await repo.get(session, code)
    if row is None:
        raise NotFound("Municipality not found.")
    response.headers["ETag"] = etag_for(row.version)
    return _read(row)


@router.patch(
    "/{code}",
    response_model=MunicipalityRead,
    responses={**ERRORS, 412: {"description": "Stale ETag"}, 428: {"description": "If-Match missing"}},
)
async def update_municipality(
    code: str,
    body: MunicipalityUpdate,
    session: SessionDep,
    principal: Admin,
    if_match: IfMatchHeader,
    response: Response,
) -> Any:
    """Rename a municipality (admin; If-Match required)."""
    expected = parse_if_match(if_match)
    current = await repo.get(session, code)
    if current is None:
        raise NotFound("Municipality not found.")
    check_version(expected, current.version)
    row = await repo.update(session, code, expected_version=expected, values=body.model_dump(exclude_unset=True))
    if row is None:
        stale()
    await record_change(
        session, entity="municipality", entity_id=row.code, op="upsert", municipality=row.code, data=_feed_data(row)
    )
    response.headers["ETag"] = etag_for(row.version)
    return _read(row)
