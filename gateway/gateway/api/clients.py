"""/v1/clients: API clients of the gateway (scope admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from servicekit.auth import Principal, require_scope
from servicekit.db import SystemSessionDep
from servicekit.pagination import CursorCodecDep, Page, PageParamsDep
from servicekit.routing import JsonRoute

from ..schemas.api_clients import ClientCreate, ClientCreated, ClientRead
from ..usecases import api_clients

router = APIRouter(route_class=JsonRoute, prefix="/v1/clients", tags=["clients"])

AdminDep = Annotated[Principal, require_scope("admin")]
ClientIdPath = Annotated[str, Path(max_length=256, description="The client's id")]
CURSOR_KIND = "clients"


@router.post("", status_code=201, response_model=ClientCreated)
async def create_client(body: ClientCreate, principal: AdminDep, session: SystemSessionDep) -> ClientCreated:
    """Create an API client; the secret is in this answer only."""
    client, secret = await api_clients.create_client(
        session, principal, name=body.name, tenant=body.tenant, scopes=body.scopes
    )
    return ClientCreated(**vars(client), client_secret=secret)


@router.get("", response_model=Page[ClientRead])
async def list_clients(
    principal: AdminDep, session: SystemSessionDep, page: PageParamsDep, codec: CursorCodecDep
) -> Page[ClientRead]:
    """List API clients (revoked ones included, with `revoked_at`)."""
    after = str(codec.decode(page.cursor, kind=CURSOR_KIND)["after"]) if page.cursor else None
    clients = await api_clients.list_clients(session, principal, after=after, limit=page.limit + 1)
    items = [ClientRead(**vars(client)) for client in clients[: page.limit]]
    next_cursor = codec.encode({"after": items[-1].client_id}, kind=CURSOR_KIND) if len(clients) > page.limit else None
    return Page[ClientRead](items=items, next_cursor=next_cursor)


@router.get("/{client_id}", response_model=ClientRead)
async def get_client(client_id: ClientIdPath, principal: AdminDep, session: SystemSessionDep) -> ClientRead:
    """One API client."""
    client = await api_clients.get_client(session, principal, client_id)
    return ClientRead(**vars(client))


@router.delete("/{client_id}", status_code=204, response_class=Response)
async def revoke_client(client_id: ClientIdPath, principal: AdminDep, session: SystemSessionDep) -> Response:
    """Revoke an API client: it gets no new tokens (issued ones expire within the token TTL)."""
    await api_clients.revoke_client(session, principal, client_id)
    return Response(status_code=204)
