import json

from webhooks.domain.event_types import events_from, payload_body


def enrolment(citizen_id: str | None, op: str = "upsert") -> dict[str, object]:
    return {
        "seq": 7,
        "entity": "enrolment",
        "entity_id": "e1",
        "op": op,
        "municipality": "DK-0336",
        "occurred_at": "2026-12-07T10:00:00+00:00",
        "data": {"citizen_id": citizen_id, "partnership_id": "p1", "programme": "citizen_course", "phase": "intake"},
    }


def test_an_enrolment_of_a_citizen_is_told_once_by_its_key() -> None:
    [event] = events_from("registry", [enrolment("c1")])
    assert event["key"] == "citizen.enrolled:e1"
    assert event["data"] == {
        "enrolment_id": "e1",
        "citizen_id": "c1",
        "partnership_id": "p1",
        "programme": "citizen_course",
        "started_on": None,
    }


def test_company_enrolments_deletes_and_other_entities_are_not_events() -> None:
    citizen = {"seq": 1, "entity": "citizen", "entity_id": "c1", "op": "upsert", "data": {"national_id": "x"}}
    assert events_from("registry", [enrolment(None), enrolment("c1", op="delete"), citizen]) == []


def test_events_feeds_pass_known_types_only() -> None:
    items = [
        {"seq": 3, "type": "statement.approved", "municipality": "DK-0336", "data": {"statement_id": "s1"}},
        {"seq": 4, "type": "something.else", "municipality": "DK-0336", "data": {}},
    ]
    [event] = events_from("outcomes", items)
    assert event["key"] == "outcomes:3"


def test_the_payload_has_the_standard_shape_and_ids_only() -> None:
    [event] = events_from("registry", [enrolment("c1")])
    body = json.loads(payload_body(event))
    assert set(body) == {"type", "timestamp", "data"}
    assert "national_id" not in json.dumps(body)
