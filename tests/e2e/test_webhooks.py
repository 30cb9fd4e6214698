"""Webhooks through the whole stack: a receiver on loopback verifies every delivery's Standard
Webhooks signature, an event from each source arrives (registry, outcomes, matching), and a
delivery the webhooks service was sending when it was killed arrives after its restart."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from devstack.databases import ROOT
from devstack.stack import Stack

from .polling import wait_until
from .security_support import TENANT_A, citizen_payload, created, idempotent, open_tenant, populate

pytestmark = pytest.mark.e2e

EVENTS = ["citizen.enrolled", "milestone.reached", "statement.approved", "ranking_run.finished"]


class Receiver:
    """A subscriber's endpoint on loopback: records every request; `hold` keeps answers back."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.holding = threading.Event()
        self.released = threading.Event()
        self.held: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append((headers, body))
                if receiver.holding.is_set():
                    receiver.held.append(headers["webhook-id"])
                    receiver.released.wait(timeout=60)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/brobygger"

    def verified(self, secret: str) -> list[tuple[str, dict[str, Any]]]:
        """(webhook-id, payload) of every request whose signature verifies; a bad one fails the test."""
        messages = []
        for headers, body in list(self.requests):
            try:
                messages.append((headers["webhook-id"], Webhook(secret).verify(body, headers)))
            except WebhookVerificationError as exc:
                raise AssertionError(f"a delivery failed signature verification: {exc}") from exc
        return messages


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.released.set()
    receiver.server.shutdown()
    receiver.server.server_close()


def run_national_ranking(stack: Stack) -> None:
    """What an operator runs: `python -m matching.usecases.ranking_runs` against matching's database."""
    env = {**os.environ, **stack.env_for("matching")}
    done = subprocess.run(
        [sys.executable, "-m", "matching.usecases.ranking_runs", "--workers", "1"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def of_type(messages: list[tuple[str, dict[str, Any]]], kind: str) -> list[dict[str, Any]]:
    return [payload["data"] for _, payload in messages if payload["type"] == kind]


def enrol_new_citizen(gateway: httpx.Client, tenant: Any) -> str:
    headers = tenant.headers
    citizen = created(gateway.post("/v1/citizens", json=citizen_payload(tenant), headers=idempotent(headers)), "c")
    body = {
        "programme": "citizen_course",
        "citizen_id": citizen["id"],
        "partnership_id": tenant.ids["partnership"],
        "started_on": "2026-02-01",
    }
    return str(created(gateway.post("/v1/enrolments", json=body, headers=idempotent(headers)), "enrolment")["id"])


def test_webhooks_from_every_source_arrive_signed_and_survive_a_restart(
    stack: Stack, gateway: httpx.Client, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    tenant = open_tenant(stack, gateway, admin_headers, TENANT_A)
    refused = gateway.post(
        "/v1/webhooks", json={"url": "http://hooks.example.dk/x", "events": EVENTS}, headers=idempotent(tenant.headers)
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["url"]
    webhook = created(
        gateway.post("/v1/webhooks", json={"url": receiver.url, "events": EVENTS}, headers=idempotent(tenant.headers)),
        "webhook",
    )
    secret = webhook["secret"]

    # One fact from each source: an enrolment (registry), an approved statement with its
    # milestone (outcomes, by a second client), a national ranking run (matching).
    populate(gateway, tenant)
    ids = tenant.ids
    checker_id, checker_secret = stack.create_client("webhooks-e2e-checker", TENANT_A, ["settlements:approve"])
    checker = {"Authorization": f"Bearer {stack.token(checker_id, checker_secret)}"}
    approved = gateway.post(f"/v1/settlements/{ids['settlement']}:approve", json={}, headers=idempotent(checker))
    assert approved.status_code == 200, approved.text
    run_national_ranking(stack)

    def every_source_arrived() -> bool:
        messages = receiver.verified(secret)
        return (
            ids["enrolment"] in [d["enrolment_id"] for d in of_type(messages, "citizen.enrolled")]
            and ids["settlement"] in [d["statement_id"] for d in of_type(messages, "statement.approved")]
            and ids["citizen"] in [d["citizen_id"] for d in of_type(messages, "milestone.reached")]
            and bool(of_type(messages, "ranking_run.finished"))
        )

    wait_until(every_source_arrived, timeout=120, what="an event from registry, outcomes and matching")
    bodies = b"\n".join(body for _, body in receiver.requests).decode()
    assert not any(national_id in bodies for national_id in tenant.national_ids)  # ids only, never personal data

    # Kill the webhooks service while a receiver holds a delivery: it comes again after the restart.
    receiver.holding.set()
    during = enrol_new_citizen(gateway, tenant)
    wait_until(lambda: receiver.held, timeout=60, what="the receiver holding a delivery")
    held_id = receiver.held[0]
    stack.kill("webhooks")
    receiver.holding.clear()
    receiver.released.set()
    while_down = enrol_new_citizen(gateway, tenant)
    stack.restart("webhooks")

    def both_delivered_again() -> bool:
        messages = receiver.verified(secret)
        enrolled = [d["enrolment_id"] for d in of_type(messages, "citizen.enrolled")]
        return during in enrolled and while_down in enrolled and [i for i, _ in messages].count(held_id) >= 2

    wait_until(both_delivered_again, timeout=120, what="deliveries resumed after the restart")
    deliveries = f"/v1/webhooks/{webhook['id']}/deliveries"

    def nothing_pending() -> bool:
        answer = gateway.get(deliveries, headers=tenant.headers, params={"status": "pending"})
        return answer.status_code == 200 and answer.json()["items"] == []

    wait_until(nothing_pending, timeout=60, what="every delivery recorded")
    listed = gateway.get(deliveries, headers=tenant.headers, params={"limit": 200}).json()["items"]
    held = next(item for item in listed if item["id"] == held_id)  # the webhook-id header is the delivery id
    assert (held["event_type"], held["status"]) == ("citizen.enrolled", "delivered")
