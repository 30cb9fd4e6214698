from __future__ import annotations

import datetime as dt

import pytest

from registry.domain.access_log import shown_client, what_of
from registry.domain.consent import (
    NONE,
    ConsentNeverGiven,
    PurposeState,
    allowed_purposes,
    current_states,
    decide,
    event_violations,
    legacy_consent,
)

AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
LEGACY = {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"}


def test_legacy_field_is_the_state_of_matching_until_an_event_says_otherwise() -> None:
    assert current_states({}, LEGACY)["matching"] == PurposeState("granted", LEGACY["given_at"], "consent")
    withdrawn = {"matching": {"status": "withdrawn", "since": AT.isoformat(), "basis": "consent"}}
    assert current_states(withdrawn, LEGACY)["matching"].status == "withdrawn"
    assert legacy_consent(withdrawn, LEGACY) == {"matching": False, "given_at": AT.isoformat()}
    assert legacy_consent({}, LEGACY) == LEGACY
    assert legacy_consent({}, None) is None


def test_allowed_purposes_include_legal_bases_and_are_sorted() -> None:
    stored = {
        "evaluation": {"status": "legal_basis", "since": AT.isoformat(), "basis": "gdpr_6_1_e"},
        "sharing_with_employer": {"status": "withdrawn", "since": AT.isoformat(), "basis": "consent"},
    }
    assert allowed_purposes(stored, LEGACY) == ["evaluation", "matching"]
    assert allowed_purposes(stored, {**LEGACY, "matching": False}) == ["evaluation"]


def test_withdrawing_what_was_never_granted_is_a_conflict() -> None:
    with pytest.raises(ConsentNeverGiven):
        decide(NONE, purpose="evaluation", action="withdraw", at=AT, legal_basis=None)
    basis = PurposeState("legal_basis", AT.isoformat(), "gdpr_6_1_e")
    with pytest.raises(ConsentNeverGiven):
        decide(basis, purpose="evaluation", action="withdraw", at=AT, legal_basis=None)
    granted = decide(NONE, purpose="matching", action="grant", at=AT, legal_basis=None)
    assert decide(granted, purpose="matching", action="withdraw", at=AT, legal_basis=None).status == "withdrawn"


def test_an_event_says_how_and_a_verbal_one_names_its_witness() -> None:
    assert [v.field for v in event_violations(action="grant", method=None, witness=None, legal_basis=None)] == [
        "method"
    ]
    verbal = event_violations(action="grant", method="verbal_with_witness", witness=None, legal_basis=None)
    assert [v.field for v in verbal] == ["witness"]
    assert event_violations(action="legal_basis", method=None, witness=None, legal_basis="gdpr_6_1_e") == []
    assert [v.field for v in event_violations(action="legal_basis", method=None, witness=None, legal_basis=None)] == [
        "legal_basis"
    ]


def test_access_log_words_and_system_pseudonyms() -> None:
    assert [what_of(a) for a in ("list", "read", "update", "erasure", "recommendation")] == [
        "read",
        "read",
        "change",
        "erasure",
        "recommendation",
    ]
    assert shown_client("stevns-jc", system=False) == "stevns-jc"
    pseudonym = shown_client("matching", system=True)
    assert pseudonym.startswith("system-")
    assert "matching" not in pseudonym
    assert pseudonym == shown_client("matching", system=True)
