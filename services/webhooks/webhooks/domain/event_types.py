"""The events a municipality can subscribe to, where each comes from, and what its payload holds.

Payloads carry ids and codes only, never personal data (no national id, no name): a receiver
that needs more asks the API with its own token, where reads are scoped and audited.
"""

from __future__ import annotations

import json
from typing import Any

EVENT_TYPES: dict[str, str] = {
    "citizen.enrolled": "A citizen was enrolled on a programme (registry): enrolment, citizen and partnership ids",
    "milestone.reached": "A citizen reached a contract milestone, verified in an approved statement (outcomes)",
    "statement.approved": "A settlement statement was approved by a second client (outcomes)",
    "ranking_run.finished": "A national ranking run finished (matching); sent to every subscribed municipality",
}

# A feed's events, by the service that publishes them (registry: its change feed; others: events feed).
SOURCES = ("registry", "outcomes", "matching")


def enrolment_event(change: dict[str, Any]) -> dict[str, Any] | None:
    """`citizen.enrolled` from a registry change: the first upsert of an enrolment that names a
    citizen (later upserts carry the same key, so the event is told once)."""
    data = change.get("data")
    if change.get("entity") != "enrolment" or change.get("op") != "upsert" or not data or not data.get("citizen_id"):
        return None
    return {
        "key": f"citizen.enrolled:{change['entity_id']}",
        "type": "citizen.enrolled",
        "municipality": change.get("municipality"),
        "occurred_at": change.get("occurred_at"),
        "data": {
            "enrolment_id": change["entity_id"],
            "citizen_id": data["citizen_id"],
            "partnership_id": data.get("partnership_id"),
            "programme": data.get("programme"),
            "started_on": data.get("started_on"),
        },
    }


def published_event(source: str, item: dict[str, Any]) -> dict[str, Any] | None:
    """An event from a service's events feed, if it is one subscribers can ask for."""
    if item.get("type") not in EVENT_TYPES:
        return None
    return {
        "key": f"{source}:{item['seq']}",
        "type": item["type"],
        "municipality": item.get("municipality"),
        "occurred_at": item.get("occurred_at"),
        "data": item.get("data") or {},
    }


def events_from(source: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The subscribable events in one page of a source's feed, in feed order."""
    translate = enrolment_event if source == "registry" else (lambda item: published_event(source, item))
    return [event for item in items if (event := translate(item)) is not None]


def payload_body(event: dict[str, Any]) -> str:
    """The body sent, in the Standard Webhooks payload shape: {type, timestamp, data}."""
    return json.dumps(
        {"type": event["type"], "timestamp": event.get("occurred_at"), "data": event["data"]},
        separators=(",", ":"),
        sort_keys=True,
    )
