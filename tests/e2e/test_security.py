"""OWASP API Security Top 10 (2023) against the whole stack on loopback.

Tenant A is Frederikshavn (DK-0813), tenant B is Falun (SE-2080). A owns one object of every
resource type; B's tokens must meet each of them exactly as an id that does not exist (404). The
tables of operations below are checked against the gateway's merged OpenAPI document, so a new
endpoint fails `test_every_*_is_covered` until it is added here.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from sqlalchemy.ext.asyncio import create_async_engine

from devstack.databases import drop_database
from devstack.postgres import free_port
from devstack.stack import SERVICES, Stack, StackConfig

from .conftest import service_logs
from .security_support import (
    PROBLEM_JSON,
    TENANT_A,
    TENANT_B,
    WRITE_METHODS,
    Tenant,
    bearer,
    citizen_payload,
    fake_cpr,
    fill_path,
    forge,
    idempotent,
    open_tenant,
    operations,
    populate,
    spellings,
    valid_claims,
)
from .vocabulary import occupation_code

pytestmark = pytest.mark.e2e

ALLOWED_ORIGIN = "https://jobcenter.frederikshavn.example"
EVIL_ORIGIN = "https://evil.example"
BIG_BODY_BYTES = 3_000_000  # the services' and the gateway's limit is 2,000,000 bytes
# One authenticated GET per process, for the token and header checks.
PROBES = {
    "gateway": "/v1/openings",
    "registry": "/v1/openings",
    "matching": "/v1/models",
    "outcomes": "/v1/contracts",
    "webhooks": "/v1/webhooks",
}


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document(gateway: httpx.Client) -> dict[str, Any]:
    response = gateway.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def tenant_a(stack: Stack, gateway: httpx.Client, admin_headers: dict[str, str]) -> Tenant:
    tenant = open_tenant(stack, gateway, admin_headers, TENANT_A)
    populate(gateway, tenant)
    return tenant


@pytest.fixture(scope="module")
def tenant_b(stack: Stack, gateway: httpx.Client, admin_headers: dict[str, str]) -> Tenant:
    tenant = open_tenant(stack, gateway, admin_headers, TENANT_B)
    populate(gateway, tenant)
    return tenant


@pytest.fixture(scope="module")
def admin_b(stack: Stack, tenant_b: Tenant) -> dict[str, str]:
    """An admin of municipality B only (tenant SE-2080, scope admin; a client needs its municipality)."""
    client_id, secret = stack.create_client("security-SE-2080-admin", TENANT_B, ["admin"])
    return bearer(stack.token(client_id, secret))


@pytest.fixture(scope="module")
def strict_stack(postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A second, small stack with a tight rate limit and one allow-listed front-end origin.

    No Redis: its in-memory limiter cannot count against the session stack's windows.
    """
    prefix = f"e2esec_{uuid.uuid4().hex[:8]}"
    config = StackConfig(
        gateway_port=free_port(),
        database_prefix=prefix,
        admin_url=postgres_admin_url,
        log_dir=tmp_path_factory.mktemp("security-logs"),
        admin_client_id="e2e-security-admin",
        admin_client_secret="e2e-security-admin-secret-0123456789",
        cors_origins=[ALLOWED_ORIGIN],
        extra_env={"gateway": {"GATEWAY_RATE_LIMIT": "5/minute", "GATEWAY_TOKEN_FAILURE_LIMIT": "3/minute"}},
    )
    running = Stack(config).start()
    try:
        yield running
    finally:
        running.stop()
        for name in ("gateway", *SERVICES):
            asyncio.run(drop_database(postgres_admin_url, f"{prefix}_{name}"))


@pytest.fixture(scope="module")
def strict_tokens(strict_stack: Stack) -> dict[str, dict[str, str]]:
    """Headers of three national clients of the strict stack, each with its own rate-limit window.

    Taken before any test counts failed token requests (those block the caller's address).
    """
    headers = {"limited": bearer(strict_stack.admin_token())}
    for name in ("other", "cors"):
        client_id, secret = strict_stack.create_client(f"security-{name}", "*", ["admin"])
        headers[name] = bearer(strict_stack.token(client_id, secret))
    return headers


def assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text[:400]}"
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == status


def etag(gateway: httpx.Client, path: str, headers: dict[str, str]) -> str:
    response = gateway.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


# -- API1 broken object-level authorisation ---------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """A request naming one of A's objects; `{kind}` placeholders are A's ids."""

    method: str
    path: str
    body: dict[str, Any] | None = None
    admin: bool = False  # sent with B's admin token (admin-only operations)
    owner_path: str | None = None  # where the owner reads the object back; None: `path` itself

    def url(self, ids: dict[str, str]) -> str:
        return self.path.format(**ids)


BOLA = {
    "municipality-get": Probe("GET", "/v1/municipalities/{code}"),
    "organisation-get": Probe("GET", "/v1/organisations/{organisation}"),
    "organisation-patch": Probe("PATCH", "/v1/organisations/{organisation}", {"name": "Overtaget ApS"}),
    "organisation-delete": Probe("DELETE", "/v1/organisations/{organisation}"),
    "partnership-get": Probe("GET", "/v1/partnerships/{partnership}"),
    "partnership-patch": Probe("PATCH", "/v1/partnerships/{partnership}", {"status": "ended"}),
    "partnership-delete": Probe("DELETE", "/v1/partnerships/{partnership}"),
    "opening-get": Probe("GET", "/v1/openings/{opening}"),
    "opening-patch": Probe("PATCH", "/v1/openings/{opening}", {"status": "closed"}),
    "opening-delete": Probe("DELETE", "/v1/openings/{opening}"),
    "opening-jobposting": Probe("GET", "/v1/openings/{opening}/jobposting"),
    "citizen-get": Probe("GET", "/v1/citizens/{citizen}"),
    "citizen-patch": Probe("PATCH", "/v1/citizens/{citizen}", {"work_capacity_hours": 1}),
    "citizen-delete": Probe("DELETE", "/v1/citizens/{citizen}"),
    "citizen-export": Probe("GET", "/v1/citizens/{citizen}/export", admin=True),
    "citizen-consents": Probe("GET", "/v1/citizens/{citizen}/consents"),
    "citizen-consent-grant": Probe(
        "POST",
        "/v1/citizens/{citizen}/consents",
        {"purpose": "evaluation", "action": "grant", "method": "digital"},
        owner_path="/v1/citizens/{citizen}/consents",
    ),
    "citizen-access-log": Probe("GET", "/v1/citizens/{citizen}/access-log"),
    # A's citizen is not erased, so A reads the citizen itself; B must get 404 all the same.
    "citizen-erasure": Probe("GET", "/v1/citizens/{citizen}/erasure", owner_path="/v1/citizens/{citizen}"),
    "enrolment-get": Probe("GET", "/v1/enrolments/{enrolment}"),
    "enrolment-patch": Probe("PATCH", "/v1/enrolments/{enrolment}", {"phase": "placement"}),
    "enrolment-delete": Probe("DELETE", "/v1/enrolments/{enrolment}"),
    "recommendations-by-citizen": Probe("GET", "/v1/recommendations?citizen_id={citizen}"),
    "recommendations-by-opening": Probe("GET", "/v1/recommendations?opening_id={opening}"),
    "recommendation-exposure": Probe("GET", "/v1/recommendations/exposure?municipality={code}"),
    "recommendation-logs-of-citizen": Probe("GET", "/v1/recommendation-logs?citizen_id={citizen}"),
    "decisions-of-citizen": Probe("GET", "/v1/decisions?citizen_id={citizen}"),
    "decision-on-citizen": Probe(
        "POST",
        "/v1/decisions",
        {"citizen_id": "{citizen}", "opening_id": "{opening}", "decision": "proposed"},
        owner_path="/v1/citizens/{citizen}",
    ),
    "assignment-by-partnership": Probe(
        "POST", "/v1/assignments", {"partnership_id": "{partnership}"}, owner_path="/v1/partnerships/{partnership}"
    ),
    "assignment-by-municipality": Probe(
        "POST", "/v1/assignments", {"municipality": "{code}"}, owner_path="/v1/municipalities/{code}"
    ),
    "contract-get": Probe("GET", "/v1/contracts/{contract}"),
    "settlement-get": Probe("GET", "/v1/settlements/{settlement}"),
    "settlement-get-csv-format": Probe("GET", "/v1/settlements/{settlement}?format=csv"),
    "settlement-csv": Probe("GET", "/v1/settlements/{settlement}.csv"),
    "settlement-run-on-contract": Probe(
        "POST",
        "/v1/settlements",
        {"contract_id": "{contract}", "from": "2026-03-01", "to": "2026-04-01"},
        owner_path="/v1/contracts/{contract}",
    ),
    "settlement-approve": Probe(
        "POST", "/v1/settlements/{settlement}:approve", {}, owner_path="/v1/settlements/{settlement}"
    ),
    "settlement-reject": Probe(
        "POST",
        "/v1/settlements/{settlement}:reject",
        {"reason": "taken over"},
        owner_path="/v1/settlements/{settlement}",
    ),
    "settlement-payment-instruction": Probe(
        "GET", "/v1/settlements/{settlement}/payment-instruction", owner_path="/v1/settlements/{settlement}"
    ),
    "ledger-verify": Probe("GET", "/v1/ledger/verify?contract_id={contract}"),
    "simulation-get": Probe("GET", "/v1/simulations/{simulation}"),
    "simulation-flows-csv": Probe("GET", "/v1/simulations/{simulation}/flows.csv"),
    "simulation-flows-svg": Probe("GET", "/v1/simulations/{simulation}/flows.svg"),
    "refusion-statement-get": Probe("GET", "/v1/refusion-statements/{refusion_statement}"),
    "evaluation-citizens-by-municipality": Probe(
        "GET", "/v1/evaluations/citizens?municipality={code}&from=2026-01-01&to=2027-01-01"
    ),
    "evaluation-citizens-by-partnership": Probe("GET", "/v1/evaluations/citizens?partnership_id={partnership}"),
    "evaluation-months-by-municipality": Probe(
        "GET", "/v1/evaluations/months.csv?municipality={code}&from=2026-01-01&to=2027-01-01"
    ),
    "evaluation-months-by-partnership": Probe("GET", "/v1/evaluations/months.csv?partnership_id={partnership}"),
    "evaluation-by-municipality": Probe("GET", "/v1/evaluations?municipality={code}&from=2026-01-01&to=2027-01-01"),
    "evaluation-by-partnership": Probe("GET", "/v1/evaluations?partnership_id={partnership}"),
    "evaluation-chart": Probe("GET", "/v1/evaluations/chart.svg?municipality={code}&from=2026-01-01&to=2027-01-01"),
    "evaluation-chart-png": Probe("GET", "/v1/evaluations/chart.png?partnership_id={partnership}"),
    "webhook-get": Probe("GET", "/v1/webhooks/{webhook}"),
    "webhook-delete": Probe("DELETE", "/v1/webhooks/{webhook}"),
    "webhook-rotate-secret": Probe(
        "POST", "/v1/webhooks/{webhook}:rotate-secret", {}, owner_path="/v1/webhooks/{webhook}"
    ),
    "webhook-deliveries": Probe("GET", "/v1/webhooks/{webhook}/deliveries"),
    "webhook-deliveries-failed": Probe("GET", "/v1/webhooks/{webhook}/deliveries?status=failed"),
    # The subscription is checked before the delivery: B meets 404 for A's webhook whatever the delivery id.
    "webhook-delivery-replay": Probe(
        "POST", "/v1/webhooks/{webhook}/deliveries/{webhook}:replay", {}, owner_path="/v1/webhooks/{webhook}"
    ),
    "client-get": Probe("GET", "/v1/clients/{client}", admin=True),
    "client-revoke": Probe("DELETE", "/v1/clients/{client}", admin=True),
}
# Every templated path of the merged document, and which BOLA probe covers it (or why none is needed).
ID_PATHS = {
    "/v1/citizens/{citizen_id}": "citizen-get",
    "/v1/citizens/{citizen_id}/export": "citizen-export",
    "/v1/citizens/{citizen_id}/consents": "citizen-consents",
    "/v1/citizens/{citizen_id}/access-log": "citizen-access-log",
    "/v1/citizens/{citizen_id}/erasure": "citizen-erasure",
    "/v1/clients/{client_id}": "client-get",
    "/v1/contracts/{contract_id}": "contract-get",
    "/v1/enrolments/{enrolment_id}": "enrolment-get",
    "/v1/municipalities/{code}": "municipality-get",
    "/v1/openings/{opening_id}": "opening-get",
    "/v1/openings/{opening_id}/jobposting": "opening-jobposting",
    "/v1/organisations/{organisation_id}": "organisation-get",
    "/v1/partnerships/{partnership_id}": "partnership-get",
    "/v1/settlements/{settlement_id}": "settlement-get",
    "/v1/settlements/{settlement_id}.csv": "settlement-csv",
    "/v1/simulations/{simulation_id}": "simulation-get",
    "/v1/simulations/{simulation_id}/flows.csv": "simulation-flows-csv",
    "/v1/simulations/{simulation_id}/flows.svg": "simulation-flows-svg",
    "/v1/settlements/{settlement_id}:approve": "settlement-approve",
    "/v1/settlements/{settlement_id}:reject": "settlement-reject",
    "/v1/settlements/{settlement_id}/payment-instruction": "settlement-payment-instruction",
    "/v1/refusion-statements/{statement_id}": "refusion-statement-get",
    "/v1/ranking-runs/{run_id}/citizens/{citizen_id}": (
        "national: a run is national; a citizen's row answers 404 outside the citizen's municipality "
        "(services/matching/tests/integration/test_ranking_runs.py)"
    ),
    "/v1/models/{model_id}": "national: scoring models are shared by every municipality",
    "/v1/models/{model_id}:activate": "national: a municipal client gets 403 (test_model_training.py)",
    "/v1/rate-cards/{card_id}": "national reference data (refusion staircases, unit costs)",
    "/v1/webhooks/{webhook_id}": "webhook-get",
    "/v1/webhooks/{webhook_id}:rotate-secret": "webhook-rotate-secret",
    "/v1/webhooks/{webhook_id}/deliveries": "webhook-deliveries",
    "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}:replay": "webhook-delivery-replay",
}
# Query parameters that name an object or a tenant, and the probe (or list check) covering each.
ID_QUERIES = {
    ("/v1/audit-events", "citizen_id"): "list:audit-events",
    ("/v1/citizens", "municipality"): "list:citizens-of-a",
    ("/v1/citizens", "partnership_id"): "list:citizens-in-partnership",
    ("/v1/contracts", "partnership_id"): "list:contracts-of-partnership",
    ("/v1/enrolments", "municipality"): "list:enrolments-of-a",
    ("/v1/enrolments", "partnership_id"): "list:enrolments-of-partnership",
    ("/v1/enrolments", "citizen_id"): "list:enrolments-of-citizen",
    ("/v1/evaluations", "municipality"): "evaluation-by-municipality",
    ("/v1/evaluations", "partnership_id"): "evaluation-by-partnership",
    ("/v1/evaluations/chart.svg", "municipality"): "evaluation-chart",
    ("/v1/evaluations/chart.svg", "partnership_id"): "evaluation-chart",
    ("/v1/evaluations/chart.png", "municipality"): "evaluation-chart-png",
    ("/v1/evaluations/chart.png", "partnership_id"): "evaluation-chart-png",
    ("/v1/openings", "municipality"): "list:openings-of-a",
    ("/v1/openings", "organisation_id"): "list:openings-of-organisation",
    ("/v1/openings:jobposting", "municipality"): "list:jobpostings-of-a",
    ("/v1/organisations", "municipality"): "list:organisations-of-a",
    ("/v1/outcome-events", "citizen_id"): "list:outcome-events-of-citizen",
    ("/v1/partnerships", "municipality"): "list:partnerships-of-a",
    ("/v1/partnerships", "company_id"): "list:partnerships-of-company",
    ("/v1/recommendations", "citizen_id"): "recommendations-by-citizen",
    ("/v1/recommendations", "opening_id"): "recommendations-by-opening",
    ("/v1/recommendations/exposure", "municipality"): "recommendation-exposure",
    ("/v1/recommendation-logs", "citizen_id"): "recommendation-logs-of-citizen",
    ("/v1/decisions", "citizen_id"): "decisions-of-citizen",
    ("/v1/settlements", "contract_id"): "list:settlements-of-contract",
    ("/v1/contracts", "municipality"): "list:contracts-of-a",
    ("/v1/outcome-events", "municipality"): "list:outcome-events-of-a",
    ("/v1/settlements", "municipality"): "list:settlements-of-a",
    ("/v1/ledger/verify", "contract_id"): "ledger-verify",
    ("/v1/evaluations/citizens", "municipality"): "evaluation-citizens-by-municipality",
    ("/v1/evaluations/citizens", "partnership_id"): "evaluation-citizens-by-partnership",
    ("/v1/evaluations/months.csv", "municipality"): "evaluation-months-by-municipality",
    ("/v1/evaluations/months.csv", "partnership_id"): "evaluation-months-by-partnership",
    ("/v1/programme-costs", "municipality"): "list:programme-costs-of-a",
    ("/v1/programme-costs", "partnership_id"): "list:programme-costs-of-partnership",
}
LISTS = {
    "municipalities": ("/v1/municipalities", False),
    "organisations": ("/v1/organisations", False),
    "organisations-of-a": ("/v1/organisations?municipality={code}", False),
    "partnerships": ("/v1/partnerships", False),
    "partnerships-of-a": ("/v1/partnerships?municipality={code}", False),
    "partnerships-of-company": ("/v1/partnerships?company_id={organisation}", False),
    "openings": ("/v1/openings", False),
    "openings-of-a": ("/v1/openings?municipality={code}", False),
    "openings-of-organisation": ("/v1/openings?organisation_id={organisation}", False),
    "jobpostings": ("/v1/openings:jobposting", False),
    "jobpostings-of-a": ("/v1/openings:jobposting?municipality={code}", False),
    "citizens": ("/v1/citizens", False),
    "citizens-of-a": ("/v1/citizens?municipality={code}", False),
    "citizens-in-partnership": ("/v1/citizens?partnership_id={partnership}", False),
    "enrolments": ("/v1/enrolments", False),
    "enrolments-of-a": ("/v1/enrolments?municipality={code}", False),
    "enrolments-of-partnership": ("/v1/enrolments?partnership_id={partnership}", False),
    "enrolments-of-citizen": ("/v1/enrolments?citizen_id={citizen}", False),
    "audit-events": ("/v1/audit-events?citizen_id={citizen}", True),
    "outcome-events-of-citizen": ("/v1/outcome-events?citizen_id={citizen}", False),
    "contracts": ("/v1/contracts", False),
    "contracts-of-partnership": ("/v1/contracts?partnership_id={partnership}", False),
    "contracts-of-a": ("/v1/contracts?municipality={code}", False),
    "outcome-events-of-a": ("/v1/outcome-events?municipality={code}", False),
    "settlements-of-a": ("/v1/settlements?municipality={code}", False),
    "settlements": ("/v1/settlements", False),
    "settlements-of-contract": ("/v1/settlements?contract_id={contract}", False),
    "clients": ("/v1/clients", True),
    "programme-costs": ("/v1/programme-costs", False),
    "programme-costs-of-a": ("/v1/programme-costs?municipality={code}", False),
    "programme-costs-of-partnership": ("/v1/programme-costs?partnership_id={partnership}", False),
    "webhooks": ("/v1/webhooks", False),
}


def a_ids(tenant: Tenant) -> dict[str, str]:
    return {**tenant.ids, "code": tenant.code, "client": tenant.client_id}


def fill_body(body: dict[str, Any] | None, ids: dict[str, str]) -> dict[str, Any] | None:
    if body is None:
        return None
    return {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()}


def test_every_id_path_is_covered_by_the_bola_table(document: dict[str, Any]) -> None:
    templated = {path for path in document["paths"] if "{" in path}
    uncovered = sorted(templated - set(ID_PATHS))
    assert not uncovered, f"add a BOLA probe (or a reason) for: {uncovered}"
    stale = sorted(set(ID_PATHS) - templated)
    assert not stale, f"these paths are gone from the API: {stale}"
    for path, cover in ID_PATHS.items():
        assert cover in BOLA or cover.startswith("national"), (path, cover)


def test_every_id_query_parameter_is_covered(document: dict[str, Any]) -> None:
    named = {
        (path, parameter["name"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method == "get"
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and (parameter["name"].endswith("_id") or parameter["name"] == "municipality")
    }
    uncovered = sorted(named - set(ID_QUERIES))
    assert not uncovered, f"add a BOLA probe or list check for: {uncovered}"
    for cover in ID_QUERIES.values():
        assert cover in BOLA or cover.removeprefix("list:") in LISTS, cover


@pytest.mark.parametrize("name", sorted(BOLA))
def test_other_municipality_gets_404_for(
    name: str,
    gateway: httpx.Client,
    admin_headers: dict[str, str],
    tenant_a: Tenant,
    tenant_b: Tenant,
    admin_b: dict[str, str],
) -> None:
    probe = BOLA[name]
    ids = a_ids(tenant_a)
    url = probe.url(ids)
    owner = admin_headers if probe.admin else tenant_a.headers
    owner_url = probe.owner_path.format(**ids) if probe.owner_path else url
    before = gateway.get(owner_url, headers=owner)
    assert before.status_code == 200, f"the owner must reach the object: {before.text[:300]}"
    headers = admin_b if probe.admin else tenant_b.headers
    if probe.method == "PATCH":
        headers = {**headers, "If-Match": before.headers["etag"]}  # even the right version gains nothing
    response = gateway.request(probe.method, url, json=fill_body(probe.body, ids), headers=idempotent(headers))
    assert_problem(response, 404)
    if probe.method != "GET":
        after = gateway.get(owner_url, headers=owner)
        assert after.status_code == 200, f"B's {probe.method} removed A's object"
        assert after.json() == before.json(), f"B's {probe.method} changed A's object"


def every_item(gateway: httpx.Client, url: str, headers: dict[str, str]) -> tuple[int, list[dict[str, Any]]]:
    """All pages of a list (status 200), or the first non-200 status."""
    items: list[dict[str, Any]] = []
    page = httpx.URL(url)
    while True:
        response = gateway.get(page, headers=headers)
        if response.status_code != 200:
            return response.status_code, items
        body = response.json()
        items += body["items"] if "items" in body else body["itemListElement"]  # JSON-LD lists are ItemLists
        if not body.get("next_cursor"):
            return 200, items
        page = httpx.URL(url).copy_set_param("cursor", body["next_cursor"])


@pytest.mark.parametrize("name", sorted(LISTS))
def test_other_municipality_list_never_shows_objects_of_a(
    name: str, gateway: httpx.Client, tenant_a: Tenant, tenant_b: Tenant, admin_b: dict[str, str]
) -> None:
    path, admin = LISTS[name]
    ids = a_ids(tenant_a)
    status, items = every_item(gateway, path.format(**ids), admin_b if admin else tenant_b.headers)
    assert status in (200, 404), status
    text = repr(items)
    leaked = sorted(kind for kind, value in ids.items() if value in text)
    assert not leaked, f"B's {path} shows A's {leaked}"
    if "{" not in path and status == 200:
        # The unfiltered list works, and shows B's own objects: the check above is not vacuous.
        own = a_ids(tenant_b)
        assert items, f"B's {path} is empty"
        assert any(value in text for value in own.values()), f"B sees none of its own in {path}"


# -- API5 broken function-level authorisation -------------------------------------------------

PUBLIC_WRITES = {"POST /v1/auth/token": "the token endpoint authenticates the client itself"}
# POST /v1/simulations stores a what-if computation: a read-side operation for outcomes:read and
# reports:read. Its scope check is still proved, with a token that holds neither.
READ_SIDE_WRITES = {"POST /v1/simulations": ["citizens:read", "matching:read"]}
ADMIN_ONLY = {
    "POST /v1/clients": ("POST", "/v1/clients", {"name": "x", "tenant": TENANT_A, "scopes": ["citizens:read"]}),
    "GET /v1/clients": ("GET", "/v1/clients", None),
    "DELETE /v1/clients/{client_id}": ("DELETE", "/v1/clients/{client}", None),
    "POST /v1/municipalities": ("POST", "/v1/municipalities", {"code": "DK-0860", "name": "Hjørring"}),
    "POST /v1/rate-cards": ("POST", "/v1/rate-cards", {}),
    "PATCH /v1/municipalities/{code}": ("PATCH", "/v1/municipalities/{code}", {"name": "Overtaget"}),
    "GET /v1/audit-events": ("GET", "/v1/audit-events?citizen_id={citizen}", None),
    "GET /v1/citizens/{citizen_id}/export": ("GET", "/v1/citizens/{citizen}/export", None),
}


def write_labels(document: dict[str, Any]) -> list[str]:
    return [op.label for op in operations(document) if op.method in WRITE_METHODS]


WRITES = [
    "DELETE /v1/citizens/{citizen_id}",
    "DELETE /v1/clients/{client_id}",
    "DELETE /v1/enrolments/{enrolment_id}",
    "DELETE /v1/openings/{opening_id}",
    "DELETE /v1/organisations/{organisation_id}",
    "DELETE /v1/partnerships/{partnership_id}",
    "PATCH /v1/citizens/{citizen_id}",
    "PATCH /v1/enrolments/{enrolment_id}",
    "PATCH /v1/municipalities/{code}",
    "PATCH /v1/openings/{opening_id}",
    "PATCH /v1/organisations/{organisation_id}",
    "PATCH /v1/partnerships/{partnership_id}",
    "POST /v1/assignments",
    "POST /v1/citizens",
    "POST /v1/citizens:batch",
    "POST /v1/citizens:erase",
    "POST /v1/citizens/{citizen_id}/consents",
    "POST /v1/clients",
    "POST /v1/contracts",
    "POST /v1/decisions",
    "POST /v1/enrolments",
    "POST /v1/models",
    "POST /v1/models/{model_id}:activate",
    "POST /v1/municipalities",
    "POST /v1/openings",
    "POST /v1/openings:batch",
    "POST /v1/openings:import",
    "POST /v1/organisations",
    "POST /v1/outcome-events",
    "POST /v1/outcome-events:batch",
    "POST /v1/partnerships",
    "POST /v1/settlements",
    "POST /v1/settlements/{settlement_id}:approve",
    "POST /v1/settlements/{settlement_id}:reject",
    "POST /v1/programme-costs",
    "POST /v1/rate-cards",
    "POST /v1/refusion-statements",
    "DELETE /v1/webhooks/{webhook_id}",
    "POST /v1/webhooks",
    "POST /v1/webhooks/{webhook_id}:rotate-secret",
    "POST /v1/webhooks/{webhook_id}/deliveries/{delivery_id}:replay",
]


def test_every_write_operation_is_in_the_bfla_table(document: dict[str, Any]) -> None:
    listed = set(WRITES) | set(PUBLIC_WRITES) | set(READ_SIDE_WRITES)
    missing = sorted(set(write_labels(document)) - listed)
    assert not missing, f"add these write operations to WRITES: {missing}"
    gone = sorted(listed - set(write_labels(document)))
    assert not gone, f"these write operations are gone from the API: {gone}"


def call(
    gateway: httpx.Client, label: str, headers: dict[str, str], ids: dict[str, str] | None = None
) -> httpx.Response:
    """`label`'s operation with an empty body; path parameters are A's own ids (or fresh uuids)."""
    method, path = label.split(" ", 1)
    url = fill_path(path, str(uuid.uuid4()))
    if ids is not None:
        for parameter, kind in (("{citizen_id}", "citizen"), ("{opening_id}", "opening"), ("{code}", "code")):
            if parameter in path:
                url = path.replace(parameter, ids[kind])
    body: dict[str, Any] | None = None if method == "DELETE" else {}
    return gateway.request(method, url, json=body, headers=idempotent(headers))


@pytest.mark.parametrize("label", WRITES)
def test_write_with_read_only_token_is_403(label: str, gateway: httpx.Client, tenant_a: Tenant) -> None:
    """The scope is checked first: no 404 for a missing id and no 422 for the empty body before it."""
    assert_problem(call(gateway, label, tenant_a.read_headers), 403)
    assert_problem(call(gateway, label, tenant_a.read_headers, a_ids(tenant_a)), 403)


@pytest.mark.parametrize("label", sorted(READ_SIDE_WRITES))
def test_read_side_write_without_its_read_scopes_is_403(label: str, stack: Stack, gateway: httpx.Client) -> None:
    client_id, secret = stack.create_client("security-narrow", TENANT_A, READ_SIDE_WRITES[label])
    assert_problem(call(gateway, label, bearer(stack.token(client_id, secret))), 403)


@pytest.mark.parametrize("label", sorted(ADMIN_ONLY))
def test_admin_only_operation_with_municipal_writer_token_is_403(
    label: str, gateway: httpx.Client, tenant_a: Tenant
) -> None:
    method, path, body = ADMIN_ONLY[label]
    response = gateway.request(method, path.format(**a_ids(tenant_a)), json=body, headers=idempotent(tenant_a.headers))
    assert_problem(response, 403)


# -- API3 mass assignment (broken object property level authorisation) ----------------------

SERVER_OWNED = ("id", "created_at", "updated_at", "version")


def create_bodies(a: Tenant) -> dict[str, dict[str, Any]]:
    ids = a.ids
    return {
        "/v1/organisations": {"kind": "provider", "name": f"Masse {uuid.uuid4().hex[:6]}"},
        "/v1/partnerships": {
            "company_id": ids["organisation"],
            "business_council_id": ids["business_council"],
            "provider_id": ids["provider"],
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        "/v1/openings": {
            "external_ref": f"MA-{uuid.uuid4().hex[:10]}",
            "organisation_id": ids["organisation"],
            "title": "Lagermedarbejder",
            "occupation": occupation_code(),
            "hours_per_week": {"min": 5, "max": 10},
        },
        "/v1/citizens": {k: v for k, v in citizen_payload(a).items() if k != "national_id"},
        "/v1/enrolments": {
            "programme": "citizen_course",
            "citizen_id": ids["citizen"],
            "partnership_id": ids["partnership"],
            "started_on": "2026-03-01",
        },
        "/v1/contracts": {
            "partnership_id": ids["partnership"],
            "side": "citizen_course",
            "payee_id": ids["provider"],
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "tariffs": {"placement_started": 1_000},
        },
        "/v1/outcome-events": {
            "id": f"ma-{uuid.uuid4().hex[:10]}",
            "citizen_id": ids["citizen"],
            "type": "education_started",
            "occurred_on": "2026-05-01",
            "data": {},
        },
        "/v1/settlements": {"contract_id": ids["contract"], "from": "2026-04-01", "to": "2026-05-01"},
        "/v1/assignments": {"partnership_id": ids["partnership"]},
    }


CREATES = [
    "/v1/organisations",
    "/v1/partnerships",
    "/v1/openings",
    "/v1/citizens",
    "/v1/enrolments",
    "/v1/contracts",
    "/v1/outcome-events",
    "/v1/settlements",
    "/v1/assignments",
]
WITH_MUNICIPALITY = ["/v1/organisations", "/v1/partnerships", "/v1/openings", "/v1/citizens", "/v1/enrolments"]


def field_named(response: httpx.Response, name: str) -> bool:
    return any(error["field"].split(".")[-1] == name for error in response.json().get("errors", []))


# An outcome event's id is client-chosen by design (it makes the write idempotent).
CREATE_FIELDS = [
    (path, field) for path in CREATES for field in SERVER_OWNED if (path, field) != ("/v1/outcome-events", "id")
]


@pytest.mark.parametrize(("path", "field"), CREATE_FIELDS)
def test_create_refuses_server_owned_field(path: str, field: str, gateway: httpx.Client, tenant_a: Tenant) -> None:
    body = create_bodies(tenant_a)[path]
    body[field] = str(uuid.uuid4()) if field in ("id", "version") else "2001-01-01T00:00:00Z"
    response = gateway.post(path, json=body, headers=idempotent(tenant_a.headers))
    assert_problem(response, 422)
    assert field_named(response, field), response.text


@pytest.mark.parametrize("path", [*WITH_MUNICIPALITY, "/v1/contracts", "/v1/outcome-events", "/v1/assignments"])
def test_create_with_another_municipality_is_refused(
    path: str, gateway: httpx.Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    """403 (may only write to its own municipality), or 422 where the field does not exist."""
    list_path = {"/v1/outcome-events": f"/v1/outcome-events?citizen_id={tenant_b.ids['citizen']}"}.get(path, path)
    before = every_item(gateway, list_path, tenant_b.headers) if path != "/v1/assignments" else (200, [])
    body = {**create_bodies(tenant_a)[path], "municipality": TENANT_B}
    if path == "/v1/assignments":
        body.pop("partnership_id")
    response = gateway.post(path, json=body, headers=idempotent(tenant_a.headers))
    assert response.status_code in (403, 404, 422), response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    if path != "/v1/assignments":
        assert every_item(gateway, list_path, tenant_b.headers) == before, "a row was written into B"


UPDATES = {
    "organisation": "/v1/organisations/{organisation}",
    "partnership": "/v1/partnerships/{partnership}",
    "opening": "/v1/openings/{opening}",
    "citizen": "/v1/citizens/{citizen}",
    "enrolment": "/v1/enrolments/{enrolment}",
}


@pytest.mark.parametrize("field", [*SERVER_OWNED, "municipality"])
@pytest.mark.parametrize("resource", sorted(UPDATES))
def test_update_refuses_server_owned_field(resource: str, field: str, gateway: httpx.Client, tenant_a: Tenant) -> None:
    url = UPDATES[resource].format(**tenant_a.ids)
    before = gateway.get(url, headers=tenant_a.headers)
    value = TENANT_B if field == "municipality" else str(uuid.uuid4()) if field in ("id", "version") else "2001-01-01"
    response = gateway.patch(url, json={field: value}, headers={**tenant_a.headers, "If-Match": before.headers["etag"]})
    assert_problem(response, 422)
    assert field_named(response, field), response.text
    after = gateway.get(url, headers=tenant_a.headers)
    assert after.json() == before.json()


def test_municipality_update_refuses_its_code(
    gateway: httpx.Client, admin_headers: dict[str, str], tenant_a: Tenant
) -> None:
    url = f"/v1/municipalities/{tenant_a.code}"
    tag = etag(gateway, url, admin_headers)
    response = gateway.patch(url, json={"code": TENANT_B}, headers={**admin_headers, "If-Match": tag})
    assert_problem(response, 422)
    assert gateway.get(url, headers=admin_headers).json()["code"] == tenant_a.code


FOREIGN_REFERENCES = {
    "partnership-company": ("POST", "/v1/partnerships", "company_id", "organisation"),
    "opening-organisation": ("POST", "/v1/openings", "organisation_id", "organisation"),
    "enrolment-citizen": ("POST", "/v1/enrolments", "citizen_id", "citizen"),
    "enrolment-partnership": ("POST", "/v1/enrolments", "partnership_id", "partnership"),
    "contract-partnership": ("POST", "/v1/contracts", "partnership_id", "partnership"),
    "contract-payee": ("POST", "/v1/contracts", "payee_id", "provider"),
    "outcome-event-citizen": ("POST", "/v1/outcome-events", "citizen_id", "citizen"),
    "settlement-contract": ("POST", "/v1/settlements", "contract_id", "contract"),
    "assignment-partnership": ("POST", "/v1/assignments", "partnership_id", "partnership"),
    "patch-opening-organisation": ("PATCH", "/v1/openings/{opening}", "organisation_id", "organisation"),
    "patch-partnership-provider": ("PATCH", "/v1/partnerships/{partnership}", "provider_id", "provider"),
}


@pytest.mark.parametrize("name", sorted(FOREIGN_REFERENCES))
def test_reference_to_another_municipalitys_object_is_refused(
    name: str, gateway: httpx.Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    """A's write naming B's object fails as if the id did not exist (422 naming the field, or 404)."""
    method, path, field, kind = FOREIGN_REFERENCES[name]
    headers = idempotent(tenant_a.headers)
    if method == "PATCH":
        url = path.format(**tenant_a.ids)
        headers["If-Match"] = etag(gateway, url, tenant_a.headers)
        body: dict[str, Any] = {}
    else:
        url = path
        body = create_bodies(tenant_a)[path]
    body[field] = tenant_b.ids[kind]
    response = gateway.request(method, url, json=body, headers=headers)
    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    if response.status_code == 422:
        assert field_named(response, field), response.text


# -- API4 unrestricted resource consumption: body size and depth ------------------------------

OVERSIZED = {
    "gateway-proxy": ("gateway", "/v1/citizens:batch"),
    "gateway-own-api": ("gateway", "/v1/clients"),
    "registry": ("registry", "/v1/citizens:batch"),
    "matching": ("matching", "/v1/assignments"),
    "outcomes": ("outcomes", "/v1/outcome-events:batch"),
}


def base_url(stack: Stack, process: str) -> str:
    return stack.gateway_url if process == "gateway" else stack.url(process)


def padding_chunks(total: int) -> Iterator[bytes]:
    yield b'{"items": ["'
    for _ in range(total // 65_536):
        yield b"a" * 65_536
    yield b'"]}'


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize("target", sorted(OVERSIZED))
def test_oversized_body_is_413_problem(
    target: str, declared: bool, stack: Stack, admin_headers: dict[str, str]
) -> None:
    process, path = OVERSIZED[target]
    content: bytes | Iterator[bytes] = padding_chunks(BIG_BODY_BYTES)
    if declared:
        content = b"".join(padding_chunks(BIG_BODY_BYTES))
    headers = {**idempotent(admin_headers), "content-type": "application/json"}
    response = httpx.post(base_url(stack, process) + path, content=content, headers=headers, timeout=60)
    assert_problem(response, 413)
    assert httpx.get(base_url(stack, process) + "/healthz").status_code == 200


DEEP = {
    "gateway-proxy": ("gateway", "/v1/citizens"),
    "gateway-own-api": ("gateway", "/v1/clients"),
    "registry": ("registry", "/v1/citizens"),
    "matching": ("matching", "/v1/assignments"),
    "outcomes": ("outcomes", "/v1/outcome-events"),
}


@pytest.mark.parametrize("shape", ["arrays", "objects"])
@pytest.mark.parametrize("target", sorted(DEEP))
def test_deeply_nested_json_is_a_4xx_problem(
    target: str, shape: str, stack: Stack, admin_headers: dict[str, str]
) -> None:
    process, path = DEEP[target]
    depth = 10_000
    content = b"[" * depth + b"]" * depth if shape == "arrays" else b'{"a":' * depth + b"1" + b"}" * depth
    headers = {**idempotent(admin_headers), "content-type": "application/json"}
    response = httpx.post(base_url(stack, process) + path, content=content, headers=headers, timeout=60)
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.headers["content-type"] == PROBLEM_JSON
    assert httpx.get(base_url(stack, process) + "/healthz").status_code == 200


# -- API2 broken authentication: forged and stale tokens --------------------------------------


def signing_key(stack: Stack) -> Ed25519PrivateKey:
    pem = str(stack.secrets["signing_key_pem"]).encode()
    key = load_pem_private_key(pem, password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def real_kid(stack: Stack) -> str:
    keys = httpx.get(f"{stack.gateway_url}/.well-known/jwks.json").json()["keys"]
    public = signing_key(stack).public_key()
    for jwk in keys:
        if jwt.PyJWK(jwk).key.public_bytes_raw() == public.public_bytes_raw():
            return str(jwk["kid"])
    raise AssertionError("the stack's signing key is not published in the JWKS")


def token_cases(stack: Stack) -> dict[str, str]:
    key, kid, scopes = signing_key(stack), real_kid(stack), ["admin"]
    now = int(time.time())
    other = Ed25519PrivateKey.generate()

    def signed(**overrides: Any) -> str:
        return jwt.encode(valid_claims("*", scopes, **overrides), key, algorithm="EdDSA", headers={"kid": kid})

    return {
        "valid": signed(),
        "alg-none": forge(valid_claims("*", scopes), kid=kid),
        "other-key-with-the-real-kid": forge(valid_claims("*", scopes), key=other, kid=kid),
        "other-key-with-an-unknown-kid": forge(valid_claims("*", scopes), key=other, kid="not-published"),
        "expired": signed(iat=now - 3600, exp=now - 60),
        "wrong-audience": signed(aud="another-api"),
        "wrong-issuer": signed(iss="https://evil.example"),
        "missing-tenant": signed(tenant=None),
        "empty-tenant": signed(tenant=""),
        "missing-expiry": signed(exp=None),
        "hs256-with-the-public-key": jwt.encode(
            valid_claims("*", scopes), key.public_key().public_bytes_raw(), algorithm="HS256", headers={"kid": kid}
        ),
    }


TOKEN_KINDS = [
    "alg-none",
    "other-key-with-the-real-kid",
    "other-key-with-an-unknown-kid",
    "expired",
    "wrong-audience",
    "wrong-issuer",
    "missing-tenant",
    "empty-tenant",
    "missing-expiry",
    "hs256-with-the-public-key",
]
TOKEN_TARGETS = {**{name: (name, path) for name, path in PROBES.items()}, "gateway-own-api": ("gateway", "/v1/clients")}


@pytest.fixture(scope="module")
def tokens(stack: Stack) -> dict[str, str]:
    return token_cases(stack)


@pytest.mark.parametrize("target", sorted(TOKEN_TARGETS))
def test_correctly_signed_token_is_accepted(target: str, stack: Stack, tokens: dict[str, str]) -> None:
    """The control for the forgeries below: the same claims, signed right, pass everywhere."""
    process, path = TOKEN_TARGETS[target]
    assert httpx.get(base_url(stack, process) + path, headers=bearer(tokens["valid"])).status_code == 200


@pytest.mark.parametrize("kind", TOKEN_KINDS)
@pytest.mark.parametrize("target", sorted(TOKEN_TARGETS))
def test_bad_token_is_401(target: str, kind: str, stack: Stack, tokens: dict[str, str]) -> None:
    process, path = TOKEN_TARGETS[target]
    response = httpx.get(base_url(stack, process) + path, headers=bearer(tokens[kind]))
    assert_problem(response, 401)


# -- API4 rate limits (a second stack: the session stack allows 100,000 a minute) -------------


def test_rate_limit_answers_429_with_retry_after_per_client(
    strict_stack: Stack, strict_tokens: dict[str, dict[str, str]]
) -> None:
    first, other = strict_tokens["limited"], strict_tokens["other"]
    url = f"{strict_stack.gateway_url}/v1/municipalities"
    answers = [httpx.get(url, headers=first).status_code for _ in range(5)]
    assert answers == [200] * 5
    refused = httpx.get(url, headers=first)
    assert_problem(refused, 429)
    assert int(refused.headers["retry-after"]) >= 1
    assert httpx.get(url, headers=other).status_code == 200, "the limit is per client"


def test_failed_token_requests_are_limited_per_address(
    strict_stack: Stack, strict_tokens: dict[str, dict[str, str]]
) -> None:
    url = f"{strict_stack.gateway_url}/v1/auth/token"
    form = {"grant_type": "client_credentials"}
    wrong = [httpx.post(url, data=form, auth=("e2e-security-admin", f"guess-{n}")).status_code for n in range(3)]
    assert wrong == [401] * 3
    refused = httpx.post(url, data=form, auth=("e2e-security-admin", "guess-4"))
    assert_problem(refused, 429)
    assert int(refused.headers["retry-after"]) >= 1


# -- API8 security misconfiguration: CORS and headers -----------------------------------------


def cors_targets(stack: Stack) -> dict[str, str]:
    return {
        "gateway-proxy": f"{stack.gateway_url}/v1/openings",
        "gateway-own-api": f"{stack.gateway_url}/v1/clients",
        "registry": f"{stack.url('registry')}/v1/openings",
        "outcomes": f"{stack.url('outcomes')}/v1/contracts",
    }


CORS_TARGETS = ["gateway-proxy", "gateway-own-api", "registry", "outcomes"]


@pytest.mark.parametrize("target", CORS_TARGETS)
def test_cors_allows_the_listed_origin(
    target: str, strict_stack: Stack, strict_tokens: dict[str, dict[str, str]]
) -> None:
    url = cors_targets(strict_stack)[target]
    preflight = httpx.options(
        url,
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    simple = httpx.get(url, headers={"Origin": ALLOWED_ORIGIN, **strict_tokens["cors"]})
    assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "Origin" in simple.headers.get("vary", "")


@pytest.mark.parametrize("origin", [EVIL_ORIGIN, "null", ALLOWED_ORIGIN + ".evil.example", "http://localhost:3000"])
@pytest.mark.parametrize("target", CORS_TARGETS)
def test_cors_never_allows_another_origin(
    target: str, origin: str, strict_stack: Stack, strict_tokens: dict[str, dict[str, str]]
) -> None:
    url = cors_targets(strict_stack)[target]
    preflight = httpx.options(url, headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    simple = httpx.get(url, headers={"Origin": origin, **strict_tokens["cors"]})
    assert "access-control-allow-origin" not in simple.headers


@pytest.mark.parametrize("target", sorted(PROBES))
def test_session_stack_never_echoes_an_arbitrary_origin(
    target: str, stack: Stack, admin_headers: dict[str, str]
) -> None:
    url = base_url(stack, target) + PROBES[target]
    response = httpx.get(url, headers={"Origin": EVIL_ORIGIN, **admin_headers})
    assert response.status_code == 200
    assert response.headers.get("access-control-allow-origin") not in (EVIL_ORIGIN, "*")
    preflight = httpx.options(url, headers={"Origin": EVIL_ORIGIN, "Access-Control-Request-Method": "DELETE"})
    assert preflight.headers.get("access-control-allow-origin") not in (EVIL_ORIGIN, "*")


HEADER_TARGETS = {
    **{name: (name, path, True) for name, path in PROBES.items()},
    "gateway-own-api": ("gateway", "/v1/clients", True),
    "gateway-401": ("gateway", "/v1/citizens", False),
    "registry-401": ("registry", "/v1/citizens", False),
    "gateway-unknown-path": ("gateway", "/v1/no-such-collection", True),
    "gateway-health": ("gateway", "/healthz", False),
}


@pytest.mark.parametrize("target", sorted(HEADER_TARGETS))
def test_security_headers_on_responses(target: str, stack: Stack, admin_headers: dict[str, str]) -> None:
    process, path, authenticated = HEADER_TARGETS[target]
    response = httpx.get(base_url(stack, process) + path, headers=admin_headers if authenticated else {})
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert "server" not in headers, f"the server names itself: {headers['server']}"
    assert "x-powered-by" not in headers


# -- Row-level security, below the API ---------------------------------------------------------


def app_url(stack: Stack, service: str) -> str:
    return stack.databases[service].app_url.replace("postgresql://", "postgresql+asyncpg://", 1)


async def tenant_rows(conn: Any, tenant: str | None, table: str = "citizens") -> set[str]:
    """Ids and municipalities visible to an unfiltered query: the query a repository bug would send."""
    if tenant is not None:
        await conn.execute(sa.text("select set_config('app.tenant', :t, true)"), {"t": tenant})
    rows = (await conn.execute(sa.text(f"select id::text, municipality from {table}"))).all()
    return {f"{row[1]}:{row[0]}" for row in rows}


async def test_rls_unfiltered_query_shows_only_the_tenants_citizens(
    stack: Stack, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    engine = create_async_engine(app_url(stack, "registry"), pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as conn:
            visible = await tenant_rows(conn, TENANT_B)
        assert f"{TENANT_B}:{tenant_b.ids['citizen']}" in visible
        assert {row.split(":")[0] for row in visible} == {TENANT_B}
        async with engine.begin() as conn:
            assert await tenant_rows(conn, None) == set()
        async with engine.begin() as conn:
            assert await tenant_rows(conn, "") == set()
    finally:
        await engine.dispose()


async def test_rls_tenant_never_outlives_its_transaction_on_a_pooled_connection(
    stack: Stack, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    engine = create_async_engine(app_url(stack, "registry"), pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as conn:
            pid = (await conn.execute(sa.text("select pg_backend_pid()"))).scalar()
            assert f"{TENANT_A}:{tenant_a.ids['citizen']}" in await tenant_rows(conn, TENANT_A)
        for tenant in (None, TENANT_B):
            async with engine.begin() as conn:
                assert (await conn.execute(sa.text("select pg_backend_pid()"))).scalar() == pid, (
                    "not the same pooled connection"
                )
                assert (await conn.execute(sa.text("select current_setting('app.tenant', true)"))).scalar() in (
                    None,
                    "",
                )
                visible = await tenant_rows(conn, tenant)
                assert not any(row.startswith(f"{TENANT_A}:") for row in visible), f"A's rows leaked to tenant {tenant}"
        # A rolled-back transaction leaves nothing behind either.
        async with engine.connect() as conn:
            transaction = await conn.begin()
            await tenant_rows(conn, TENANT_A)
            await transaction.rollback()
            async with conn.begin():
                assert not any(row.startswith(f"{TENANT_A}:") for row in await tenant_rows(conn, None))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
async def test_rls_forced_on_every_table_with_a_municipality(service: str, stack: Stack, tenant_a: Tenant) -> None:
    """Every table holding tenant rows has RLS enabled and forced; the app role owns none and bypasses none."""
    database = stack.databases[service]
    conn = await asyncpg.connect(database.owner_url)
    try:
        tables = await conn.fetch(
            """
            select c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) as owner
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind = 'r' and exists (
                select 1 from information_schema.columns
                where table_schema = 'public' and table_name = c.relname and column_name = 'municipality')
            """
        )
        role = await conn.fetchrow("select rolsuper, rolbypassrls from pg_roles where rolname = $1", database.app_role)
    finally:
        await conn.close()
    assert tables, f"{service} has no tenant tables?"
    assert not role["rolsuper"]
    assert not role["rolbypassrls"]
    unprotected = sorted(t["relname"] for t in tables if not (t["relrowsecurity"] and t["relforcerowsecurity"]))
    shared = {"municipalities"}  # the tenants themselves: reference data every service reads
    assert not set(unprotected) - shared, f"{service}: tenant tables without forced RLS: {unprotected}"
    assert all(t["owner"] != database.app_role for t in tables)
    engine = create_async_engine(app_url(stack, service), pool_size=1, max_overflow=0)
    try:
        for table in sorted(t["relname"] for t in tables if t["relname"] not in shared):
            async with engine.begin() as conn:
                await conn.execute(sa.text("select set_config('app.tenant', :t, true)"), {"t": TENANT_B})
                foreign = await conn.execute(
                    sa.text(f"select count(*) from {table} where municipality <> :b"),
                    {"b": TENANT_B},
                )
                assert foreign.scalar() == 0, f"{service}.{table}: tenant B sees other municipalities' rows"
            async with engine.begin() as conn:
                assert (await conn.execute(sa.text(f"select count(*) from {table}"))).scalar() == 0
    finally:
        await engine.dispose()


# -- Personal data and secrets never in logs or answers (runs last: after every write above) --


def test_national_id_is_never_echoed_in_error_answers(gateway: httpx.Client, tenant_a: Tenant) -> None:
    taken = tenant_a.national_ids[0]
    duplicate = {**citizen_payload(tenant_a), "national_id": taken}
    invalid_id = fake_cpr()[:6] + "99999"  # eleven digits: not a CPR number
    invalid = {**citizen_payload(tenant_a), "national_id": invalid_id}
    tenant_a.national_ids.append(invalid_id)
    for body, status in ((duplicate, 409), (invalid, 422)):
        response = gateway.post("/v1/citizens", json=body, headers=idempotent(tenant_a.headers))
        assert response.status_code == status, response.text
        assert not any(form in response.text for form in spellings(body["national_id"]))
    read = gateway.get(f"/v1/citizens/{tenant_a.ids['citizen']}", headers=tenant_a.headers)
    assert not any(form in read.text for form in spellings(taken))
    listed = gateway.get("/v1/citizens", headers=tenant_a.headers)
    assert not any(form in listed.text for form in spellings(taken))


def test_logs_hold_no_national_ids_secrets_or_tokens(
    stack: Stack, admin_headers: dict[str, str], tenant_a: Tenant, tenant_b: Tenant, tokens: dict[str, str]
) -> None:
    logs = service_logs(stack)
    assert logs, "no service logs captured"
    secrets: dict[str, str] = {
        "admin secret": str(stack.secrets["admin_client_secret"]),
        "admin token": admin_headers["Authorization"].split(" ", 1)[1],
        **{f"{t.code} secret": t.client_secret for t in (tenant_a, tenant_b)},
        **{f"{t.code} token": t.token for t in (tenant_a, tenant_b)},
        **{f"{t.code} read token": t.read_token for t in (tenant_a, tenant_b)},
        **{f"forged token {kind}": value for kind, value in tokens.items()},
        **{f"service secret {name}": secret for name, (_, secret) in stack.service_clients.items()},
    }
    found = [name for name, value in secrets.items() if value in logs]
    found += [
        f"signature of {name}"
        for name, value in secrets.items()
        if value.count(".") == 2 and value.rsplit(".", 1)[1] and value.rsplit(".", 1)[1] in logs
    ]
    for tenant in (tenant_a, tenant_b):
        found += [f"national id {form}" for nid in tenant.national_ids for form in spellings(nid) if form in logs]
    assert "eyJhbGciOi" not in logs, "a bearer token (JWT) was logged"
    assert not found, f"found in service logs: {found}"


def test_strict_stack_logs_hold_no_secrets(strict_stack: Stack) -> None:
    logs = "\n".join(p.read_text(errors="replace") for p in Path(strict_stack.config.log_dir).glob("*.log"))
    assert logs
    assert str(strict_stack.secrets["admin_client_secret"]) not in logs
    assert "eyJhbGciOi" not in logs
    assert "guess-" not in logs, "a guessed client secret was logged"
