"""Erasure that erases, proved on the running system (issue 17): a citizen with distinctive values is
created, enrolled, recommended, decided on, given outcome events, read and exported; then erased
while outcomes is stopped (the status must stay `pending`), and, once outcomes is back and the
status says `completed`, every table of every service's database, the whole change feed and every
service's log are searched for the erased values. None may be found. A control citizen, treated
the same but not erased, must still be found everywhere its values were: the search works.

No settlement is computed for the erased citizen, so no benefit amount was "used by a settlement"
and none may survive in outcomes' pseudonymous shell either. Outcomes' database and export part are
asserted in a test of their own, so a failure names the side that keeps the values.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from devstack.stack import SERVICES, Stack
from taxonomy import load_taxonomy

from .conftest import service_logs
from .polling import wait_until
from .security_support import post_once_known
from .vocabulary import occupation_code, skill_code

MUNICIPALITY = "DK-0787"  # Thisted: no other end-to-end test writes to it
SCOPES = [
    "citizens:read",
    "citizens:write",
    "openings:write",
    "organisations:write",
    "outcomes:read",
    "outcomes:write",
    "matching:read",
    "matching:run",
]
FEED_DEADLINE = 120
# Reference data every citizen's skill code is drawn from: finding a skill code there says nothing
# about a citizen (matching keeps the taxonomy it ranks with).
REFERENCE_TABLES = {("matching", "taxonomy_skills"), ("matching", "taxonomy_occupations")}


def rare_skills() -> list[str]:
    """Skill codes no programme occupation uses (so no other test's citizen holds them), last first."""
    esco = os.environ.get("ESCO_DIR")
    book = load_taxonomy(Path(esco) if esco else None)
    used = {skill_code()}
    for item in book.programme_occupations():
        used.update(item.occupation.essential_skills, item.occupation.optional_skills)
    rare = sorted(set(book.skills) - used, reverse=True)
    assert len(rare) >= 2, "the taxonomy has no skills outside the programme's occupations"
    return rare


def person(
    *, label: str, name: str, born: int, lat: float, lon: float, benefit: int, skill: str, need: str
) -> dict[str, Any]:
    """A citizen payload; the CPR's 7th digit 0-3 places its year (`born` - 1900) in the 1900s."""
    rng = random.Random(label)
    national_id = f"{rng.randint(10, 28):02d}{rng.randint(1, 12):02d}{born - 1900:02d}{rng.randint(0, 3999):04d}"
    return {
        "external_ref": f"{label.upper()}-{uuid.uuid4().hex[:12]}",
        "name": name,
        "national_id": national_id,
        "birth_year": born,
        "target_group": "cash_benefit",
        "benefit": {
            "type": "kontanthjaelp_30_plus",
            "monthly_amount": benefit,
            "currency": "DKK",
            "since": "2026-01-01",
        },
        "work_capacity_hours": 20,
        "skills": [{"code": skill_code(), "level": "basic"}, {"code": skill, "level": "advanced"}],
        "support_needs": [{"code": need, "essential": False}],
        "interests": [occupation_code()],
        "location": {"postcode": "7700", "lat": lat, "lon": lon},
        "consent": {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"},
    }


@dataclass
class Subject:
    """A citizen of the test, the values that identify them, and what the services answered."""

    body: dict[str, Any]
    reason_text: str
    event_amount: int
    id: str = ""
    create_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    needles: dict[str, str] = field(default_factory=dict)
    export: dict[str, Any] = field(default_factory=dict)

    def fill_needles(self, pseudonym: str, ciphertext: str) -> None:
        """The values to search for, without whitespace (the haystacks have none)."""
        body = self.body
        values = {
            "name": body["name"],
            "external_ref": body["external_ref"],
            "national_id": body["national_id"],
            "pseudonym": pseudonym,
            "ciphertext": ciphertext[:40],
            "birth_year": f'"birth_year":{body["birth_year"]}',
            "lat": str(body["location"]["lat"]),
            "lon": str(body["location"]["lon"]),
            "skill": body["skills"][1]["code"],
            "support_need": body["support_needs"][0]["code"],
            "benefit_amount": str(body["benefit"]["monthly_amount"]),
            "event_benefit_amount": str(self.event_amount),
            "decision_text": self.reason_text,
        }
        self.needles = {key: re.sub(r"\s", "", value) for key, value in values.items()}


@dataclass
class World:
    stack: Stack
    gateway: httpx.Client
    admin: dict[str, str]
    jobcenter: dict[str, str]
    opening_id: str = ""
    partnership_id: str = ""
    company_id: str = ""


def idem(headers: dict[str, str], key: str | None = None) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key or uuid.uuid4().hex}


def ok(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in (statuses or (200, 201)), (
        response.request.url,
        response.status_code,
        response.text[:800],
    )
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def world(stack: Stack, gateway: httpx.Client, admin_headers: dict[str, str]) -> World:
    """Thisted with a jobcenter client, a partnership and one opening the citizens are ranked against."""
    ok(
        gateway.post("/v1/municipalities", json={"code": MUNICIPALITY, "name": "Thisted"}, headers=idem(admin_headers)),
        201,
        409,
    )
    client_id, secret = stack.create_client("erasure-jobcenter", MUNICIPALITY, SCOPES)
    jobcenter = {"Authorization": f"Bearer {stack.token(client_id, secret)}"}
    found = World(stack, gateway, admin_headers, jobcenter)
    ids = {}
    for kind in ("company", "business_council", "provider"):
        body: dict[str, Any] = {"kind": kind, "name": f"Thy {kind} {uuid.uuid4().hex[:6]}"}
        if kind == "company":
            body["registration_number"] = "37413712"  # modulus 11 holds
        ids[kind] = ok(gateway.post("/v1/organisations", json=body, headers=idem(jobcenter)))["id"]
    found.company_id = ids["company"]
    found.partnership_id = ok(
        gateway.post(
            "/v1/partnerships",
            json={
                "company_id": ids["company"],
                "business_council_id": ids["business_council"],
                "provider_id": ids["provider"],
                "starts_on": "2026-01-01",
                "ends_on": "2027-12-31",
            },
            headers=idem(jobcenter),
        )
    )["id"]
    found.opening_id = ok(
        gateway.post(
            "/v1/openings",
            json={
                "external_ref": f"THY-JOB-{uuid.uuid4().hex[:10]}",
                "organisation_id": ids["company"],
                "title": "Køkkenmedhjælper",
                "occupation": occupation_code(),
                "skills": [{"code": skill_code(), "essential": True}],
                "hours_per_week": {"min": 10, "max": 25},
                "seats": 2,
                "flexjob": False,
                "location": {"postcode": "7700", "lat": 56.95, "lon": 8.69},
                "status": "open",
            },
            headers=idem(jobcenter),
        )
    )["id"]
    return found


def live_through_the_programme(world: World, subject: Subject) -> None:
    """Create, enrol, recommend, decide, record outcomes, read and export: every service holds them."""
    gateway, jobcenter = world.gateway, world.jobcenter
    created = ok(gateway.post("/v1/citizens", json=subject.body, headers=idem(jobcenter, subject.create_key)), 201)
    subject.id = created["id"]
    enrolment = {
        "programme": "citizen_course",
        "citizen_id": subject.id,
        "partnership_id": world.partnership_id,
        "started_on": "2026-02-01",
    }
    ok(gateway.post("/v1/enrolments", json=enrolment, headers=idem(jobcenter)), 201)

    answers: list[httpx.Response] = []

    def recommended() -> list[dict[str, Any]] | None:
        answers.append(gateway.get("/v1/recommendations", params={"citizen_id": subject.id}, headers=jobcenter))
        items = answers[-1].json().get("items") if answers[-1].status_code == 200 else None
        return items or None

    try:
        items = wait_until(recommended, timeout=FEED_DEADLINE, what="matching recommending for the citizen")
    except TimeoutError as exc:
        raise AssertionError(f"last answer {answers[-1].status_code}: {answers[-1].text[:500]}") from exc
    decision = {
        "citizen_id": subject.id,
        "recommendation_log_id": items[0]["recommendation_log_id"],
        "opening_id": items[0]["opening_id"],
        "decision": "rejected",
        "reason_code": "commute",
        "reason_text": subject.reason_text,
    }
    ok(gateway.post("/v1/decisions", json=decision, headers=idem(jobcenter)), 201)

    events = [
        {
            "id": f"{subject.id}:placement",
            "citizen_id": subject.id,
            "type": "placement_started",
            "occurred_on": "2026-03-02",
            "data": {"organisation_id": world.company_id, "hours_per_week": 15, "kind": "ordinary"},
        },
        {
            "id": f"{subject.id}:benefit",
            "citizen_id": subject.id,
            "type": "benefit_changed",
            "occurred_on": "2026-03-02",
            "data": {"type": "kontanthjaelp_30_plus", "monthly_amount": subject.event_amount},
        },
    ]
    for event in events:  # 422 until outcomes has the citizen from the feed
        post_once_known(gateway, "/v1/outcome-events", event, jobcenter)

    # Read everywhere (every read is on the access log the export carries).
    ok(gateway.get(f"/v1/citizens/{subject.id}", headers=jobcenter), 200)
    ok(gateway.get("/v1/recommendation-logs", params={"citizen_id": subject.id}, headers=jobcenter), 200)
    ok(gateway.get("/v1/decisions", params={"citizen_id": subject.id}, headers=jobcenter), 200)
    read = ok(gateway.get("/v1/outcome-events", params={"citizen_id": subject.id}, headers=jobcenter), 200)
    assert {e["id"] for e in read["items"]} == {e["id"] for e in events}
    subject.export = ok(gateway.get(f"/v1/citizens/{subject.id}/export", headers=world.admin), 200)


# -- searching everything ---------------------------------------------------------------------------


async def _rows_as_text(owner_url: str) -> dict[str, str]:
    """Every row of every table (information_schema), as JSON text without whitespace, per table."""
    conn = await asyncpg.connect(owner_url)
    try:
        tables = await conn.fetch(
            "select table_schema, table_name from information_schema.tables"
            " where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')"
        )
        found = {}
        for table in tables:
            rows = await conn.fetch(
                f'select row_to_json(t)::text as j from "{table["table_schema"]}"."{table["table_name"]}" t'
            )
            found[table["table_name"]] = re.sub(r"\s", "", "\n".join(r["j"] for r in rows))
        return found
    finally:
        await conn.close()


def every_database(stack: Stack) -> dict[tuple[str, str], str]:
    """(service, table) → its rows as text, for the gateway and every service."""
    haystacks: dict[tuple[str, str], str] = {}
    for service in ("gateway", *SERVICES):
        tables = asyncio.run(_rows_as_text(stack.databases[service].owner_url))
        haystacks.update({(service, table): text for table, text in tables.items()})
    return haystacks


def whole_feed(stack: Stack) -> str:
    """The registry's change feed from the start, as a follower reads it (its own service token)."""
    token = stack.token(*stack.service_clients["matching"])
    pages: list[str] = []
    after = ""
    with httpx.Client(base_url=stack.url("registry"), headers={"Authorization": f"Bearer {token}"}) as registry:
        while True:
            page = registry.get("/internal/v1/changes", params={"after": after, "limit": 1000})
            assert page.status_code == 200, page.text
            body = page.json()
            if not body["items"]:
                return re.sub(r"\s", "", "".join(pages))
            pages.append(page.text)
            after = body["next_cursor"]


def places_of(needles: dict[str, str], haystacks: dict[tuple[str, str], str]) -> dict[str, list[str]]:
    """For each value, where it was found ("service.table", "feed", "logs")."""
    found: dict[str, list[str]] = {}
    for key, value in needles.items():
        places = [
            f"{service}.{table}"
            for (service, table), text in haystacks.items()
            if value in text and not (key == "skill" and (service, table) in REFERENCE_TABLES)
        ]
        if places:
            found[key] = places
    return found


def owner_fetch(stack: Stack, service: str, query: str, *args: Any) -> Any:
    async def run() -> Any:
        conn = await asyncpg.connect(stack.databases[service].owner_url)
        try:
            return await conn.fetchrow(query, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


# -- the proof -----------------------------------------------------------------------------------


@dataclass
class Erasure:
    """What the scenario saw: the two citizens, the searches before and after, the status answers."""

    erased: Subject
    control: Subject
    before: dict[tuple[str, str], str]
    after: dict[tuple[str, str], str]
    while_outcomes_down: dict[str, Any]
    completed: dict[str, Any]
    replay: httpx.Response


def subjects() -> tuple[Subject, Subject]:
    skills = rare_skills()
    erased = Subject(
        person(
            label="erase-e2e",
            name="Quintus Slettemand-Zyx",
            born=1903,
            lat=56.954321,
            lon=8.694321,
            benefit=1_234_577,
            skill=skills[0],
            need="x-erasure-e2e-need",
        ),
        reason_text="Qzx-note: no car, lives with her brother Slettemand",
        event_amount=8_765_431,
    )
    control = Subject(
        person(
            label="control-e2e",
            name="Kirstine Bevaret-Kontrol",
            born=1904,
            lat=56.951111,
            lon=8.691111,
            benefit=1_234_588,
            skill=skills[1],
            need="x-control-e2e-need",
        ),
        reason_text="Kqv-note: prefers mornings, control citizen",
        event_amount=8_765_442,
    )
    return erased, control


@pytest.fixture(scope="module")
def erasure(world: World) -> Erasure:
    """Both citizens through the programme; the search before; the erasure with outcomes stopped;
    outcomes back; `completed`; a replay of the create; the search after."""
    stack, gateway, jobcenter = world.stack, world.gateway, world.jobcenter
    erased, control = subjects()
    for subject in (control, erased):
        live_through_the_programme(world, subject)
        row = owner_fetch(
            stack,
            "registry",
            "select encode(national_id_pseudonym, 'hex') p, encode(national_id_ciphertext, 'hex') c"
            " from citizens where id = $1",
            uuid.UUID(subject.id),
        )
        subject.fill_needles(row["p"], row["c"])
    before = {**every_database(stack), ("registry", "feed"): whole_feed(stack)}

    status_url = f"/v1/citizens/{erased.id}/erasure"

    def progress_when(ready: Any) -> Any:
        def look() -> dict[str, Any] | None:
            answer = gateway.get(status_url, headers=jobcenter)
            body: dict[str, Any] = answer.json() if answer.status_code == 200 else {}
            return body if body and ready(body) else None

        return look

    # Erase while outcomes is stopped; matching applies the erasure, outcomes cannot be asked.
    stack.kill("outcomes")
    try:
        headers = {**jobcenter, "X-Purpose": "the citizen asked to be erased (GDPR art. 17)"}
        assert gateway.delete(f"/v1/citizens/{erased.id}", headers=headers).status_code == 204
        matching_done = progress_when(
            lambda body: {f["service"]: f["state"] for f in body["followers"]}.get("matching") == "applied"
        )
        while_down = wait_until(matching_done, timeout=FEED_DEADLINE, what="matching applying the erasure")
    finally:
        stack.restart("outcomes")
    everywhere = progress_when(lambda body: body["status"] == "completed")
    completed = wait_until(everywhere, timeout=FEED_DEADLINE, what="every follower applying the erasure")
    replay = gateway.post("/v1/citizens", json=erased.body, headers=idem(jobcenter, erased.create_key))
    after = {
        **every_database(stack),
        ("registry", "feed"): whole_feed(stack),
        ("all services", "logs"): re.sub(r"\s", "", service_logs(stack)),
    }
    return Erasure(erased, control, before, after, while_down, completed, replay)


def states(progress: dict[str, Any]) -> dict[str, str]:
    return {f["service"]: f["state"] for f in progress["followers"]}


def test_the_search_finds_every_value_while_the_citizens_exist(erasure: Erasure) -> None:
    """The search is not vacuous: every value of both is found (the national id is never stored in clear)."""
    for subject in (erasure.erased, erasure.control):
        missing = sorted(set(subject.needles) - set(places_of(subject.needles, erasure.before)))
        assert missing == ["national_id"], f"the search does not find {missing}"


def test_the_export_gathers_the_registrys_and_matchings_parts(erasure: Erasure) -> None:
    export = erasure.erased.export
    assert export["schema_version"] == 1
    assert export["citizen"]["external_ref"] == erasure.erased.body["external_ref"]
    matching_part = export["held_by_other_services"]["matching"]
    assert matching_part["status"] == "included", matching_part
    assert matching_part["export"]["recommendation_logs"], "the lists served are in the export"
    assert [d["reason_text"] for d in matching_part["export"]["decisions"]] == [erasure.erased.reason_text]


def test_the_erasure_is_pending_while_a_follower_is_down_and_completed_once_both_applied_it(
    erasure: Erasure,
) -> None:
    assert erasure.while_outcomes_down["status"] == "pending"
    assert states(erasure.while_outcomes_down) == {"matching": "applied", "outcomes": "unavailable"}
    assert erasure.completed["status"] == "completed"
    assert states(erasure.completed) == {"matching": "applied", "outcomes": "applied"}
    assert erasure.completed["feed_seq"] == erasure.while_outcomes_down["feed_seq"]


def test_a_replayed_create_never_returns_the_erased_citizen(erasure: Erasure) -> None:
    assert erasure.replay.status_code in (404, 410), erasure.replay.text[:300]
    assert erasure.erased.body["external_ref"] not in erasure.replay.text


def test_no_erased_value_is_left_in_any_table_feed_or_log_outside_outcomes(erasure: Erasure) -> None:
    leaks = places_of(erasure.erased.needles, erasure.after)
    outside_outcomes = {
        key: kept for key, places in leaks.items() if (kept := [p for p in places if not p.startswith("outcomes.")])
    }
    assert outside_outcomes == {}


def test_the_control_citizen_is_still_found_everywhere(erasure: Erasure) -> None:
    found = places_of(erasure.control.needles, erasure.after)
    assert sorted(set(erasure.control.needles) - set(found)) == ["national_id"]


def test_outcomes_keeps_no_erased_value_and_exports_its_part(erasure: Erasure) -> None:
    """Asserted on its own so a failure names the side that keeps the values."""
    leaks = places_of(erasure.erased.needles, erasure.after)
    assert leaks == {}, f"outcomes keeps erased values: {leaks}"
    export = erasure.erased.export
    outcomes_part = export["held_by_other_services"]["outcomes"]
    assert outcomes_part["status"] == "included", outcomes_part
    assert {e["type"] for e in outcomes_part["export"]["outcome_events"]} >= {"placement_started", "benefit_changed"}
    assert export["complete"] is True
