"""/v1/citizens — citizens in the target group; personal data audited on every read."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from registry.api.common import BATCH_ERRORS, CREATE_ERRORS, UPDATE_ERRORS, create_located, listed, tagged
from registry.api.deps import (
    Admin,
    CitizensReader,
    CitizensWriter,
    CodeBookDep,
    CursorCodecDep,
    FollowersDep,
    IfMatch,
    PageParamsDep,
    Purpose,
    RequestId,
    SessionDep,
    VaultDep,
)
from registry.schemas.batch import CITIZENS_BATCH_EXAMPLE
from registry.schemas.citizens import CitizenCreate, CitizenExport, CitizenRead, CitizenUpdate, TargetGroup
from registry.schemas.erasure import ErasureProgress, ErasureRequest, ErasureResult
from registry.usecases import citizens as usecase
from registry.usecases import erasure
from registry.usecases.actors import Actor
from registry.usecases.citizen_batch import upsert_citizens
from registry.usecases.results import Versioned
from servicekit.batch import BatchRequest, BatchResult
from servicekit.etag import parse_if_match
from servicekit.idempotency import idempotent
from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN
from servicekit.openapi import ERRORS
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/citizens", tags=["citizens"])
KIND = "citizens"


@router.post("", status_code=201, response_model=CitizenRead, responses=CREATE_ERRORS)
@idempotent
async def create_citizen(
    body: CitizenCreate,
    session: SessionDep,
    principal: CitizensWriter,
    book: CodeBookDep,
    vault: VaultDep,
    response: Response,
) -> CitizenRead:
    """Register a citizen (409 if the external_ref or national id is taken; use `citizens:batch` to upsert)."""

    async def make() -> Versioned[CitizenRead]:
        municipality = principal.municipality_for_write(body.municipality)
        return await usecase.create_citizen(session, body, municipality=municipality, book=book, vault=vault)

    return await create_located(response, make, collection="/v1/citizens")


@router.post(":batch", openapi_extra=CITIZENS_BATCH_EXAMPLE, response_model=BatchResult, responses=BATCH_ERRORS)
@idempotent
async def batch_citizens(
    body: BatchRequest,
    session: SessionDep,
    principal: CitizensWriter,
    book: CodeBookDep,
    vault: VaultDep,
) -> BatchResult:
    """Upsert up to 1,000 citizens by (municipality, external_ref); one result per item."""
    return await upsert_citizens(
        session, body.items, municipality_for=principal.municipality_for_write, book=book, vault=vault
    )


@router.get("", response_model=Page[CitizenRead], responses=ERRORS)
async def list_citizens(
    session: SessionDep,
    principal: CitizensReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    purpose: Purpose,
    request_id: RequestId,
    municipality: Annotated[str | None, Query(pattern=MUNICIPALITY_CODE_PATTERN)] = None,
    target_group: Annotated[TargetGroup | None, Query()] = None,
    partnership_id: Annotated[uuid.UUID | None, Query(description="Citizens enrolled in this partnership")] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Page[CitizenRead]:
    """List citizens, oldest first (each citizen returned is written to the audit log)."""
    return await listed(
        codec,
        page,
        kind=KIND,
        fetch=lambda after, limit: usecase.list_citizens(
            session,
            principal=principal,
            after=after,
            limit=limit,
            purpose=purpose,
            request_id=request_id,
            municipality=municipality,
            target_group=target_group,
            partnership_id=partnership_id,
            updated_since=updated_since,
        ),
    )


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
async def erase_citizen(
    citizen_id: uuid.UUID, session: SessionDep, principal: CitizensWriter, purpose: Purpose, request_id: RequestId
) -> Response:
    """Erase the citizen's personal data everywhere in the registry (GDPR art. 17; again: 204, no change)."""
    await usecase.erase_citizen(session, citizen_id, principal=principal, purpose=purpose, request_id=request_id)
    return Response(status_code=204)


@router.post(":erase", response_model=ErasureResult, responses=ERRORS)
@idempotent
async def erase_citizens(
    body: ErasureRequest, session: SessionDep, principal: CitizensWriter, purpose: Purpose, request_id: RequestId
) -> ErasureResult:
    """Erase up to 1,000 citizens (retention, batches of requests); one result per id."""
    actor = Actor.of(principal, request_id)
    return await erasure.erase_citizens(session, body.ids, tenant=principal.tenant, actor=actor, purpose=purpose)


@router.get("/{citizen_id}/erasure", response_model=ErasureProgress, responses=ERRORS)
async def erasure_progress(
    citizen_id: uuid.UUID, session: SessionDep, principal: CitizensWriter, followers: FollowersDep
) -> ErasureProgress:
    """Whether the citizen's erasure has reached matching and outcomes: `pending` until both applied it."""
    return await erasure.erasure_progress(session, citizen_id, tenant=principal.tenant, followers=followers)


@router.get("/{citizen_id}/export", response_model=CitizenExport, responses=ERRORS)
async def export_citizen(
    citizen_id: uuid.UUID,
    session: SessionDep,
    principal: Admin,
    vault: VaultDep,
    followers: FollowersDep,
    purpose: Purpose,
    request_id: RequestId,
) -> CitizenExport:
    """Everything every service holds about a citizen, national id included (admin; GDPR art. 15/20)."""
    return await usecase.export_citizen(
        session,
        citizen_id,
        principal=principal,
        vault=vault,
        followers=followers,
        purpose=purpose,
        request_id=request_id,
    )
