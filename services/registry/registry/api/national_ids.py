"""/internal/v1/citizens:resolve-national-ids — national ids in, citizen ids by position out (scope internal)."""

from __future__ import annotations

from fastapi import APIRouter

from registry.api.deps import Internal, RequestId, SessionDep, VaultDep
from registry.schemas.national_ids import NationalIdResolution, NationalIdResolve
from registry.usecases.national_id_lookup import resolve_national_ids
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/internal/v1/citizens:resolve-national-ids", tags=["internal"])


@router.post("", response_model=NationalIdResolution)
async def resolve(
    body: NationalIdResolve, session: SessionDep, principal: Internal, vault: VaultDep, request_id: RequestId
) -> NationalIdResolution:
    """The citizen holding each national id in the municipality, by position: no national id comes back."""
    return await resolve_national_ids(
        session,
        municipality=body.municipality,
        national_ids=body.national_ids,
        vault=vault,
        principal=principal,
        request_id=request_id,
    )
