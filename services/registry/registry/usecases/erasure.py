"""Erasure (GDPR art. 17) that reaches everything the registry holds about a citizen.

In the erasing transaction: the personal fields are nulled (the row keeps its pseudonymous id for
enrolments and followers), the citizen's earlier change-feed entries become tombstones and an
`erased` entry is appended (followers reading from anywhere see the erasure, and nothing else),
stored idempotent answers naming the citizen are replaced by 410 Gone, the consent history is
deleted, and the erasure itself is audited (who, when, on which request). Erasing twice answers
the same: the second finds the citizen erased already and changes nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.clients.followers import FollowerClient, Followers, FollowerUnavailable
from registry.domain.errors import StoredAnswerGone
from registry.feed import publish
from registry.schemas.erasure import (
    ErasureItem,
    ErasureProgress,
    ErasureResult,
    ErasureStatus,
    ErasureSummary,
    FollowerProgress,
    FollowerState,
)
from registry.store import audit, consent, idempotency, outbox
from registry.store import citizens as store
from registry.usecases.actors import Actor
from servicekit.domain_errors import NotFound
from servicekit.errors import problem_document

ENTITY = "citizen"
NOT_ERASED = "No erasure of this citizen is known."


async def erase_citizens(
    session: AsyncSession, citizen_ids: Sequence[uuid.UUID], *, tenant: str, actor: Actor, purpose: str | None
) -> ErasureResult:
    """Erase each citizen of the tenant; one result per id (erased, already_erased, not_found)."""
    wanted = list(dict.fromkeys(citizen_ids))
    erased = {row.id: row for row in await store.erase_many(session, wanted, tenant=tenant)}
    known = await store.known(session, [i for i in wanted if i not in erased], tenant=tenant)
    if erased:
        ids = list(erased)
        await outbox.tombstone(session, entity=ENTITY, entity_ids=[str(i) for i in ids])
        await publish.removed_many(session, ENTITY, list(erased.values()), op="erased")
        gone = problem_document(StoredAnswerGone())
        await idempotency.purge_answers_naming(session, ids, status=StoredAnswerGone.status, gone=gone)
        await consent.forget(session, ids)
        await audit.record(
            session,
            citizens=[(row.id, row.municipality) for row in erased.values()],
            actor=actor.client,
            action="erasure",
            purpose=purpose,
            request_id=actor.request_id,
            actor_municipality=actor.municipality,
            system=actor.system,
        )
    items = []
    summary = ErasureSummary()
    for index, citizen_id in enumerate(citizen_ids):
        status: ErasureStatus = (
            "erased" if citizen_id in erased else "already_erased" if citizen_id in known else "not_found"
        )
        items.append(ErasureItem(index=index, id=citizen_id, status=status))
        setattr(summary, status, getattr(summary, status) + 1)
    return ErasureResult(items=items, summary=summary)


async def _progress(follower: FollowerClient[Any], feed_seq: int) -> FollowerProgress:
    try:
        applied = await follower.feed_position()
    except FollowerUnavailable:
        return FollowerProgress(service=follower.service, state="unavailable", applied_seq=None)
    state: FollowerState = "applied" if applied >= feed_seq else "behind"
    return FollowerProgress(service=follower.service, state=state, applied_seq=applied)


async def erasure_progress(
    session: AsyncSession, citizen_id: uuid.UUID, *, tenant: str, followers: Followers
) -> ErasureProgress:
    """`completed` once every follower's applied feed position has reached the erasure's `erased`
    entry; `pending` until then, and while a follower cannot be asked (no partial erasure is
    reported done). NotFound: not the tenant's citizen, or never erased."""
    row = (await store.known(session, [citizen_id], tenant=tenant)).get(citizen_id)
    if row is None or row.erased_at is None:
        raise NotFound(NOT_ERASED)
    feed_seq = await outbox.erasure_seq(session, entity=ENTITY, entity_id=str(citizen_id))
    if feed_seq is None:  # an erasure always appends its entry in its own transaction
        raise NotFound(NOT_ERASED)
    progress = list(await asyncio.gather(*(_progress(f, feed_seq) for f in followers.all())))
    done = all(p.state == "applied" for p in progress)
    return ErasureProgress(
        citizen_id=citizen_id,
        status="completed" if done else "pending",
        erased_at=row.erased_at,
        feed_seq=feed_seq,
        followers=progress,
    )
