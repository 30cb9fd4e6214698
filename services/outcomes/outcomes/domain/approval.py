"""Maker-checker for settlement statements: draft → approved | rejected, decided by a second client.

A statement is computed as a `draft` by one client (the maker). Another client holding
`settlements:approve` (the checker) approves or rejects it; the maker never decides its own
statement. Approval is final (later facts reach an approved statement only as adjustment lines of
a later statement); approving an approved statement again changes nothing. A draft is approved only
if recomputing it from today's facts gives the very same lines; otherwise the caller rejects it and
settles the period again. Statements of a contract are decided in period order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from servicekit.domain_errors import Conflict, Forbidden, InvalidField

from .settlement import StatementLine

Status = Literal["draft", "approved", "rejected"]
Decision = Literal["approve", "reject"]
STATUSES: tuple[Status, ...] = ("draft", "approved", "rejected")
MAX_REASON = 2000


@dataclass(frozen=True)
class StatementState:
    """What the rules need of a stored statement to decide it."""

    status: Status
    created_by: str | None


@dataclass(frozen=True)
class Transition:
    """One transition, as the audit log records it (from None: the statement was computed)."""

    from_status: Status | None
    to_status: Status
    actor: str
    reason: str | None


def lines_digest(lines: Iterable[StatementLine]) -> str:
    """SHA-256 of a statement's lines in order: what "the same statement" means at approval."""
    canonical = [
        [
            line.citizen_id,
            line.name,
            line.on.isoformat(),
            line.kind,
            line.entitled,
            line.amount,
            line.reason,
            line.period_from.isoformat() if line.period_from else None,
        ]
        for line in lines
    ]
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()


def decide(state: StatementState, decision: Decision, *, actor: str, reason: str | None = None) -> Transition | None:
    """The transition a decision makes, or None when it is a replay of the decision already taken.

    403 when the maker decides its own statement; 409 when the statement was decided the other way;
    422 when a rejection gives no reason."""
    if state.created_by is not None and state.created_by == actor:
        raise Forbidden("The client that computed a statement cannot approve or reject it (maker-checker).")
    target: Status = "approved" if decision == "approve" else "rejected"
    if state.status == target:
        return None
    if state.status != "draft":
        raise Conflict(f"The statement is {state.status}; only a draft can be {target}.", code="statement-decided")
    if decision == "reject":
        text = (reason or "").strip()
        if not text:
            raise InvalidField("reason", "a rejection states its reason", code="missing")
        if len(text) > MAX_REASON:
            raise InvalidField("reason", f"at most {MAX_REASON} characters", code="too_long")
        return Transition("draft", "rejected", actor, text)
    return Transition("draft", "approved", actor, None)


def require_same_facts(stored_digest: str | None, recomputed_digest: str) -> None:
    """409 telling the caller to recompute when today's facts give other lines than the draft."""
    if stored_digest != recomputed_digest:
        raise Conflict(
            "The facts changed since this draft was computed: reject it and settle the period again.",
            code="facts-changed",
        )


def require_earlier_decided(pending_earlier: int) -> None:
    """Statements of one contract are approved in period order (a later one builds on the earlier)."""
    if pending_earlier:
        raise Conflict(
            "An earlier statement of this contract is still a draft: approve or reject it first.",
            code="earlier-draft",
        )
