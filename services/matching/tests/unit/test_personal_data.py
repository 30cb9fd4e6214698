"""Consent to matching from the feed payload, access-log entries, decisions as training labels."""

from __future__ import annotations

from datetime import UTC, datetime

from matching.domain.personal_data import Actor, access_entry, matching_allowed
from matching.domain.training_set import LabelledPlacement, with_decision_labels


def test_purposes_in_force_decide_and_the_legacy_consent_is_the_fallback() -> None:
    assert matching_allowed({"purposes": ["evaluation", "matching"], "consent": {"matching": False}})
    assert not matching_allowed({"purposes": ["evaluation"], "consent": {"matching": True}})
    assert not matching_allowed({"purposes": []})
    assert matching_allowed({"consent": {"matching": True}})
    assert not matching_allowed({"consent": None})
    assert not matching_allowed({})


def test_access_entries_name_the_client_or_the_system() -> None:
    at = datetime(2026, 12, 7, 12, tzinfo=UTC)
    caseworker = access_entry("c1", "recommendation", at, actor=Actor("stevns-jc", "DK-0336", "r1"))
    assert caseworker == {
        "citizen_id": "c1",
        "service": "matching",
        "client": "stevns-jc",
        "system": False,
        "what": "recommendation",
        "occurred_at": "2026-12-07T12:00:00+00:00",
        "client_municipality": "DK-0336",
        "request_id": "r1",
    }
    own = access_entry("c1", "feed", at)
    assert own["system"] is True
    assert own["client"] == "matching"
    assert "client_municipality" not in own


def test_decisions_label_only_pairs_no_placement_labels_and_the_latest_counts() -> None:
    placements = [LabelledPlacement("c1", "o1", True)]
    decisions = [("c1", "o1", False), ("c2", "o1", True), ("c2", "o1", False), ("c3", "o2", True)]
    rows, extra = with_decision_labels(placements, decisions)
    assert extra == 2
    assert rows == [
        LabelledPlacement("c1", "o1", True),
        LabelledPlacement("c2", "o1", False),
        LabelledPlacement("c3", "o2", True),
    ]
