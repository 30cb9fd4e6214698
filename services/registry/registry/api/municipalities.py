"""/v1/municipalities — the tenants."""

from __future__ import annotations

from fastapi import APIRouter, Response

from registry.api.common import created, tagged
from registry.api.deps import Admin, CursorCodecDep, IfMatch, PageParamsDep, RegistryReader, SessionDep
from registry.schemas.municipalities import MunicipalityCreate, MunicipalityRead, MunicipalityUpdate
from registry.usecases import municipalities as usecase
from servicekit.etag import parse_if_match
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS
from servicekit.pagination import Keyset, Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/municipalities", tags=["municipalities"])
KIND = "municipalities"


@router.post(
    "", status_code=201, response_model=MunicipalityRead, responses={**ERRORS, 409: {"description": "Code exists"}}
)
@idempotent
async def create_municipality(
    body: MunicipalityCreate, session: SessionDep, principal: Admin, response: Response
) -> MunicipalityRead:
    """Create a municipality (admin)."""
    found = await usecase.create_municipality(session, body)
    return created(response, found, location=f"/v1/municipalities/{found.resource.code}")


@router.get("", response_model=Page[MunicipalityRead], responses=ERRORS)
async def list_municipalities(
    session: SessionDep, principal: RegistryReader, page: PageParamsDep, codec: CursorCodecDep
) -> Page[MunicipalityRead]:
    """List municipalities (a municipal client sees its own)."""
    keyset = Keyset.by_text(KIND, "code")
    items, more_after = await usecase.list_municipalities(
        session,
        after_code=keyset.start(codec, page.cursor),
        limit=page.limit,
        tenant=None if principal.is_national else principal.tenant,
    )
    return Page[MunicipalityRead](items=items, next_cursor=keyset.cursor(codec, more_after))


@router.get("/{code}", response_model=MunicipalityRead, responses=ERRORS)
async def get_municipality(
    code: str, session: SessionDep, principal: RegistryReader, response: Response
) -> MunicipalityRead:
    """Read one municipality."""
    principal.require_visible(code, "Municipality")
    return tagged(response, await usecase.get_municipality(session, code))


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
    if_match: IfMatch,
    response: Response,
) -> MunicipalityRead:
    """Rename a municipality (admin; If-Match required)."""
    found = await usecase.update_municipality(session, code, body, expected=parse_if_match(if_match))
    return tagged(response, found)
