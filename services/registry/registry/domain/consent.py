"""Consent per purpose, with its history: grants, withdrawals, or a legal basis other than consent.

A purpose may rest on consent (GDPR art. 6(1)(a)) or, where the municipality processes as a public
authority, on art. 6(1)(e): then that basis is recorded instead of asking for consent. The
`consent {matching, given_at}` field older clients write stays the state of `matching` until an
event about `matching` is recorded (see `legacy_consent`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from registry.domain.violations import Violation
from servicekit.domain_errors import Conflict

ConsentPurpose = Literal["matching", "sharing_with_employer", "evaluation"]
ConsentAction = Literal["grant", "withdraw", "legal_basis"]
ConsentMethod = Literal["paper", "digital", "verbal_with_witness"]
LegalBasis = Literal["gdpr_6_1_e"]
Status = Literal["granted", "withdrawn", "legal_basis", "none"]
PURPOSES: tuple[str, ...] = get_args(ConsentPurpose)
ALLOWING: frozenset[str] = frozenset({"granted", "legal_basis"})
STATUS_AFTER: dict[str, Status] = {"grant": "granted", "withdraw": "withdrawn", "legal_basis": "legal_basis"}


class ConsentNeverGiven(Conflict):
    def __init__(self, purpose: str) -> None:
        super().__init__(f"No consent to {purpose} is in force, so there is none to withdraw.")


@dataclass(frozen=True)
class PurposeState:
    """Where one purpose stands: granted, withdrawn, resting on a legal basis, or never asked."""

    status: Status
    since: str | None = None  # ISO 8601, as stored
    basis: str | None = None  # "consent" or a legal basis such as "gdpr_6_1_e"

    @property
    def allowed(self) -> bool:
        return self.status in ALLOWING

    def as_stored(self) -> dict[str, Any]:
        return {"status": self.status, "since": self.since, "basis": self.basis}


NONE = PurposeState("none")


def current_states(stored: Mapping[str, Any] | None, legacy: Mapping[str, Any] | None) -> dict[str, PurposeState]:
    """Each purpose's state: recorded events first; for `matching` the legacy field when no event says otherwise."""
    states = {purpose: NONE for purpose in PURPOSES}
    if legacy is not None and legacy.get("matching") is not None:
        status: Status = "granted" if legacy["matching"] else "withdrawn"
        states["matching"] = PurposeState(status, legacy.get("given_at"), "consent")
    for purpose, state in (stored or {}).items():
        if purpose in states:
            states[purpose] = PurposeState(state["status"], state.get("since"), state.get("basis"))
    return states


def allowed_purposes(stored: Mapping[str, Any] | None, legacy: Mapping[str, Any] | None) -> list[str]:
    """The purposes the citizen's data may be processed for now, sorted (what the feed carries)."""
    return sorted(p for p, state in current_states(stored, legacy).items() if state.allowed)


def legacy_consent(stored: Mapping[str, Any] | None, legacy: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The `consent {matching, given_at}` older clients read, derived from the current state of `matching`."""
    if not stored or "matching" not in stored:
        return dict(legacy) if legacy is not None else None
    state = current_states(stored, None)["matching"]
    return {"matching": state.allowed, "given_at": state.since}


def decide(
    current: PurposeState,
    *,
    purpose: str,
    action: ConsentAction,
    at: dt.datetime,
    legal_basis: str | None,
) -> PurposeState:
    """The state after `action`; ConsentNeverGiven when withdrawing a consent not in force."""
    if action == "withdraw" and current.status != "granted":
        raise ConsentNeverGiven(purpose)
    basis = legal_basis if action == "legal_basis" else "consent"
    return PurposeState(STATUS_AFTER[action], at.isoformat(), basis)


def event_violations(
    *, action: ConsentAction, method: str | None, witness: str | None, legal_basis: str | None
) -> list[Violation]:
    """A grant or withdrawal says how it was given (a verbal one names its witness); a legal basis names it."""
    found: list[Violation] = []
    if action == "legal_basis":
        if legal_basis is None:
            found.append(Violation("legal_basis", "name the legal basis the purpose rests on", "missing"))
        return found
    if legal_basis is not None:
        found.append(Violation("legal_basis", "only with action legal_basis", "not_allowed"))
    if method is None:
        found.append(Violation("method", "say how the citizen gave or withdrew consent", "missing"))
    elif method == "verbal_with_witness" and not witness:
        found.append(Violation("witness", "a verbal consent names its witness", "missing"))
    return found
