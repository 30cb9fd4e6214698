"""Faults with real processes: kill and restart services, cut or slow connections with an in-test
TCP proxy, restart PostgreSQL, terminate its connections.

These tests start stacks of their own (never the session `stack` other modules share). The
figures they measure are printed (run with `-s` to see them); the only time bound asserted is a
generous one, the gateway's own upstream timeout.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devstack.demo import CITIZEN_COURSE_TERMS, benefit_effect, event
from devstack.postgres import free_port
from devstack.stack import Stack, StackConfig

from .conftest import service_logs
from .faults_support import (
    ADMIN_ID,
    ADMIN_SECRET,
    Programme,
    Traffic,
    citizen,
    create_programme,
    database_prefix,
    fetch,
    own_temp_dir,
    post_until_accepted,
    running_stack,
    stop_postgres,
    wait_until,
)
from .tcp_proxy import FaultyProxy

UPSTREAM_TIMEOUT = 3.0  # the gateway's, in these stacks: short, so a slow upstream answers 504 soon
PROBLEM_JSON = "application/problem+json"


def _report(figure: str) -> None:
    print(f"\n[faults] {figure}")


def _gateway_env(**upstream_urls: str) -> dict[str, str]:
    return {
        "GATEWAY_RATE_LIMIT": "100000/minute",
        "GATEWAY_UPSTREAM_TIMEOUT": str(UPSTREAM_TIMEOUT),
        "GATEWAY_BREAKER_RESET_SECONDS": "1",
        **{f"GATEWAY_{name.upper()}_URL": url for name, url in upstream_urls.items()},
    }


# -- one stack for the service faults, with proxies between the gateway and registry / outcomes ---
class ServiceFaults:
    def __init__(self, stack: Stack, registry_proxy: FaultyProxy, outcomes_proxy: FaultyProxy) -> None:
        self.stack = stack
        self.registry_proxy = registry_proxy
        self.outcomes_proxy = outcomes_proxy
        self.headers = {"Authorization": f"Bearer {stack.admin_token()}"}
        self.http = httpx.Client(base_url=stack.gateway_url, headers=self.headers, timeout=60)

    def recommendations(self, citizen_id: str) -> httpx.Response:
        return self.http.get("/v1/recommendations", params={"citizen_id": citizen_id})


@pytest.fixture(scope="class")
def faults(postgres_admin_url: str) -> Iterator[ServiceFaults]:
    ports = {"registry": free_port(), "outcomes": free_port()}
    proxies = {name: FaultyProxy(port).start() for name, port in ports.items()}
    try:
        with own_temp_dir("logs") as log_dir:
            config = StackConfig(
                gateway_port=free_port(),
                database_prefix=database_prefix(),
                admin_url=postgres_admin_url,
                log_dir=log_dir,
                admin_client_id=ADMIN_ID,
                admin_client_secret=ADMIN_SECRET,
                service_ports=ports,
                extra_env={"gateway": _gateway_env(**{n: f"http://127.0.0.1:{p.port}" for n, p in proxies.items()})},
            )
            with running_stack(config, postgres_admin_url) as stack:
                state = ServiceFaults(stack, proxies["registry"], proxies["outcomes"])
                try:
                    yield state
                finally:
                    state.http.close()
    finally:
        for proxy in proxies.values():
            proxy.stop()


@pytest.fixture(scope="class")
def programme(faults: ServiceFaults) -> Programme:
    return create_programme(faults.http, "matching")


def _create_citizen(faults: ServiceFaults, external_ref: str) -> str:
    response, _ = post_until_accepted(faults.http, "/v1/citizens", citizen(external_ref), key=f"faults:{external_ref}")
    return str(response.json()["id"])


def _recommended(faults: ServiceFaults, citizen_id: str, opening_id: str) -> bool:
    response = faults.recommendations(citizen_id)
    return response.status_code == 200 and opening_id in {i["opening_id"] for i in response.json()["items"]}


class TestServiceFaults:
    def test_killed_matching_answers_503_fast_while_registry_and_outcomes_keep_working(
        self, faults: ServiceFaults, programme: Programme
    ) -> None:
        citizen_id = _create_citizen(faults, "JC-FAULT-KNOWN")
        wait_until(
            lambda: _recommended(faults, citizen_id, programme.opening_id),
            timeout=120,
            what="matching recommends the opening for a citizen it learnt from the feed",
        )
        paths = {
            "matching": f"/v1/recommendations?citizen_id={citizen_id}",
            "registry": f"/v1/citizens/{citizen_id}",
            "outcomes": "/v1/rate-cards",
        }
        try:
            with Traffic(faults.stack.gateway_url, faults.headers, paths) as traffic:
                before = time.monotonic()
                for service in paths:
                    traffic.wait_for(service, 3, since=before)
                kill_sent_at = time.monotonic()
                faults.stack.kill("matching")
                killed_at = time.monotonic()
                for service in paths:
                    traffic.wait_for(service, 20, since=killed_at)
                ended_at = time.monotonic()
        finally:
            faults.stack.restart("matching")

        healthy = [a.status for a in traffic.between("matching", before, kill_sent_at)]
        assert healthy[:3] == [200, 200, 200]  # answers still in flight at the kill may be 503
        outage = traffic.between("matching", killed_at, ended_at)
        assert {a.status for a in outage} == {503}, outage
        assert all(a.content_type.startswith(PROBLEM_JSON) for a in outage)
        seconds = sorted(a.seconds for a in outage)
        _report(
            f"matching killed: {len(outage)} answers 503, median {statistics.median(seconds) * 1000:.1f} ms, "
            f"max {seconds[-1] * 1000:.1f} ms"
        )
        assert seconds[-1] < UPSTREAM_TIMEOUT
        for service in ("registry", "outcomes"):
            during = traffic.between(service, killed_at, ended_at)
            assert [a.status for a in during] == [200] * len(during), service

    def test_restarted_matching_catches_up_and_recommends_a_citizen_created_while_it_was_down(
        self, faults: ServiceFaults, programme: Programme
    ) -> None:
        faults.stack.kill("matching")
        try:
            citizen_id = _create_citizen(faults, "JC-FAULT-WHILE-DOWN")
            assert faults.recommendations(citizen_id).status_code == 503
        finally:
            faults.stack.restart("matching")
        restarted_at = time.monotonic()
        wait_until(
            lambda: _recommended(faults, citizen_id, programme.opening_id),
            timeout=120,
            what="the restarted matching recommends for the citizen created while it was down",
        )
        _report(f"matching restarted: recommends the new citizen {time.monotonic() - restarted_at:.1f} s after ready")

    def test_registry_killed_during_batch_sync_then_retry_with_same_key_stores_each_citizen_once(
        self, faults: ServiceFaults
    ) -> None:
        refs = [f"JC-KILL-{n:04d}" for n in range(1000)]
        body = {"items": [citizen(ref) for ref in refs]}
        key = f"faults:batch:{uuid.uuid4()}"
        registry_db = faults.stack.databases["registry"].name
        result: dict[str, Any] = {}

        def sync() -> None:
            try:
                result["response"], result["seen"] = post_until_accepted(
                    faults.http, "/v1/citizens:batch", body, key=key
                )
            except Exception as exc:  # shown by the assertion below, not lost in the thread
                result["error"] = exc

        client = threading.Thread(target=sync, name="batch-client")
        client.start()
        try:
            # The batch holds its Idempotency-Key's advisory lock for the whole transaction.
            wait_until(
                lambda: fetch(
                    faults.stack,
                    "registry",
                    "select 1 from pg_locks l join pg_database d on d.oid = l.database "
                    "where l.locktype = 'advisory' and d.datname = $1",
                    registry_db,
                ),
                timeout=60,
                interval=0.02,
                what="the registry is working on the batch",
            )
            faults.stack.kill("registry")
            stored_at_kill = _count_citizens(faults, refs)
            faults.stack.restart("registry")
        finally:
            client.join(timeout=240)
        assert not client.is_alive()
        assert "error" not in result, result.get("error")
        response: httpx.Response = result["response"]
        _report(f"registry killed mid-batch: {stored_at_kill} of 1000 stored at the kill; retries saw {result['seen']}")
        assert stored_at_kill in (0, len(refs))  # the batch is one transaction: all or nothing
        assert result["seen"], "the first attempt cannot have succeeded: the registry was killed under it"
        assert response.status_code == 200
        assert {item["status"] for item in response.json()["items"]} == {"created"}
        _assert_stored_once_with_one_change(faults, refs)
        _assert_no_national_id_in_logs(faults, body)

    def test_batch_answer_lost_after_commit_is_replayed_by_its_idempotency_key(self, faults: ServiceFaults) -> None:
        refs = [f"JC-LOST-{n:04d}" for n in range(1000)]
        body = {"items": [citizen(ref) for ref in refs]}
        key = f"faults:batch:{uuid.uuid4()}"
        faults.registry_proxy.response_latency = UPSTREAM_TIMEOUT + 2
        try:
            first = faults.http.post("/v1/citizens:batch", json=body, headers={"Idempotency-Key": key})
            assert first.status_code == 504, first.text
            assert first.headers["content-type"].startswith(PROBLEM_JSON)
            wait_until(lambda: _count_citizens(faults, refs) == len(refs), timeout=120, what="the batch commits")
        finally:
            faults.registry_proxy.response_latency = 0.0
        replay, seen = post_until_accepted(faults.http, "/v1/citizens:batch", body, key=key)
        assert replay.headers.get("idempotent-replayed") == "true"
        assert {item["status"] for item in replay.json()["items"]} == {"created"}
        _report(f"batch answer lost after commit: replayed by key after {seen or 'no'} extra answers")
        _assert_stored_once_with_one_change(faults, refs)
        _assert_no_national_id_in_logs(faults, body)

    def test_outcome_events_replayed_after_a_gateway_timeout_pay_no_money_twice(self, faults: ServiceFaults) -> None:
        control = _paid_programme(faults, "control")
        faulted = _paid_programme(faults, "faulted")
        control_events = _events(control)
        faulted_events = _events(faulted)
        accepted = faults.http.post("/v1/outcome-events:batch", json={"items": control_events})
        assert accepted.status_code == 200
        assert {i["status"] for i in accepted.json()["items"]} == {"created"}

        single, batch = faulted_events[0], faulted_events[1:]
        faults.outcomes_proxy.response_latency = UPSTREAM_TIMEOUT + 2
        try:
            timed_out = [
                faults.http.post("/v1/outcome-events", json=single),
                faults.http.post("/v1/outcome-events:batch", json={"items": batch}),
            ]
            assert [r.status_code for r in timed_out] == [504, 504]
            ids = [e["id"] for e in faulted_events]
            wait_until(lambda: len(_stored_events(faults, ids)) == len(ids), timeout=60, what="outcomes commits")
        finally:
            faults.outcomes_proxy.response_latency = 0.0
        for _ in range(2):  # the client replays everything it did not get an answer for, twice over
            replayed = post_until_accepted(faults.http, "/v1/outcome-events", single, key=single["id"])[0]
            assert replayed.status_code == 200  # 200, not 201: already recorded, nothing changed
            again = post_until_accepted(
                faults.http, "/v1/outcome-events:batch", {"items": batch}, key=str(uuid.uuid4())
            )[0]
            assert {i["status"] for i in again.json()["items"]} == {"unchanged"}

        stored = _stored_events(faults, [e["id"] for e in faulted_events])
        assert sorted(stored) == sorted(e["id"] for e in faulted_events)  # each exactly once
        paid = {name: _settle(faults, p) for name, p in (("control", control), ("faulted", faulted))}
        assert paid["control"]["total"] > 0
        assert paid["faulted"] == paid["control"]
        evaluations = {name: _evaluate(faults, p) for name, p in (("control", control), ("faulted", faulted))}
        assert evaluations["control"]["municipal_saving"] > 0
        assert evaluations["faulted"] == evaluations["control"]
        _report(f"outcomes replay: settlement total {paid['faulted']['total']} øre in both runs")


# -- PostgreSQL faults: a stack on its own embedded server -----------------------------------------
@pytest.fixture(scope="class")
def pg_stack() -> Iterator[Stack]:
    with own_temp_dir("pg") as folder:
        config = StackConfig(
            gateway_port=free_port(),
            database_prefix="faults",
            data_dir=folder / "data",
            force_embedded=True,
            log_dir=folder / "logs",
            admin_client_id=ADMIN_ID,
            admin_client_secret=ADMIN_SECRET,
            extra_env={"gateway": _gateway_env()},
        )
        with running_stack(config, None) as stack:
            yield stack


def _ready(stack: Stack, name: str) -> int:
    try:
        return httpx.get(f"{stack.url(name)}/readyz", timeout=5).status_code
    except httpx.HTTPError:
        return 0


ALL = ("gateway", "registry", "matching", "outcomes")


class TestDatabaseFaults:
    def test_postgres_restart_under_load_makes_services_not_ready_then_they_recover_without_a_restart(
        self, pg_stack: Stack
    ) -> None:
        pids = {name: pg_stack.processes[name].popen.pid for name in ALL}
        headers = {"Authorization": f"Bearer {pg_stack.admin_token()}"}
        paths = {"registry": "/v1/municipalities", "matching": "/v1/models", "outcomes": "/v1/rate-cards"}
        with Traffic(pg_stack.gateway_url, headers, paths) as traffic:
            started = time.monotonic()
            for service in paths:
                traffic.wait_for(service, 3, since=started)
            stopping_at = time.monotonic()
            stop_postgres(pg_stack)
            stopped_at = time.monotonic()
            not_ready = {name: _ready(pg_stack, name) for name in ALL}
            for service in paths:  # a real outage under traffic, not a blink
                traffic.wait_for(service, 5, since=stopped_at)
            assert pg_stack.postgres.embedded is not None
            pg_stack.postgres.embedded.start()
            restarted_at = time.monotonic()
            recovered = wait_until(
                lambda: all(_ready(pg_stack, name) == 200 for name in ALL) and time.monotonic(),
                timeout=120,
                what="every service ready again",
            )
            # The gateway's breaker opened during the outage and closes on its next probe (reset 1 s
            # here), so the first answers after "ready" may still be its 503: wait for the first 200.
            first_ok = {
                service: wait_until(
                    lambda service=service: next(
                        (a.sent_at for a in traffic.between(service, recovered) if a.status == 200), None
                    ),
                    timeout=60,
                    what=f"a 200 from {service} after recovery",
                )
                for service in paths
            }
            for service in paths:
                traffic.wait_for(service, 5, since=first_ok[service])
            ended_at = time.monotonic()

        assert not_ready == dict.fromkeys(ALL, 503)
        assert {name: pg_stack.processes[name].popen.pid for name in ALL} == pids
        assert all(pg_stack.processes[name].popen.poll() is None for name in ALL)
        for service in paths:
            healthy = [a.status for a in traffic.between(service, started, stopping_at)]
            assert healthy[:3] == [200, 200, 200], service  # those in flight at the stop may be 503
            outage = [a.status for a in traffic.between(service, stopping_at, restarted_at)]
            assert 503 in outage, service
            assert not set(outage) - {200, 503}, (service, outage)  # 503 (retry), never a 500
            after = [a.status for a in traffic.between(service, first_ok[service], ended_at)]
            assert set(after) == {200}, (service, after)  # once it answers again, it keeps answering
        _report(
            f"postgres restart: down {restarted_at - stopped_at:.1f} s, every service ready "
            f"{recovered - restarted_at:.1f} s after the server came back"
        )

    def test_terminated_database_connections_are_replaced_without_failed_requests(self, pg_stack: Stack) -> None:
        pids = {name: pg_stack.processes[name].popen.pid for name in ALL}
        headers = {"Authorization": f"Bearer {pg_stack.admin_token()}"}
        paths = {"registry": "/v1/municipalities", "matching": "/v1/models", "outcomes": "/v1/rate-cards"}
        terminate = (
            "select count(pg_terminate_backend(pid)) from pg_stat_activity "
            "where usename like '%\\_app' and pid <> pg_backend_pid()"
        )
        with Traffic(pg_stack.gateway_url, headers, paths) as traffic:
            started = time.monotonic()
            for service in paths:
                traffic.wait_for(service, 3, since=started)
            terminated = fetch(pg_stack, "gateway", terminate)[0][0]
            cut_at = time.monotonic()
            for service in paths:
                traffic.wait_for(service, 10, since=cut_at)
            ended_at = time.monotonic()
        cut = [a.status for service in paths for a in traffic.between(service, cut_at, ended_at)]
        _report(
            f"pg_terminate_backend: {terminated} service connections terminated; of the {len(cut)} requests "
            f"that followed, {cut.count(200)} answered 200 and {cut.count(503)} 503"
        )
        assert terminated > 0
        for service in paths:
            after = [a.status for a in traffic.between(service, cut_at, ended_at)]
            # A request whose connection was cut under it may answer 503 (retry); never a 500, and
            # the pool replaces the dead connections, so the requests that follow succeed.
            assert not set(after) - {200, 503}, (service, after)
            assert after[-5:] == [200] * 5, (service, after)
        for name in ALL:
            assert _ready(pg_stack, name) == 200
        assert {name: pg_stack.processes[name].popen.pid for name in ALL} == pids


# -- helpers for the registry batches -----------------------------------------------------------
def _count_citizens(faults: ServiceFaults, refs: list[str]) -> int:
    rows = fetch(faults.stack, "registry", "select count(*) from citizens where external_ref = any($1::text[])", refs)
    return int(rows[0][0])


def _assert_no_national_id_in_logs(faults: ServiceFaults, body: dict[str, Any]) -> None:
    logs = service_logs(faults.stack)
    assert '"service": "registry"' in logs  # the logs are there to search
    assert not [item["external_ref"] for item in body["items"] if item["national_id"] in logs]


def _assert_stored_once_with_one_change(faults: ServiceFaults, refs: list[str]) -> None:
    """Each external_ref is one citizen row, and the change feed holds exactly one change for it."""
    rows = fetch(
        faults.stack,
        "registry",
        "select c.external_ref, count(distinct c.id) as citizens, count(o.seq) as changes "
        "from citizens c left join outbox o on o.entity = 'citizen' and o.entity_id = c.id::text "
        "where c.external_ref = any($1::text[]) group by c.external_ref",
        refs,
    )
    assert sorted(r["external_ref"] for r in rows) == sorted(refs)
    assert {(r["citizens"], r["changes"]) for r in rows} == {(1, 1)}


# -- helpers for the outcomes replay ---------------------------------------------------------------
ENROLLED_ON = dt.date(2026, 3, 2)
PLACED_ON = dt.date(2026, 4, 6)
SETTLED = {"from": "2026-02-01", "to": "2026-11-01"}
WORK_HOURS = (8, 15, 30)  # a partial reduction, a larger one, and an ended benefit


class PaidProgramme:
    def __init__(self, label: str, programme: Programme, citizen_ids: list[str], contract_id: str) -> None:
        self.label = label
        self.programme = programme
        self.citizen_ids = citizen_ids
        self.contract_id = contract_id


def _paid_programme(faults: ServiceFaults, label: str) -> PaidProgramme:
    """A partnership with three enrolled citizens and a citizen-course contract (the same for every label)."""
    programme = create_programme(faults.http, label)
    refs = [f"JC-{label.upper()}-{n}" for n in range(len(WORK_HOURS))]
    batch, _ = post_until_accepted(
        faults.http, "/v1/citizens:batch", {"items": [citizen(ref) for ref in refs]}, key=f"faults:{label}:citizens"
    )
    citizen_ids = [item["id"] for item in batch.json()["items"]]
    for citizen_id in citizen_ids:
        enrolment = {
            "municipality": "DK-0336",
            "programme": "citizen_course",
            "citizen_id": citizen_id,
            "partnership_id": programme.partnership_id,
            "started_on": ENROLLED_ON.isoformat(),
            "phase": "placement",
        }
        post_until_accepted(faults.http, "/v1/enrolments", enrolment, key=f"faults:{label}:enrolment:{citizen_id}")
    wait_until(
        lambda: _projected(faults, citizen_ids),
        timeout=120,
        what=f"outcomes learns the {label} citizens and their enrolments from the feed",
    )
    contract = {
        "municipality": "DK-0336",
        "partnership_id": programme.partnership_id,
        "side": "citizen_course",
        "payee_id": programme.provider_id,
        "starts_on": "2026-02-01",
        "ends_on": "2027-07-31",
        **CITIZEN_COURSE_TERMS,
    }
    contract_id = post_until_accepted(faults.http, "/v1/contracts", contract, key=f"faults:{label}:contract")[0]
    return PaidProgramme(label, programme, citizen_ids, str(contract_id.json()["id"]))


def _projected(faults: ServiceFaults, citizen_ids: list[str]) -> bool:
    sql = "select count(*) from citizens where id = any($1::uuid[]) and partnership_id is not null"
    return int(fetch(faults.stack, "outcomes", sql, citizen_ids)[0][0]) == len(citizen_ids)


def _events(paid: PaidProgramme) -> list[dict[str, Any]]:
    """The same history for every programme: placements at three working hours, benefit effects."""
    benefit = citizen("unused")["benefit"]
    events: list[dict[str, Any]] = []
    for citizen_id, hours in zip(paid.citizen_ids, WORK_HOURS, strict=True):
        ref = f"faults:{paid.label}:{citizen_id}"
        data = {"organisation_id": paid.programme.company_id, "hours_per_week": hours, "kind": "ordinary"}
        events.append(event(f"{ref}:1", citizen_id, "placement_started", PLACED_ON, data))
        events.extend(benefit_effect(ref, citizen_id, "cash_benefit", benefit, PLACED_ON, hours))
    return events


def _stored_events(faults: ServiceFaults, ids: list[str]) -> list[str]:
    rows = fetch(faults.stack, "outcomes", "select id from outcome_events where id = any($1::text[])", ids)
    return [str(r["id"]) for r in rows]


def _settle(faults: ServiceFaults, paid: PaidProgramme) -> dict[str, Any]:
    body = {"contract_id": paid.contract_id, **SETTLED}
    statement = post_until_accepted(faults.http, "/v1/settlements", body, key=f"faults:settle:{paid.label}")[0].json()
    by_citizen = {cid: n for n, cid in enumerate(paid.citizen_ids)}
    lines = sorted(
        (by_citizen[line["citizen_id"]], line["milestone"], line["kind"], line["entitled"], line["amount"])
        for line in statement["lines"]
    )
    return {"total": statement["total"], "lines": lines}


MONEY = ("gross_saving", "municipal_saving", "state_saving", "programme_costs", "outcome_payments", "net_gain")


def _evaluate(faults: ServiceFaults, paid: PaidProgramme) -> dict[str, Any]:
    params = {"partnership_id": paid.programme.partnership_id, "from": "2026-02-01", "to": "2026-11-01"}
    response = faults.http.get("/v1/evaluations", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return {**{name: body[name] for name in MONEY}, "by_month": body["by_month"]}
