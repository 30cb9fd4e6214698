"""Every SQL statement of the gateway: the API clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..schemas.api_clients import ClientRead
from .tables import api_clients


@dataclass(frozen=True)
class ClientCredentials:
    """What the token endpoint needs: the hash to verify and what the token will carry."""

    client_id: str
    tenant: str
    scopes: list[str]
    secret_hash: str


# What a client's answer shows: every column but the secret's hash.
PUBLIC_COLUMNS = tuple(api_clients.c[name] for name in ClientRead.model_fields)


def _client(row: Any) -> ClientRead:
    return ClientRead.model_validate(row, from_attributes=True)


async def active_credentials(session: AsyncSession, client_id: str) -> ClientCredentials | None:
    row = (
        await session.execute(
            sa.select(
                api_clients.c.client_id, api_clients.c.tenant, api_clients.c.scopes, api_clients.c.secret_hash
            ).where(api_clients.c.client_id == client_id, api_clients.c.revoked_at.is_(None))
        )
    ).one_or_none()
    return ClientCredentials(**row._asdict()) if row else None


async def create_client(
    session: AsyncSession, *, client_id: str, name: str, tenant: str, scopes: list[str], secret_hash: str
) -> ClientRead:
    row = (
        await session.execute(
            sa.insert(api_clients)
            .values(client_id=client_id, name=name, tenant=tenant, scopes=scopes, secret_hash=secret_hash)
            .returning(*PUBLIC_COLUMNS)
        )
    ).one()
    return _client(row)


async def upsert_bootstrap_client(
    session: AsyncSession, *, client_id: str, name: str, tenant: str, scopes: list[str], secret_hash: str
) -> None:
    statement = insert(api_clients).values(
        client_id=client_id, name=name, tenant=tenant, scopes=scopes, secret_hash=secret_hash
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[api_clients.c.client_id],
            set_={"name": name, "tenant": tenant, "scopes": scopes, "secret_hash": secret_hash, "revoked_at": None},
        )
    )


async def secret_hash_of(session: AsyncSession, client_id: str) -> str | None:
    value = await session.scalar(sa.select(api_clients.c.secret_hash).where(api_clients.c.client_id == client_id))
    return str(value) if value is not None else None


async def get_client(session: AsyncSession, client_id: str, *, tenant: str | None) -> ClientRead | None:
    """One client; `tenant=None` sees every tenant's clients."""
    query = sa.select(*PUBLIC_COLUMNS).where(api_clients.c.client_id == client_id)
    if tenant is not None:
        query = query.where(api_clients.c.tenant == tenant)
    row = (await session.execute(query)).one_or_none()
    return _client(row) if row else None


async def list_clients(session: AsyncSession, *, tenant: str | None, after: str | None, limit: int) -> list[ClientRead]:
    """Clients in client-id order, `limit` of them after `after`."""
    query = sa.select(*PUBLIC_COLUMNS).order_by(api_clients.c.client_id).limit(limit)
    if tenant is not None:
        query = query.where(api_clients.c.tenant == tenant)
    if after is not None:
        query = query.where(api_clients.c.client_id > after)
    return [_client(row) for row in await session.execute(query)]


async def revoke_client(session: AsyncSession, client_id: str, *, tenant: str | None) -> bool:
    """Marks the client revoked (kept for audit); False when there is no such client."""
    query = (
        sa.update(api_clients)
        .where(api_clients.c.client_id == client_id)
        .values(revoked_at=sa.func.coalesce(api_clients.c.revoked_at, sa.func.now()))
        .returning(api_clients.c.client_id)
    )
    if tenant is not None:
        query = query.where(api_clients.c.tenant == tenant)
    return (await session.execute(query)).first() is not None
