"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.idempotency import IdempotencyDep
from servicekit.pagination import CursorCodecDep, PageParamsDep
from servicekit.state import state_dependency
from webhooks.settings import Settings

WebhooksManager = Annotated[Principal, require_scope("webhooks:manage")]
SettingsDep = Annotated[Settings, Depends(state_dependency("settings"))]

__all__ = [
    "CursorCodecDep",
    "IdempotencyDep",
    "PageParamsDep",
    "SessionDep",
    "SettingsDep",
    "WebhooksManager",
]
