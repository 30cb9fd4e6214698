"""/v1/webhooks — a municipality's subscriptions, their deliveries, the dead-letter list and replay."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from servicekit.idempotency import idempotent, idempotent_sealed
from servicekit.openapi import ERRORS
from servicekit.routing import JsonRoute
from webhooks.api.deps import (
    CursorCodecDep,
    PageParamsDep,
    SessionDep,
    SettingsDep,
    WebhooksManager,
)
from webhooks.schemas.webhooks import (
    DeliveryPage,
    DeliveryRead,
    DeliveryStatus,
    WebhookCreate,
    WebhookCreated,
    WebhookPage,
    WebhookRead,
    WebhookSecret,
)
from webhooks.usecases import deliveries, webhooks

router = APIRouter(route_class=JsonRoute, prefix="/v1/webhooks", tags=["webhooks"])
LOCATION = "/v1/webhooks"


@router.post("", status_code=201, response_model=WebhookCreated, responses=ERRORS)
@idempotent_sealed
async def create_webhook(
    body: WebhookCreate,
    session: SessionDep,
    principal: WebhooksManager,
    settings: SettingsDep,
    response: Response,
) -> WebhookCreated:
    """Subscribe to events; the answer holds the signing secret, shown this once."""
    created = await webhooks.create_webhook(
        session, body, principal=principal, allow_loopback_http=settings.allow_loopback_http
    )
    response.headers["Location"] = f"{LOCATION}/{created.id}"
    return created


@router.get("", response_model=WebhookPage, responses=ERRORS)
async def list_webhooks(
    session: SessionDep, principal: WebhooksManager, page: PageParamsDep, codec: CursorCodecDep
) -> WebhookPage:
    """The municipality's subscriptions, active and disabled."""
    return await webhooks.list_webhooks(session, tenant=principal.tenant, page=page, codec=codec)


@router.get("/{webhook_id}", response_model=WebhookRead, responses=ERRORS)
async def get_webhook(webhook_id: uuid.UUID, session: SessionDep, principal: WebhooksManager) -> WebhookRead:
    """One subscription (never its secret)."""
    return await webhooks.get_webhook(session, webhook_id, tenant=principal.tenant)


@router.delete("/{webhook_id}", status_code=204, responses=ERRORS)
async def disable_webhook(webhook_id: uuid.UUID, session: SessionDep, principal: WebhooksManager) -> Response:
    """Disable a subscription: nothing more is sent; it and its deliveries stay readable."""
    await webhooks.disable_webhook(session, webhook_id, tenant=principal.tenant)
    return Response(status_code=204)


@router.post("/{webhook_id}:rotate-secret", response_model=WebhookSecret, responses=ERRORS)
@idempotent_sealed
async def rotate_webhook_secret(
    webhook_id: uuid.UUID, session: SessionDep, principal: WebhooksManager
) -> WebhookSecret:
    """A new signing secret, shown this once; the old one signs nothing more."""
    return await webhooks.rotate_secret(session, webhook_id, tenant=principal.tenant)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPage, responses=ERRORS)
async def list_webhook_deliveries(
    webhook_id: uuid.UUID,
    session: SessionDep,
    principal: WebhooksManager,
    page: PageParamsDep,
    codec: CursorCodecDep,
    status: Annotated[DeliveryStatus | None, Query(description="`failed`: the dead-letter list")] = None,
) -> DeliveryPage:
    """Deliveries of a subscription, newest first; `status=failed` lists the dead letters."""
    return await deliveries.list_deliveries(
        session, webhook_id, tenant=principal.tenant, status=status, page=page, codec=codec
    )


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}:replay", status_code=202, response_model=DeliveryRead, responses=ERRORS
)
@idempotent
async def replay_webhook_delivery(
    webhook_id: uuid.UUID,
    delivery_id: uuid.UUID,
    session: SessionDep,
    principal: WebhooksManager,
) -> DeliveryRead:
    """Send a delivery again (same `webhook-id`, a fresh budget of attempts)."""
    return await deliveries.replay_delivery(session, webhook_id, delivery_id, tenant=principal.tenant)
