"""What the other services hold about a citizen, gathered for the citizen's export (GDPR art. 15/20).

A follower that cannot be reached is named `unavailable` in the document rather than left out: the
citizen (or the caseworker answering them) sees the export is incomplete and asks again. The
registry's own part is answered either way; `complete` says whether everything is in.
"""

from __future__ import annotations

import asyncio
import uuid

import structlog

from registry.clients.followers import ExportT, FollowerClient, Followers, FollowerUnavailable
from registry.schemas.held_exports import HeldByOtherServices, HeldStatus, MatchingHeld, OutcomesHeld

log = structlog.get_logger("registry.export")


async def _ask(follower: FollowerClient[ExportT] | None, citizen_id: uuid.UUID) -> tuple[HeldStatus, ExportT | None]:
    if follower is None:
        return "not_configured", None
    try:
        return "included", await follower.citizen_export(citizen_id)
    except FollowerUnavailable as exc:
        log.warning("export_follower_unavailable", service=exc.service, reason=exc.reason)
        return "unavailable", None


async def held_by_other_services(followers: Followers, citizen_id: uuid.UUID) -> HeldByOtherServices:
    """Ask matching and outcomes at once; each part says whether it is included."""
    (matching_status, matching), (outcomes_status, outcomes) = await asyncio.gather(
        _ask(followers.matching, citizen_id), _ask(followers.outcomes, citizen_id)
    )
    return HeldByOtherServices(
        matching=MatchingHeld(status=matching_status, export=matching),
        outcomes=OutcomesHeld(status=outcomes_status, export=outcomes),
    )
