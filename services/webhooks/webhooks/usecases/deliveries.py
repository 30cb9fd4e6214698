"""A subscription's deliveries: the list (with the dead letters, `status=failed`) and replay."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.domain_errors import NotFound
from servicekit.pagination import CursorCodec, Keyset, PageParams
from webhooks.schemas.webhooks import DeliveryPage, DeliveryRead
from webhooks.store import deliveries as store
from webhooks.usecases.webhooks import require_webhook

CURSOR_KIND = "deliveries"


def delivery_read(row: Any) -> DeliveryRead:
    return DeliveryRead.model_validate(row, from_attributes=True)


async def list_deliveries(
    session: AsyncSession,
    webhook_id: uuid.UUID,
    *,
    tenant: str,
    status: str | None,
    page: PageParams,
    codec: CursorCodec,
) -> DeliveryPage:
    """Newest first; `status=failed` is the dead-letter list."""
    await require_webhook(session, webhook_id, tenant=tenant)
    keyset = Keyset.by_time(CURSOR_KIND)
    rows = await store.list_deliveries(
        session, webhook_id, status=status, before=keyset.start(codec, page.cursor), limit=page.limit + 1
    )
    answers = [delivery_read(row) for row in rows]
    items, next_cursor = keyset.page(codec, page.limit, answers, lambda item: (item.created_at, item.id))
    return DeliveryPage(items=items, next_cursor=next_cursor)


async def replay_delivery(
    session: AsyncSession, webhook_id: uuid.UUID, delivery_id: uuid.UUID, *, tenant: str
) -> DeliveryRead:
    """Send a delivery again now (a dead letter once the receiver is fixed, or a delivered one)."""
    await require_webhook(session, webhook_id, tenant=tenant)
    if await store.get_delivery(session, webhook_id, delivery_id) is None:
        raise NotFound("Delivery not found.")
    return delivery_read(await store.replay(session, delivery_id))


async def pending_deliveries(session: AsyncSession) -> int:
    return await store.pending_count(session)
