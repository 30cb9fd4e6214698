"""/v1/citizens/{id}/consents — consent per purpose, with its history."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from registry.api.deps import CitizensReader, CitizensWriter, Purpose, RequestId, SessionDep
from registry.schemas.consent import ConsentEventCreate, ConsentRead
from registry.usecases import consent as usecase
from registry.usecases.actors import Actor
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/citizens", tags=["citizens"])


@router.post(
    "/{citizen_id}/consents",
    status_code=201,
    response_model=ConsentRead,
    responses={**ERRORS, 409: {"description": "Withdrawing a consent that is not in force"}},
)
@idempotent
async def record_consent(
    citizen_id: uuid.UUID,
    body: ConsentEventCreate,
    session: SessionDep,
    principal: CitizensWriter,
    request_id: RequestId,
) -> ConsentRead:
    """Record a grant or withdrawal of consent for a purpose (how, by whom), or the legal basis used instead."""
    return await usecase.record_consent(
        session, citizen_id, body, tenant=principal.tenant, actor=Actor.of(principal, request_id)
    )


@router.get("/{citizen_id}/consents", response_model=ConsentRead, responses=ERRORS)
async def read_consent(
    citizen_id: uuid.UUID, session: SessionDep, principal: CitizensReader, purpose: Purpose, request_id: RequestId
) -> ConsentRead:
    """The state of each purpose (matching, sharing_with_employer, evaluation) and the events behind it (audited)."""
    actor = Actor.of(principal, request_id)
    return await usecase.read_consent(session, citizen_id, tenant=principal.tenant, actor=actor, purpose=purpose)
