"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

from typing import Annotated

from asgi_correlation_id.context import correlation_id
from fastapi import Depends, Header

from registry.clients.followers import Followers
from registry.domain.codes import CodeBook
from registry.domain.national_id_vault import NationalIdVault
from registry.domain.occupation_map import OccupationMap
from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.etag import IfMatchHeader
from servicekit.idempotency import IdempotencyDep
from servicekit.notifications import ChannelListener
from servicekit.pagination import CursorCodecDep, PageParamsDep
from servicekit.state import state_dependency

Admin = Annotated[Principal, require_scope("admin")]
Internal = Annotated[Principal, require_scope("internal")]
CitizensReader = Annotated[Principal, require_scope("citizens:read")]
CitizensWriter = Annotated[Principal, require_scope("citizens:write")]
OrganisationsWriter = Annotated[Principal, require_scope("organisations:write")]
OpeningsWriter = Annotated[Principal, require_scope("openings:write")]
# A citizen's access log: their municipality's caseworkers (on the citizen's request) and admins.
AccessLogReader = Annotated[Principal, require_scope("citizens:read", "admin")]
# Reading non-personal registry data (municipalities, organisations, openings, partnerships).
RegistryReader = Annotated[
    Principal,
    require_scope(
        "citizens:read",
        "citizens:write",
        "organisations:write",
        "openings:write",
        "matching:read",
        "outcomes:read",
        "outcomes:write",
        "reports:read",
        "internal",
    ),
]


async def _request_id() -> str | None:
    return correlation_id.get()


CodeBookDep = Annotated[CodeBook, Depends(state_dependency("taxonomy"))]
VaultDep = Annotated[NationalIdVault, Depends(state_dependency("national_id_vault"))]
OccupationMapDep = Annotated[OccupationMap, Depends(state_dependency("occupation_map"))]
RequestId = Annotated[str | None, Depends(_request_id)]
# matching and outcomes, asked for a citizen's export and an erasure's status.
FollowersDep = Annotated[Followers, Depends(state_dependency("followers"))]
# Hears the outbox's commit notifications, for the change feed's long polls.
ChangesListener = Annotated[ChannelListener, Depends(state_dependency("changes_listener"))]


async def _purpose(
    purpose: Annotated[
        str | None,
        Header(alias="X-Purpose", max_length=200, description="Why the citizen's data is read (kept in the audit log)"),
    ] = None,
) -> str | None:
    return purpose


# The ETag of the client's last read (servicekit keeps it optional so that its absence answers 428).
IfMatch = IfMatchHeader
# Why a citizen is being looked up; stored in the audit log the citizen may ask to see.
Purpose = Annotated[str | None, Depends(_purpose)]

__all__ = [
    "AccessLogReader",
    "Admin",
    "ChangesListener",
    "CitizensReader",
    "CitizensWriter",
    "CodeBookDep",
    "CursorCodecDep",
    "Depends",
    "FollowersDep",
    "IdempotencyDep",
    "IfMatch",
    "Internal",
    "OccupationMapDep",
    "OpeningsWriter",
    "OrganisationsWriter",
    "PageParamsDep",
    "Purpose",
    "RegistryReader",
    "RequestId",
    "SessionDep",
    "VaultDep",
]
