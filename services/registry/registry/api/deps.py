"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.idempotency import IdempotencyDep
from servicekit.pagination import CursorCodecDep, PageParamsDep

Admin = Annotated[Principal, require_scope("admin")]
Internal = Annotated[Principal, require_scope("internal")]
CitizensReader = Annotated[Principal, require_scope("citizens:read")]
CitizensWriter = Annotated[Principal, require_scope("citizens:write")]
OrganisationsWriter = Annotated[Principal, require_scope("organisations:write")]
OpeningsWriter = Annotated[Principal, require_scope("openings:write")]
# Reading non-personal registry data (municipalities, organisations, openings, partnerships).
RegistryReader = Annotated[
    Principal,
    require_scope(
        "citizens:read", "citizens:write", "organisations:write", "openings:write", "matching:read",
        "outcomes:read", "outcomes:write", "reports:read", "internal",
    ),
]

__all__ = [
    "Admin", "CitizensReader", "CitizensWriter", "CursorCodecDep", "Depends", "IdempotencyDep", "Internal",
    "OpeningsWriter", "OrganisationsWriter", "PageParamsDep", "RegistryReader", "SessionDep",
]
