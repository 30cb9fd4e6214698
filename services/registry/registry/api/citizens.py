"""/v1/citizens — citizens in the target group; personal data audited on every read."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from registry.api.common import CREATE_ERRORS, ERRORS, UPDATE_ERRORS, created, decode_position, page_of, tagged
from registry.api.deps import (
    Admin,
    CitizensReader,
    CitizensWriter,
    CodeBookDep,
    CursorCodecDep,
    IdempotencyDep,
    IfMatch,
    PageParamsDep,
    Purpose,
    RequestId,
    SessionDep,
    VaultDep,
)
from registry.schemas.batch import CITIZENS_BATCH_EXAMPLE, BatchRequest, BatchResult
from registry.schemas.citizens import CitizenCreate, CitizenExport, CitizenRead, CitizenUpdate, TargetGroup
from registry.usecases import citizens as usecase
from registry.usecases.citizen_batch import upsert_citizens
from servicekit.etag import parse_if_match
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/citizens", tags=["citizens"])
KIND = "citizens"


@router.post("", status_code=201, response_model=CitizenRead, responses=CREATE_ERRORS)
async def create_citizen(
    body: CitizenCreate,
    session: SessionDep,
    principal: CitizensWriter,
    idem: IdempotencyDep,
    book: CodeBookDep,
    vault: VaultDep,
    response: Response,
) -> CitizenRead | JSONResponse:
    """Register a citizen (409 if the external_ref or national id is taken; use `citizens:batch` to upsert)."""
    if replay := await idem.replay():
        return replay
    municipality = principal.municipality_for_write(body.municipality)
    found = await usecase.create_citizen(session, body, municipality=municipality, book=book, vault=vault)
    return await idem.remember(201, created(response, found, location=f"/v1/citizens/{found.resource.id}"))


@router.post(
    ":batch",
    openapi_extra=CITIZENS_BATCH_EXAMPLE,
    response_model=BatchResult,
    responses={**ERRORS, 409: {"description": "Idempotency-Key in use"}},
)
async def batch_citizens(
    body: BatchRequest,
    session: SessionDep,
    principal: CitizensWriter,
    idem: IdempotencyDep,
    book: CodeBookDep,
    vault: VaultDep,
) -> BatchResult | JSONResponse:
    """Upsert up to 1,000 citizens by (municipality, external_ref); one result per item."""
    if replay := await idem.replay():
        return replay
    result = await upsert_citizens(
        session, body.items, municipality_for=principal.municipality_for_write, book=book, vault=vault
    )
    return await idem.remember(200, result)


@router.get("", response_model=Page[CitizenRead], responses=ERRORS)
async def list_citizens(
    session: SessionDep,
    principal: CitizensReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    purpose: Purpose,
    request_id: RequestId,
    municipality: Annotated[str | None, Query()] = None,
    target_group: Annotated[TargetGroup | None, Query()] = None,
    partnership_id: Annotated[uuid.UUID | None, Query(description="Citizens enrolled in this partnership")] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Page[CitizenRead]:
    """List citizens, oldest first (each citizen returned is written to the audit log)."""
    found = await usecase.list_citizens(
        session,
        principal=principal,
        after=decode_position(codec, page.cursor, kind=KIND),
        limit=page.limit,
        purpose=purpose,
        request_id=request_id,
        municipality=municipality,
        target_group=target_group,
        partnership_id=partnership_id,
        updated_since=updated_since,
    )
    return page_of(codec, found, kind=KIND)


@router.get("/{citizen_id}", response_model=CitizenRead, responses=ERRORS)
async def get_citizen(
    citizen_id: uuid.UUID,
    session: SessionDep,
    principal: CitizensReader,
    purpose: Purpose,
    request_id: RequestId,
    response: Response,
) -> CitizenRead:
    """Read one citizen (written to the audit log with the X-Purpose header)."""
    found = await usecase.get_citizen(session, citizen_id, principal=principal, purpose=purpose, request_id=request_id)
    return tagged(response, found)


@router.patch(
    "/{citizen_id}", response_model=CitizenRead, responses={**UPDATE_ERRORS, 409: {"description": "National id taken"}}
)
async def update_citizen(
    citizen_id: uuid.UUID,
    body: CitizenUpdate,
    session: SessionDep,
    principal: CitizensWriter,
    book: CodeBookDep,
    vault: VaultDep,
    if_match: IfMatch,
    purpose: Purpose,
    request_id: RequestId,
    response: Response,
) -> CitizenRead:
    """Change a citizen (If-Match required; audited like a read); a new national_id replaces the stored one."""
    found = await usecase.update_citizen(
        session,
        citizen_id,
        body,
        principal=principal,
        expected=parse_if_match(if_match),
        book=book,
        vault=vault,
        purpose=purpose,
        request_id=request_id,
    )
    return tagged(response, found)


@router.delete("/{citizen_id}", status_code=204, responses=ERRORS)
async def erase_citizen(citizen_id: uuid.UUID, session: SessionDep, principal: CitizensWriter) -> Response:
    """Erase the citizen's personal data (GDPR art. 17); matching and outcomes learn it from the feed."""
    await usecase.erase_citizen(session, citizen_id, tenant=principal.tenant)
    return Response(status_code=204)


@router.get("/{citizen_id}/export", response_model=CitizenExport, responses=ERRORS)
async def export_citizen(
    citizen_id: uuid.UUID,
    session: SessionDep,
    principal: Admin,
    vault: VaultDep,
    purpose: Purpose,
    request_id: RequestId,
) -> CitizenExport:
    """Everything held about a citizen, national id included (admin; GDPR art. 15/20)."""
    return await usecase.export_citizen(
        session, citizen_id, principal=principal, vault=vault, purpose=purpose, request_id=request_id
    )
