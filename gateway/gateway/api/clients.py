"""/v1/clients: API clients of the gateway (scope admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from servicekit.auth import Principal, require_scope
from servicekit.db import SystemSessionDep
from servicekit.idempotency import idempotent_system
from servicekit.pagination import CursorCodecDep, Keyset, Page, PageParamsDep
from servicekit.routing import JsonRoute

from ..clients.registry_municipalities import require_municipality
from ..schemas.api_clients import ClientCreate, ClientCreated, ClientRead
from ..usecases import api_clients
from .deps import ForwarderDep

router = APIRouter(route_class=JsonRoute, prefix="/v1/clients", tags=["clients"])

AdminDep = Annotated[Principal, require_scope("admin")]
ClientIdPath = Annotated[str, Path(max_length=256, description="The client's id")]
CURSOR_KIND = "clients"


@router.post(
    "",
    status_code=201,
    response_model=ClientCreated,
    responses={
        422: {"description": "Invalid input, or `tenant` names a municipality the registry does not hold"},
        503: {"description": "The registry could not confirm the municipality"},
    },
)
@idempotent_system(sealed=True)
async def create_client(
    body: ClientCreate, principal: AdminDep, session: SystemSessionDep, forwarder: ForwarderDep, request: Request
) -> ClientCreated:
    """Create an API client for an existing municipality (or `*`); the secret is in this answer only
    (a replay under the same Idempotency-Key answers it again: stored encrypted under that key)."""

    async def confirm_municipality(code: str) -> None:
        authorization = request.headers.get("Authorization", "")
        await require_municipality(
            forwarder.session, forwarder.base_urls()["registry"], code, authorization=authorization
        )

    client, secret = await api_clients.create_client(
        session,
        principal,
        name=body.name,
        tenant=body.tenant,
        scopes=body.scopes,
        confirm_municipality=confirm_municipality,
    )
    return ClientCreated(**client.model_dump(), client_secret=secret)


@router.get("", response_model=Page[ClientRead])
async def list_clients(
    principal: AdminDep, session: SystemSessionDep, page: PageParamsDep, codec: CursorCodecDep
) -> Page[ClientRead]:
    """List API clients (revoked ones included, with `revoked_at`)."""
    keyset = Keyset.by_text(CURSOR_KIND, "after")
    clients = await api_clients.list_clients(
        session, principal, after=keyset.start(codec, page.cursor), limit=page.limit + 1
    )
    items, next_cursor = keyset.page(codec, page.limit, clients, lambda client: client.client_id)
    return Page[ClientRead](items=items, next_cursor=next_cursor)


@router.get("/{client_id}", response_model=ClientRead)
async def get_client(client_id: ClientIdPath, principal: AdminDep, session: SystemSessionDep) -> ClientRead:
    """One API client."""
    return await api_clients.get_client(session, principal, client_id)


@router.delete("/{client_id}", status_code=204, response_class=Response)
async def revoke_client(client_id: ClientIdPath, principal: AdminDep, session: SystemSessionDep) -> Response:
    """Revoke an API client: it gets no new tokens (issued ones expire within the token TTL)."""
    await api_clients.revoke_client(session, principal, client_id)
    return Response(status_code=204)
