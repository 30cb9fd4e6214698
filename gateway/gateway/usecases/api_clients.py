"""API clients of the gateway: create, list, read, revoke (the operations behind /v1/clients)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.auth import Principal
from servicekit.domain_errors import Forbidden, NotFound

from ..domain.passwords import hash_secret, new_client_id, new_client_secret
from ..schemas.api_clients import ClientRead
from ..store import api_clients as store


def visible_tenant(principal: Principal) -> str | None:
    """A municipality's admin sees and manages only its own municipality's clients."""
    return None if principal.is_national else principal.tenant


async def create_client(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    tenant: str,
    scopes: list[str],
    confirm_municipality: Callable[[str], Awaitable[None]],
) -> tuple[ClientRead, str]:
    """The new client and its secret (returned once, stored only as a hash); a municipal tenant
    must exist (`confirm_municipality` raises 422 naming `tenant` when the registry lacks it)."""
    if not principal.is_national and tenant != principal.tenant:
        raise Forbidden("An admin of a municipality may only create clients for that municipality.")
    if tenant != "*":
        await confirm_municipality(tenant)
    secret = new_client_secret()
    client = await store.create_client(
        session,
        client_id=new_client_id(),
        name=name,
        tenant=tenant,
        scopes=scopes,
        secret_hash=await hash_secret(secret),
    )
    return client, secret


async def list_clients(
    session: AsyncSession, principal: Principal, *, after: str | None, limit: int
) -> list[ClientRead]:
    return await store.list_clients(session, tenant=visible_tenant(principal), after=after, limit=limit)


async def get_client(session: AsyncSession, principal: Principal, client_id: str) -> ClientRead:
    client = await store.get_client(session, client_id, tenant=visible_tenant(principal))
    if client is None:
        raise NotFound("Client not found.")
    return client


async def revoke_client(session: AsyncSession, principal: Principal, client_id: str) -> None:
    if not await store.revoke_client(session, client_id, tenant=visible_tenant(principal)):
        raise NotFound("Client not found.")
