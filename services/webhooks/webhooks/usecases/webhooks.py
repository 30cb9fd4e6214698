"""Subscriptions: create, list, get, disable, rotate the secret. One function per operation."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.auth import Principal
from servicekit.domain_errors import NotFound
from servicekit.pagination import CursorCodec, Keyset, PageParams
from webhooks.domain.endpoints import check_endpoint_url
from webhooks.domain.signing import new_secret
from webhooks.schemas.webhooks import WebhookCreate, WebhookCreated, WebhookPage, WebhookRead, WebhookSecret
from webhooks.store import webhooks as store

CURSOR_KIND = "webhooks"


def webhook_read(row: Any) -> WebhookRead:
    return WebhookRead.model_validate(row, from_attributes=True)


async def require_webhook(session: AsyncSession, webhook_id: uuid.UUID, *, tenant: str) -> Any:
    """The subscription; another municipality's answers exactly as one that does not exist."""
    row = await store.get_webhook(session, webhook_id, tenant=tenant)
    if row is None:
        raise NotFound("Webhook not found.")
    return row


async def create_webhook(
    session: AsyncSession, body: WebhookCreate, *, principal: Principal, allow_loopback_http: bool
) -> WebhookCreated:
    """Subscribe the caller's municipality; the answer holds the secret, this once."""
    url = check_endpoint_url(body.url, allow_loopback_http=allow_loopback_http)
    municipality = principal.municipality_for_write(body.municipality)
    secret = new_secret()
    row = await store.insert_webhook(
        session,
        {
            "id": uuid.uuid4(),
            "municipality": municipality,
            "url": url,
            "events": sorted(set(body.events)),
            "description": body.description,
            "secret": secret,
            "created_by": principal.client_id,
        },
    )
    return WebhookCreated(**webhook_read(row).model_dump(), secret=secret)


async def list_webhooks(session: AsyncSession, *, tenant: str, page: PageParams, codec: CursorCodec) -> WebhookPage:
    keyset = Keyset.by_id(CURSOR_KIND)
    rows = await store.list_webhooks(
        session, tenant=tenant, after=keyset.start(codec, page.cursor), limit=page.limit + 1
    )
    items, next_cursor = keyset.page(codec, page.limit, [webhook_read(row) for row in rows], lambda item: item.id)
    return WebhookPage(items=items, next_cursor=next_cursor)


async def get_webhook(session: AsyncSession, webhook_id: uuid.UUID, *, tenant: str) -> WebhookRead:
    return webhook_read(await require_webhook(session, webhook_id, tenant=tenant))


async def disable_webhook(session: AsyncSession, webhook_id: uuid.UUID, *, tenant: str) -> None:
    """Stop sending; the subscription and its deliveries stay readable (again: no change)."""
    await require_webhook(session, webhook_id, tenant=tenant)
    await store.disable_webhook(session, webhook_id)


async def rotate_secret(session: AsyncSession, webhook_id: uuid.UUID, *, tenant: str) -> WebhookSecret:
    """A new secret; every delivery from now on, retries included, is signed with it."""
    await require_webhook(session, webhook_id, tenant=tenant)
    secret = new_secret()
    await store.set_secret(session, webhook_id, secret)
    return WebhookSecret(id=webhook_id, secret=secret)
