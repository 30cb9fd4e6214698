"""/v1/clients: API clients of the gateway (scope admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from servicekit.auth import Principal, require_scope
from servicekit.db import SystemSessionDep
from servicekit.errors import Forbidden, NotFound
from servicekit.pagination import CursorCodecDep, Page, PageParamsDep
from servicekit.routing import JsonRoute

from .. import repository
from ..passwords import hash_secret, new_client_id, new_client_secret
from ..schemas import ClientCreate, ClientCreated, ClientRead

router = APIRouter(route_class=JsonRoute, prefix="/v1/clients", tags=["clients"])

AdminDep = Annotated[Principal, require_scope("admin")]
ClientIdPath = Annotated[str, Path(max_length=256, description="The client's id")]
CURSOR_KIND = "clients"


def _visible_tenant(principal: Principal) -> str | None:
    """A municipality's admin sees and manages only its own municipality's clients."""
    return None if principal.is_national else principal.tenant


@router.post("", status_code=201, response_model=ClientCreated)
async def create_client(body: ClientCreate, principal: AdminDep, session: SystemSessionDep) -> ClientCreated:
    """Create an API client; the secret is in this answer only."""
    if not principal.is_national and body.tenant != principal.tenant:
        raise Forbidden("An admin of a municipality may only create clients for that municipality.")
    secret = new_client_secret()
    client = await repository.create_client(
        session,
        client_id=new_client_id(),
        name=body.name,
        tenant=body.tenant,
        scopes=body.scopes,
        secret_hash=await hash_secret(secret),
    )
    return ClientCreated(**vars(client), client_secret=secret)


@router.get("", response_model=Page[ClientRead])
async def list_clients(
    principal: AdminDep, session: SystemSessionDep, page: PageParamsDep, codec: CursorCodecDep
) -> Page[ClientRead]:
    """List API clients (revoked ones included, with `revoked_at`)."""
    after = str(codec.decode(page.cursor, kind=CURSOR_KIND)["after"]) if page.cursor else None
    clients = await repository.list_clients(
        session, tenant=_visible_tenant(principal), after=after, limit=page.limit + 1
    )
    items = [ClientRead(**vars(client)) for client in clients[: page.limit]]
    next_cursor = codec.encode({"after": items[-1].client_id}, kind=CURSOR_KIND) if len(clients) > page.limit else None
    return Page[ClientRead](items=items, next_cursor=next_cursor)


@router.get("/{client_id}", response_model=ClientRead)
async def get_client(client_id: ClientIdPath, principal: AdminDep, session: SystemSessionDep) -> ClientRead:
    """One API client."""
    client = await repository.get_client(session, client_id, tenant=_visible_tenant(principal))
    if client is None:
        raise NotFound("Client not found.")
    return ClientRead(**vars(client))


@router.delete("/{client_id}", status_code=204, response_class=Response)
async def revoke_client(client_id: ClientIdPath, principal: AdminDep, session: SystemSessionDep) -> Response:
    """Revoke an API client: it gets no new tokens (issued ones expire within the token TTL)."""
    if not await repository.revoke_client(session, client_id, tenant=_visible_tenant(principal)):
        raise NotFound("Client not found.")
    return Response(status_code=204)
