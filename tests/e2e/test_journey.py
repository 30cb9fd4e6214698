"""The whole journey through the gateway, one actor per API client with the fewest scopes it needs.

An admin creates Jammerbugt (DK-0849) and three clients; the jobcenter integration syncs 500
citizens and three employers' openings in batches, a partnership and its 12-month enrolments; a
caseworker front end gets recommendations and an assignment; the jobcenter records placements and
benefit changes over the programme's months; an evaluator writes both PbR contracts, settles the
year and asks whether the municipality gained. The evaluation must equal the settlement lines, the
outcomes savings engine run in-process over the same events and rate card, and an independent
day-by-day reading of the rules of account (savings_by_hand).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

import httpx
import pytest

from devstack.demo import CITIZEN_COURSE_TERMS, COMPANY_ACCELERATOR_TERMS
from devstack.stack import Stack
from outcomes.domain.benefits import Benefit, benefit_path
from outcomes.domain.calendar import months_between
from outcomes.domain.events import OutcomeEvent, effective_events
from outcomes.domain.ratecard import RateCard, parse_rate_card
from outcomes.domain.savings import MonthlySavings, monthly_savings

from .conftest import service_logs
from .journey_data import (
    CITIZEN_BATCH,
    ENROLLED,
    MUNICIPALITY,
    NEIGHBOUR,
    NEIGHBOUR_NATIONAL_ID,
    OPENING_BATCH,
    PLACE,
    PROGRAMME_END,
    PROGRAMME_START,
    Programme,
    build_programme,
    enrolment_day,
    neighbour_company,
    outcome_history,
    programme_taxonomy,
)
from .polling import wait_until
from .savings_by_hand import cost_changes, monthly_lines, round_half_away

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

T = TypeVar("T")
FEED_DEADLINE = 180.0  # seconds for matching and outcomes to follow the registry's change feed
PERIOD = {"from": PROGRAMME_START.isoformat(), "to": PROGRAMME_END.isoformat()}
# The year is settled in two statements; facts reported late land in the second as adjustments.
MIDYEAR = dt.date(2026, 5, 1)
STATEMENTS = (
    {"from": PROGRAMME_START.isoformat(), "to": MIDYEAR.isoformat()},
    {"from": MIDYEAR.isoformat(), "to": PROGRAMME_END.isoformat()},
)
# The demo's terms, with a total cap this cohort reaches only late in the year: the milestones are
# paid, the savings share (dated the period's last day, so last in cap order) is cut where it hits it.
COURSE_CAP_TOTAL = 70_000_000
SCOPES = {
    "jobcenter": ["citizens:write", "openings:write", "organisations:write", "outcomes:write"],
    "caseworker": ["citizens:read", "matching:read", "matching:run"],
    "evaluator": ["reports:read", "outcomes:read", "settlements:write"],
}


@dataclass
class Actor:
    """An API client of the municipality: its credentials and an HTTP client holding its token."""

    name: str
    client_id: str
    client_secret: str
    http: httpx.Client

    def post(self, path: str, body: Any, *, key: str | None = None) -> httpx.Response:
        headers = {"Idempotency-Key": key} if key else {}
        return self.http.post(path, json=body, headers=headers)


@dataclass
class Journey:
    """Everything the journey created and every answer the assertions look at."""

    programme: Programme
    actors: dict[str, Actor]
    organisation_ids: dict[str, str] = field(default_factory=dict)
    opening_ids: dict[str, str] = field(default_factory=dict)  # external_ref -> id
    citizen_ids: dict[str, str] = field(default_factory=dict)  # external_ref -> id
    citizen_batches: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    partnership_id: str = ""
    enrolled_on: dict[str, dt.date] = field(default_factory=dict)  # citizen id -> day
    assignment: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)  # in posting order
    event_batches: list[list[dict[str, Any]]] = field(default_factory=list)
    late_citizens: set[str] = field(default_factory=set)  # whose facts the jobcenter reported late
    correction: dict[str, Any] = field(default_factory=dict)  # supersedes a benefit change already settled
    contracts: dict[str, dict[str, Any]] = field(default_factory=dict)  # side -> contract
    settlements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # side -> statements in order
    rate_card: dict[str, Any] = field(default_factory=dict)
    evaluation: dict[str, Any] = field(default_factory=dict)

    @property
    def citizen_by_id(self) -> dict[str, dict[str, Any]]:
        by_ref = {c["external_ref"]: c for c in self.programme.citizens}
        return {citizen_id: by_ref[ref] for ref, citizen_id in self.citizen_ids.items()}


def answer(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, (response.request.url, response.status_code, response.text[:800])
    body: dict[str, Any] = response.json()
    return body


# -- the journey, step by step -------------------------------------------------------------------


def open_municipality_with_clients(
    stack: Stack, gateway: httpx.Client, admin_headers: dict[str, str]
) -> dict[str, Actor]:
    """Admin: the municipality, then one client per actor, each trading its secret for a token."""
    municipality = {"code": MUNICIPALITY, "name": PLACE.name}
    response = gateway.post(
        "/v1/municipalities", json=municipality, headers={**admin_headers, "Idempotency-Key": "journey:municipality"}
    )
    assert answer(response)["code"] == MUNICIPALITY
    actors = {}
    for name, scopes in SCOPES.items():
        client = answer(
            gateway.post(
                "/v1/clients",
                json={"name": f"journey-{name}", "tenant": MUNICIPALITY, "scopes": scopes},
                headers=admin_headers,
            )
        )
        token = gateway.post(
            "/v1/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(client["client_id"], client["client_secret"]),
        )
        assert token.status_code == 200, token.text
        assert set(token.json().get("scope", " ".join(scopes)).split()) == set(scopes)
        http = httpx.Client(
            base_url=stack.gateway_url,
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
            timeout=120,
        )
        actors[name] = Actor(name, client["client_id"], client["client_secret"], http)
    return actors


def sync_registry(journey: Journey) -> None:
    """Jobcenter: employers, the partnership, openings and citizens in batches, then the enrolments."""
    jobcenter = journey.actors["jobcenter"]
    for key, payload in journey.programme.organisations.items():
        journey.organisation_ids[key] = answer(jobcenter.post("/v1/organisations", payload, key=f"journey:{key}"))["id"]
    ids = journey.organisation_ids
    partnership = {
        "company_id": ids["company"],
        "business_council_id": ids["council"],
        "provider_id": ids["provider"],
        "starts_on": PROGRAMME_START.isoformat(),
        "ends_on": (PROGRAMME_END - dt.timedelta(days=1)).isoformat(),
    }
    journey.partnership_id = answer(jobcenter.post("/v1/partnerships", partnership, key="journey:partnership"))["id"]
    openings = journey.programme.openings
    for start in range(0, len(openings), OPENING_BATCH):
        chunk = openings[start : start + OPENING_BATCH]
        items = [
            {**{k: v for k, v in o.items() if k != "employer"}, "organisation_id": ids[o["employer"]]} for o in chunk
        ]
        result = answer(jobcenter.post("/v1/openings:batch", {"items": items}, key=f"journey:openings:{start}"), 200)
        assert [r["status"] for r in result["items"]] == ["created"] * len(chunk), result["items"]
        journey.opening_ids.update({o["external_ref"]: r["id"] for o, r in zip(chunk, result["items"], strict=True)})
    citizens = journey.programme.citizens
    for start in range(0, len(citizens), CITIZEN_BATCH):
        chunk = citizens[start : start + CITIZEN_BATCH]
        last = start + CITIZEN_BATCH >= len(citizens)
        items = [*chunk, journey.programme.rejected] if last else chunk
        key = f"journey:citizens:{start}"
        result = answer(jobcenter.post("/v1/citizens:batch", {"items": items}, key=key), 200)
        assert [r["status"] for r in result["items"][: len(chunk)]] == ["created"] * len(chunk), result["items"][:3]
        journey.citizen_ids.update({c["external_ref"]: r["id"] for c, r in zip(chunk, result["items"], strict=False)})
        journey.citizen_batches.append((key, {"items": items}, result))
    company_enrolment = {
        "programme": "company_accelerator",
        "organisation_id": ids["company"],
        "partnership_id": journey.partnership_id,
        "started_on": PROGRAMME_START.isoformat(),
        "phase": "training",
    }
    answer(jobcenter.post("/v1/enrolments", company_enrolment, key="journey:enrolment:company"))
    for index, citizen in enumerate(citizens[:ENROLLED]):
        citizen_id = journey.citizen_ids[citizen["external_ref"]]
        enrolment = {
            "programme": "citizen_course",
            "citizen_id": citizen_id,
            "partnership_id": journey.partnership_id,
            "started_on": enrolment_day(index).isoformat(),
        }
        answer(jobcenter.post("/v1/enrolments", enrolment, key=f"journey:enrolment:{index}"))
        journey.enrolled_on[citizen_id] = enrolment_day(index)


def assign_seats(journey: Journey) -> None:
    """Caseworker: once matching has followed the feed up to the enrolments, assign the company's seats."""
    caseworker = journey.actors["caseworker"]
    request = {"partnership_id": journey.partnership_id}

    def cohort_seen() -> dict[str, Any] | None:
        response = caseworker.post("/v1/assignments", request)
        if response.status_code != 200:
            return None
        body: dict[str, Any] = response.json()
        return body if len(body["assignments"]) + len(body["unassigned"]) == ENROLLED else None

    wait_until(cohort_seen, timeout=FEED_DEADLINE, what="matching seeing the partnership's enrolled citizens")
    journey.assignment = answer(caseworker.post("/v1/assignments", request, key="journey:assignment"), 200)


def wait_for_outcomes_projection(journey: Journey) -> None:
    """Evaluator: outcomes learns citizens and enrolments from the feed; wait until it counts the cohort."""
    evaluator = journey.actors["evaluator"]

    def cohort_counted() -> bool | None:
        response = evaluator.http.get("/v1/evaluations", params={"municipality": MUNICIPALITY, **PERIOD})
        if response.status_code != 200:
            return None
        counted = sum(group["citizens"] for group in response.json()["by_target_group"].values())
        return True if counted == ENROLLED else None

    wait_until(cohort_counted, timeout=FEED_DEADLINE, what="outcomes counting the enrolled cohort")


def plan_outcomes(journey: Journey) -> list[dict[str, Any]]:
    """Placements on the assigned pairs (and a few elsewhere) with their benefit changes (demo rules)."""
    openings_by_id = {journey.opening_ids[o["external_ref"]]: o for o in journey.programme.openings}
    citizens = journey.citizen_by_id
    ids = journey.organisation_ids
    assigned = {pair["citizen_id"]: pair["opening_id"] for pair in journey.assignment["assignments"]}
    # Citizens the assignment left out find work on their own at another employer: the citizen
    # course is paid for them, the company accelerator is not. The jobcenter reports them late.
    unassigned = sorted(
        (item["citizen_id"] for item in journey.assignment["unassigned"]), key=lambda c: citizens[c]["external_ref"]
    )
    journey.late_citizens = set(unassigned[:5])
    events: list[dict[str, Any]] = []
    for citizen_id in [*assigned, *sorted(journey.late_citizens)]:
        opening_id = assigned.get(citizen_id)
        events.extend(
            outcome_history(
                citizen=citizens[citizen_id],
                citizen_id=citizen_id,
                enrolled_on=journey.enrolled_on[citizen_id],
                organisation_id=ids["company"] if opening_id else ids["employer_a"],
                opening=openings_by_id[opening_id] if opening_id else None,
                opening_id=opening_id,
            )
        )
    assert journey.late_citizens
    assert all(e["occurred_on"] < PROGRAMME_END.isoformat() for e in events)
    return events


def record_outcomes(journey: Journey, events: list[dict[str, Any]]) -> None:
    """Jobcenter: one outcome-events batch per month of the programme, in date order."""
    by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in sorted(events, key=lambda e: e["occurred_on"]):
        by_month[item["occurred_on"][:7]].append(item)
    jobcenter = journey.actors["jobcenter"]
    for month in sorted(by_month):
        batch = by_month[month]
        result = answer(jobcenter.post("/v1/outcome-events:batch", {"items": batch}), 200)
        assert [r["status"] for r in result["items"]] == ["created"] * len(batch), result["items"]
        journey.event_batches.append(batch)
        journey.events.extend(batch)


def correct_a_settled_benefit_change(journey: Journey) -> None:
    """Jobcenter: a benefit reduction settled in the first statement was wrong; the benefit was never cut."""
    original = next(
        e
        for e in journey.events
        if e["type"] == "benefit_changed"
        and e["occurred_on"] < MIDYEAR.isoformat()
        and e["citizen_id"] not in journey.late_citizens
        and not e["data"].get("wage_subsidy")
    )
    benefit = journey.citizen_by_id[original["citizen_id"]]["benefit"]
    journey.correction = {
        **original,
        "id": f"{original['id']}:corrected",
        "data": {"type": benefit["type"], "monthly_amount": benefit["monthly_amount"]},
        "supersedes": original["id"],
    }
    answer(journey.actors["jobcenter"].post("/v1/outcome-events", journey.correction))
    journey.events.append(journey.correction)


def write_contracts(journey: Journey) -> None:
    """Evaluator: both sides of the PbR for the partnership, over the programme year."""
    evaluator = journey.actors["evaluator"]
    ids = journey.organisation_ids
    common = {
        "partnership_id": journey.partnership_id,
        "starts_on": PROGRAMME_START.isoformat(),
        "ends_on": PROGRAMME_END.isoformat(),
    }
    sides = (
        ("citizen_course", ids["provider"], {**CITIZEN_COURSE_TERMS, "cap_total": COURSE_CAP_TOTAL}),
        ("company_accelerator", ids["company"], COMPANY_ACCELERATOR_TERMS),
    )
    for side, payee, terms in sides:
        body = {**common, "side": side, "payee_id": payee, **terms}
        journey.contracts[side] = answer(evaluator.post("/v1/contracts", body, key=f"journey:contract:{side}"))


def settle(journey: Journey, period: dict[str, str]) -> None:
    """Evaluator: a statement of both contracts for the period."""
    evaluator = journey.actors["evaluator"]
    for side, contract in journey.contracts.items():
        request = {"contract_id": contract["id"], **period}
        statement = answer(evaluator.post("/v1/settlements", request, key=f"journey:settle:{side}:{period['from']}"))
        journey.settlements.setdefault(side, []).append(statement)


def evaluate(journey: Journey) -> None:
    """Evaluator: the rate card the contracts use, and the evaluation of the programme year."""
    evaluator = journey.actors["evaluator"]
    card_id = journey.contracts["citizen_course"]["rate_card_id"]
    journey.rate_card = answer(evaluator.http.get(f"/v1/rate-cards/{card_id}"), 200)
    query = {"municipality": MUNICIPALITY, **PERIOD}
    journey.evaluation = answer(evaluator.http.get("/v1/evaluations", params=query), 200)


@pytest.fixture(scope="module")
def journey(stack: Stack, gateway: httpx.Client, admin_headers: dict[str, str]) -> Iterator[Journey]:
    actors = open_municipality_with_clients(stack, gateway, admin_headers)
    try:
        journey = Journey(programme=build_programme(programme_taxonomy()), actors=actors)
        sync_registry(journey)
        assign_seats(journey)
        wait_for_outcomes_projection(journey)
        events = plan_outcomes(journey)
        on_time = [e for e in events if e["citizen_id"] not in journey.late_citizens]
        record_outcomes(journey, [e for e in on_time if e["occurred_on"] < MIDYEAR.isoformat()])
        write_contracts(journey)
        settle(journey, STATEMENTS[0])
        record_outcomes(journey, [e for e in on_time if e["occurred_on"] >= MIDYEAR.isoformat()])
        record_outcomes(journey, [e for e in events if e["citizen_id"] in journey.late_citizens])
        correct_a_settled_benefit_change(journey)
        settle(journey, STATEMENTS[1])
        evaluate(journey)
        yield journey
    finally:
        for actor in actors.values():
            actor.http.close()


# -- what must hold ------------------------------------------------------------------------------


def test_each_actor_is_refused_what_its_scopes_do_not_grant(journey: Journey) -> None:
    jobcenter, caseworker, evaluator = (journey.actors[name] for name in ("jobcenter", "caseworker", "evaluator"))
    citizen_id = next(iter(journey.enrolled_on))
    refused = [
        caseworker.post("/v1/citizens:batch", {"items": [journey.programme.citizens[0]]}),
        evaluator.post("/v1/outcome-events:batch", {"items": journey.event_batches[0]}),
        jobcenter.http.get("/v1/recommendations", params={"citizen_id": citizen_id}),
        jobcenter.http.get("/v1/evaluations", params={"municipality": MUNICIPALITY, **PERIOD}),
        caseworker.post("/v1/settlements", {"contract_id": journey.contracts["citizen_course"]["id"], **PERIOD}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused), [r.text[:200] for r in refused]


def test_replayed_citizen_batch_answers_the_same_and_creates_nobody(journey: Journey) -> None:
    key, body, first = journey.citizen_batches[0]
    replay = journey.actors["jobcenter"].post("/v1/citizens:batch", body, key=key)
    assert replay.status_code == 200
    assert replay.json() == first
    assert not [national_id for national_id in journey.programme.national_ids if national_id in replay.text]
    # The same citizens under a new key: an upsert by external_ref that finds nothing to change.
    resent = answer(journey.actors["jobcenter"].post("/v1/citizens:batch", body, key=f"{key}:resent"), 200)
    assert [item["status"] for item in resent["items"]] == ["unchanged"] * len(body["items"])
    assert [item["id"] for item in resent["items"]] == [item["id"] for item in first["items"]]


def test_one_bad_citizen_is_refused_alone_and_its_national_id_is_not_echoed(journey: Journey) -> None:
    _, body, result = journey.citizen_batches[-1]
    assert body["items"][-1] is journey.programme.rejected
    refused = result["items"][-1]
    assert refused["status"] == "error"
    assert refused["problem"]["status"] == 422
    assert any("national_id" in error["field"] for error in refused["problem"]["errors"]), refused["problem"]
    assert journey.programme.rejected["national_id"] not in str(refused)
    assert [item["status"] for item in result["items"][:-1]] == ["created"] * (len(body["items"]) - 1)


def test_recommendations_for_a_citizen_rank_the_municipalitys_openings(journey: Journey) -> None:
    citizen_id = next(iter(journey.enrolled_on))
    items = recommended(journey.actors["caseworker"], citizen_id=citizen_id)
    assert_ranked_and_explained(items)
    assert {item["citizen_id"] for item in items} == {citizen_id}
    assert {item["opening_id"] for item in items} <= set(journey.opening_ids.values())


def test_recommendations_never_show_a_neighbouring_municipalitys_look_alikes(
    journey: Journey, gateway: httpx.Client, admin_headers: dict[str, str]
) -> None:
    """Copies of the best opening and the best citizen, planted next door, stay out of Jammerbugt's lists."""
    caseworker = journey.actors["caseworker"]
    citizen_id = next(iter(journey.enrolled_on))
    best_opening = recommended(caseworker, citizen_id=citizen_id)[0]["opening_id"]
    best_citizen = recommended(caseworker, opening_id=best_opening)[0]["citizen_id"]
    admin = admin_headers  # tenant '*': writes to any municipality
    municipality = {"code": NEIGHBOUR, "name": "Rebild"}
    created = gateway.post("/v1/municipalities", json=municipality, headers={**admin, "Idempotency-Key": NEIGHBOUR})
    assert created.status_code == 201, created.text
    company = answer(gateway.post("/v1/organisations", json=neighbour_company(), headers=admin))
    openings = {journey.opening_ids[o["external_ref"]]: o for o in journey.programme.openings}
    opening = {k: v for k, v in openings[best_opening].items() if k != "employer"}
    opening |= {"municipality": NEIGHBOUR, "external_ref": "JOB-0840-0001", "organisation_id": company["id"]}
    citizen = {
        **journey.citizen_by_id[best_citizen],
        "municipality": NEIGHBOUR,
        "external_ref": "JC-840-000001",
        "national_id": NEIGHBOUR_NATIONAL_ID,
        "birth_year": 1985,
    }
    planted = []
    for path, item in (("/v1/openings:batch", opening), ("/v1/citizens:batch", citizen)):
        result = answer(gateway.post(path, json={"items": [item]}, headers=admin), 200)
        assert result["items"][0]["status"] == "created", result["items"][0]["problem"]
        planted.append(result["items"][0]["id"])
    look_alike_opening, look_alike_citizen = planted

    def matching_knows_them() -> bool | None:
        known = [
            gateway.get("/v1/recommendations", params={"opening_id": look_alike_opening}, headers=admin),
            gateway.get("/v1/recommendations", params={"citizen_id": look_alike_citizen}, headers=admin),
        ]
        return True if all(r.status_code == 200 for r in known) else None

    wait_until(matching_knows_them, timeout=FEED_DEADLINE, what="matching seeing the neighbour's look-alikes")
    for_citizen = [item["opening_id"] for item in recommended(caseworker, citizen_id=citizen_id, limit=100)]
    assert best_opening in for_citizen
    assert look_alike_opening not in for_citizen
    for_opening = [item["citizen_id"] for item in recommended(caseworker, opening_id=best_opening)]
    assert best_citizen in for_opening
    assert look_alike_citizen not in for_opening
    assert caseworker.http.get(f"/v1/citizens/{look_alike_citizen}").status_code == 404


def recommended(actor: Actor, *, limit: int = 10, **subject: str) -> list[dict[str, Any]]:
    """A non-empty recommendation list for `citizen_id=` or `opening_id=`."""
    response = actor.http.get("/v1/recommendations", params={**subject, "limit": limit})
    items: list[dict[str, Any]] = answer(response, 200)["items"]
    assert items, subject
    return items


def test_recommendations_for_an_opening_rank_the_municipalitys_consenting_citizens(journey: Journey) -> None:
    opening = journey.programme.openings[0]
    opening_id = journey.opening_ids[opening["external_ref"]]
    caseworker = journey.actors["caseworker"]
    response = caseworker.http.get("/v1/recommendations", params={"opening_id": opening_id, "limit": 25})
    items = answer(response, 200)["items"]
    assert items
    assert_ranked_and_explained(items)
    assert {item["opening_id"] for item in items} == {opening_id}
    citizens = journey.citizen_by_id
    assert {item["citizen_id"] for item in items} <= set(citizens)
    assert all(citizens[item["citizen_id"]]["consent"]["matching"] for item in items)
    assert all(citizens[i["citizen_id"]]["work_capacity_hours"] >= opening["hours_per_week"]["min"] for i in items)
    # The front end reads the top citizen: personal data comes back audited, the national id never.
    top = caseworker.http.get(f"/v1/citizens/{items[0]['citizen_id']}", headers={"X-Purpose": "journey match review"})
    body = answer(top, 200)
    assert body["has_national_id"] is True
    assert "national_id" not in body
    assert citizens[items[0]["citizen_id"]]["national_id"] not in top.text


def assert_ranked_and_explained(items: list[dict[str, Any]]) -> None:
    assert [item["rank"] for item in items] == list(range(1, len(items) + 1))
    scores = [item["score"] for item in items]
    assert all(0 <= score <= 1 for score in scores)
    assert scores == sorted(scores, reverse=True)
    for item in items:
        explanation = item["explanation"]
        for name in ("matched_skills", "missing_skills", "unmet_support_needs", "hours_fit", "distance_km"):
            assert name in explanation, name
        assert explanation["contributions"], "every score is explained per feature"
        assert all(isinstance(value, float) for value in explanation["contributions"].values())


def test_assignment_fills_the_company_seats_within_hours_and_uses_each_citizen_once(journey: Journey) -> None:
    assignment = journey.assignment
    openings = {journey.opening_ids[o["external_ref"]]: o for o in journey.programme.openings}
    company_openings = {i for i, o in openings.items() if o["employer"] == "company"}
    citizens = journey.citizen_by_id
    pairs = assignment["assignments"]
    seats = sum(openings[i]["seats"] for i in company_openings)
    assert assignment["seats"] == seats
    assert len(pairs) == seats, "the cohort is large enough to fill every seat"
    assert len({pair["citizen_id"] for pair in pairs}) == len(pairs)
    assert {pair["citizen_id"] for pair in pairs} <= set(journey.enrolled_on)
    assert {pair["opening_id"] for pair in pairs} <= company_openings
    used = Counter(pair["opening_id"] for pair in pairs)
    assert all(used[opening_id] <= openings[opening_id]["seats"] for opening_id in used)
    for pair in pairs:
        capacity = citizens[pair["citizen_id"]]["work_capacity_hours"]
        assert capacity >= openings[pair["opening_id"]]["hours_per_week"]["min"]
        assert 0 <= pair["score"] <= 1
    assert {pair["citizen_id"] for pair in pairs}.isdisjoint(item["citizen_id"] for item in assignment["unassigned"])


def test_settlements_pay_both_sides_for_the_placements_they_count(journey: Journey) -> None:
    placed = {e["citizen_id"] for e in journey.events if e["type"] == "placement_started"}
    assigned = {pair["citizen_id"] for pair in journey.assignment["assignments"]}
    course, company = (all_lines(journey, side) for side in ("citizen_course", "company_accelerator"))
    started = {line["citizen_id"] for line in course if line["milestone"] == "placement_started"}
    assert started == placed
    hired = {line["citizen_id"] for line in company if line["milestone"] == "placement_started"}
    assert hired == assigned, "the company side counts only hires at the partnership's company"
    assert any(line["kind"] == "savings_share" for line in course)


def test_facts_reported_late_are_paid_as_adjustments_in_the_next_statement(journey: Journey) -> None:
    first, second = journey.settlements["citizen_course"]
    late = journey.late_citizens
    assert not [line for line in first["lines"] if line["citizen_id"] in late]
    starts = [
        line for line in second["lines"] if line["citizen_id"] in late and line["milestone"] == "placement_started"
    ]
    assert {line["citizen_id"] for line in starts} == late
    for line in starts:
        assert line["reached_on"] < MIDYEAR.isoformat()
        assert line["kind"] == "adjustment"
        assert line["reason"] in ("late", "cap")
    first_half_shares = [
        line
        for line in second["lines"]
        if line["milestone"] == "savings_share" and line["period_from"] == PROGRAMME_START.isoformat()
    ]
    assert {line["citizen_id"] for line in first_half_shares} <= late | {journey.correction["citizen_id"]}
    assert all(line["kind"] == "adjustment" for line in first_half_shares)


def test_a_corrected_fact_reverses_what_was_paid_on_it_in_the_next_statement(journey: Journey) -> None:
    first, second = journey.settlements["citizen_course"]
    citizen_id = journey.correction["citizen_id"]

    def first_half_share(statement: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            line
            for line in statement["lines"]
            if line["citizen_id"] == citizen_id
            and line["milestone"] == "savings_share"
            and line["period_from"] == PROGRAMME_START.isoformat()
        ]

    (paid,) = first_half_share(first)
    assert paid["amount"] > 0
    (reversal,) = first_half_share(second)
    assert reversal["kind"] == "adjustment"
    assert reversal["reason"] == "correction"
    assert reversal["entitled"] < 0
    assert -paid["amount"] <= reversal["amount"] < 0


@pytest.mark.parametrize("side", ["citizen_course", "company_accelerator"])
def test_settlement_lines_follow_tariffs_premiums_and_caps(journey: Journey, side: str) -> None:
    contract = journey.contracts[side]
    citizens = journey.citizen_by_id
    paid: Counter[str] = Counter()
    for statement in journey.settlements[side]:
        assert statement["total"] == sum(line["amount"] for line in statement["lines"])
        for line in statement["lines"]:
            assert PROGRAMME_START.isoformat() <= line["reached_on"] < statement["to"]
            assert line["reached_on"] >= statement["from"] or line["kind"] == "adjustment", line
            assert line["target_group"] == citizens[line["citizen_id"]]["target_group"]
            if line["entitled"] >= 0:
                assert 0 <= line["amount"] <= line["entitled"]
                assert line["reason"] == "cap" or line["amount"] == line["entitled"]
            else:
                assert line["entitled"] <= line["amount"] <= 0
            if line["milestone"] != "savings_share" and line["reason"] != "correction":
                premium = Fraction(contract["premium_percent"].get(line["target_group"], "0"))
                tariff = contract["tariffs"][line["milestone"]] * (1 + premium / 100)
                assert line["entitled"] == round_half_away(tariff), line
            paid[line["citizen_id"]] += line["amount"]
    assert sum(paid.values()) <= contract["cap_total"]
    evaluator = journey.actors["evaluator"]
    for statement in journey.settlements[side]:
        exported = evaluator.http.get(f"/v1/settlements/{statement['id']}.csv")
        assert exported.status_code == 200
        rows = exported.text.strip().splitlines()
        assert len(rows) == 1 + len(statement["lines"]) + 1  # header, lines, total
        assert rows[-1].split(",")[6] == str(statement["total"])
    assert max(paid.values()) <= contract["cap_per_citizen"]


def test_replayed_events_and_settlement_change_nothing(journey: Journey) -> None:
    jobcenter, evaluator = journey.actors["jobcenter"], journey.actors["evaluator"]
    batch = journey.event_batches[0]
    result = answer(jobcenter.post("/v1/outcome-events:batch", {"items": batch}), 200)
    assert [r["status"] for r in result["items"]] == ["unchanged"] * len(batch)
    citizen_id = batch[0]["citizen_id"]
    recorded = answer(evaluator.http.get("/v1/outcome-events", params={"citizen_id": citizen_id, "limit": 100}), 200)
    assert sorted(e["id"] for e in recorded["items"]) == sorted(
        e["id"] for e in journey.events if e["citizen_id"] == citizen_id
    )
    first, second = journey.settlements["citizen_course"]
    request = {"contract_id": first["contract_id"], **STATEMENTS[0]}
    again = evaluator.post("/v1/settlements", request, key=f"journey:settle:citizen_course:{STATEMENTS[0]['from']}")
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")  # the first answer
    assert again.json() == first
    assert answer(evaluator.post("/v1/settlements", request), 200) == first
    listed = answer(evaluator.http.get("/v1/settlements", params={"contract_id": first["contract_id"]}), 200)
    assert sorted(item["id"] for item in listed["items"]) == sorted([first["id"], second["id"]])
    evaluation = answer(evaluator.http.get("/v1/evaluations", params={"municipality": MUNICIPALITY, **PERIOD}), 200)
    assert evaluation == journey.evaluation


def all_lines(journey: Journey, side: str | None = None) -> list[dict[str, Any]]:
    sides = [side] if side else list(journey.settlements)
    return [line for name in sides for statement in journey.settlements[name] for line in statement["lines"]]


def test_evaluation_equals_the_settlement_lines(journey: Journey) -> None:
    evaluation = journey.evaluation
    assert evaluation["outcome_payments"] == sum(line["amount"] for line in all_lines(journey))
    totals = [statement["total"] for statements in journey.settlements.values() for statement in statements]
    assert len(totals) == 2 * len(STATEMENTS)
    assert evaluation["outcome_payments"] == sum(totals)
    assert evaluation["outcome_payments"] == sum(month["outcome_payments"] for month in evaluation["by_month"])
    assert evaluation["outcome_payments"] > 0


def test_evaluation_savings_equal_the_savings_engine_over_the_same_events(journey: Journey) -> None:
    lines = engine_savings(journey, parse_rate_card(journey.rate_card["document"]))
    evaluation = journey.evaluation
    assert evaluation["gross_saving"] == int(lines.gross.sum())
    assert evaluation["municipal_saving"] == int(lines.municipal.sum())
    assert evaluation["state_saving"] == int(lines.state.sum())
    assert evaluation["state_saving"] == evaluation["gross_saving"] - evaluation["municipal_saving"]
    assert evaluation["gross_saving"] > 0, "placements reduced benefit spending"


def test_evaluation_months_equal_a_day_by_day_reading_of_the_rules(journey: Journey) -> None:
    """An independent hand computation (ECONOMICS §1-§3, every day of every citizen) gives the same øre."""
    expected: dict[str, Counter[str]] = defaultdict(Counter)
    citizens = journey.citizen_by_id
    for citizen_id, enrolled_on in journey.enrolled_on.items():
        benefit = citizens[citizen_id]["benefit"]
        own = [item for item in journey.events if item["citizen_id"] == citizen_id]
        for (year, month), line in monthly_lines(
            enrolled_on=enrolled_on,
            since=dt.date.fromisoformat(benefit["since"]),
            baseline_monthly=benefit["monthly_amount"],
            changes=cost_changes(own),
            period=(PROGRAMME_START, PROGRAMME_END),
            card=journey.rate_card["document"],
        ).items():
            key = f"{year:04d}-{month:02d}"
            expected[key].update(gross_saving=line.gross, municipal_saving=line.municipal, state_saving=line.state)
    months = [str(month) for month in months_between(PROGRAMME_START, PROGRAMME_END)]
    by_month = journey.evaluation["by_month"]
    assert [row["month"] for row in by_month] == months
    for row in by_month:
        for name in ("gross_saving", "municipal_saving", "state_saving"):
            assert row[name] == expected[row["month"]][name], (row["month"], name)
    for name in ("gross_saving", "municipal_saving", "state_saving"):
        assert journey.evaluation[name] == sum(row[name] for row in by_month)


def test_evaluation_net_gain_follows_the_rules_of_account(journey: Journey) -> None:
    evaluation = journey.evaluation
    card = parse_rate_card(journey.rate_card["document"])
    costs = (
        ENROLLED * card.unit_costs["citizen_course_per_citizen"] + card.unit_costs["company_accelerator_per_company"]
    )
    assert evaluation["programme_costs"] == costs
    net_gain = evaluation["municipal_saving"] - evaluation["programme_costs"] - evaluation["outcome_payments"]
    assert evaluation["net_gain"] == net_gain
    assert evaluation["economic_gain"] is (net_gain > 0)
    outlays = evaluation["programme_costs"] + evaluation["outcome_payments"]
    assert evaluation["roi"] == pytest.approx(float(Fraction(net_gain, outlays)))
    assert evaluation["scope"]["municipality"] == MUNICIPALITY
    assert list(evaluation["by_partnership"]) == [journey.partnership_id]
    assert sum(group["citizens"] for group in evaluation["by_target_group"].values()) == ENROLLED


def test_evaluation_breaks_down_by_month_partnership_and_target_group(journey: Journey) -> None:
    evaluation, months = journey.evaluation, journey.evaluation["by_month"]
    card = parse_rate_card(journey.rate_card["document"])
    per_citizen = card.unit_costs["citizen_course_per_citizen"]
    assert months[0]["programme_costs"] == evaluation["programme_costs"], "costs fall in the enrolment month"
    assert sum(month["programme_costs"] for month in months) == evaluation["programme_costs"]
    totals = ("gross_saving", "municipal_saving", "state_saving", "programme_costs", "outcome_payments", "net_gain")
    assert {name: evaluation["by_partnership"][journey.partnership_id][name] for name in totals} == {
        name: evaluation[name] for name in totals
    }
    groups = evaluation["by_target_group"].values()
    for name in ("gross_saving", "municipal_saving", "state_saving", "outcome_payments"):
        assert sum(group[name] for group in groups) == evaluation[name], name
    assert sum(group["programme_costs"] for group in groups) == ENROLLED * per_citizen
    # Break-even: the first month whose cumulative municipal savings cover cumulative costs and payments.
    saved = spent = 0
    break_even = None
    for month in months:
        saved += month["municipal_saving"]
        spent += month["programme_costs"] + month["outcome_payments"]
        if break_even is None and saved >= spent and (saved or spent):
            break_even = month["month"]
    assert evaluation["break_even_month"] == break_even
    # Present value: month 0 is the programme's first month, the rate card's annual rate per month.
    factor = (1 + float(card.discount_rate)) ** (1 / 12)
    net = [m["municipal_saving"] - m["programme_costs"] - m["outcome_payments"] for m in months]
    present = sum(amount / factor**index for index, amount in enumerate(net))
    assert abs(evaluation["net_gain_present_value"] - present) <= 1


def test_evaluation_of_the_partnership_equals_the_municipalitys_with_one_partnership(journey: Journey) -> None:
    query = {"partnership_id": journey.partnership_id, **PERIOD}
    evaluation = answer(journey.actors["evaluator"].http.get("/v1/evaluations", params=query), 200)
    names = ("gross_saving", "municipal_saving", "state_saving", "programme_costs", "outcome_payments", "net_gain")
    assert {name: evaluation[name] for name in names} == {name: journey.evaluation[name] for name in names}
    assert evaluation["by_month"] == journey.evaluation["by_month"]


def test_evaluation_chart_is_drawn_for_the_evaluator(journey: Journey) -> None:
    query = {"municipality": MUNICIPALITY, **PERIOD}
    chart = journey.actors["evaluator"].http.get("/v1/evaluations/chart.svg", params=query)
    assert chart.status_code == 200, chart.text[:300]
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in chart.text


def engine_savings(journey: Journey, card: RateCard) -> MonthlySavings:
    """The outcomes savings engine, in-process, over the events the jobcenter posted and the cohort's benefits."""
    citizens = journey.citizen_by_id
    events: dict[str, list[OutcomeEvent]] = defaultdict(list)
    for sequence, item in enumerate(journey.events, start=1):
        events[item["citizen_id"]].append(
            OutcomeEvent(
                id=item["id"],
                citizen_id=item["citizen_id"],
                type=item["type"],
                occurred_on=dt.date.fromisoformat(item["occurred_on"]),
                data=item["data"],
                sequence=sequence,
            )
        )
    paths = []
    for citizen_id, enrolled_on in journey.enrolled_on.items():
        benefit = citizens[citizen_id]["benefit"]
        paths.append(
            benefit_path(
                enrolled_on=enrolled_on,
                since=dt.date.fromisoformat(benefit["since"]),
                at_enrolment=Benefit(benefit["type"], benefit["monthly_amount"]),
                events=effective_events(events[citizen_id]),
            )
        )
    return monthly_savings(paths, months_between(PROGRAMME_START, PROGRAMME_END), card.staircase)


def test_no_national_id_or_client_secret_reaches_any_service_log(journey: Journey, stack: Stack) -> None:
    logs = service_logs(stack)
    assert logs, "the services write logs"
    leaked = [national_id for national_id in journey.programme.national_ids if national_id in logs]
    assert not leaked, f"{len(leaked)} national ids found in the service logs"
    secrets = [actor.client_secret for actor in journey.actors.values()] + [stack.secrets["admin_client_secret"]]
    assert not [secret for secret in secrets if secret in logs], "a client secret is in the service logs"
