"""Schemathesis contract suite: every operation of every service, and of the gateway, against its
own OpenAPI document, on the real processes of the session stack.

Each operation gets its schema examples, then a few generated requests (valid and invalid),
with an admin token (admin holds every scope, `servicekit.auth.Principal.has`). A case fails
the test, with Schemathesis' reproduction (a curl line), when the answer is a 5xx, has a status
the document does not list, has another content type than documented, does not match the
documented schema, or is an error that is not RFC 9457 problem+json. Generation is
deterministic (a fixed seed), so a failure reproduces on the next run.

Schemathesis is imported at the top on purpose: if it cannot be imported, this module fails
to collect and the run is red, never silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from openapi_spec_validator import validate
from schemathesis import CheckContext, Response
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from devstack.stack import Stack
from servicekit.openapi_quality import openapi_defects

PROBLEM_JSON = "application/problem+json"
SEED = 20261123
# Small on purpose: 4 processes share a loaded 2-core machine; the examples phase covers every
# documented example and the fuzzing phase adds a few valid and invalid requests per operation.
# The coverage phase (boundary values of every parameter) is off: it takes ~8 minutes here. For a
# deep run, set MAX_EXAMPLES = 40, enable coverage and vary SEED; that found the 500s of
# `POST /v1/simulations` (tiny drop-out rate) and of NUL characters in query parameters.
MAX_EXAMPLES = 5


def errors_are_problem_json(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx/5xx answer is RFC 9457 problem+json whose `status` is the HTTP status."""
    if response.status_code < 400:
        return None
    content_type = _header(response.headers, "content-type")
    media_type = content_type.split(";", 1)[0].strip().lower()
    assert media_type == PROBLEM_JSON, f"{response.status_code} answered as {content_type!r}, not {PROBLEM_JSON}"
    body = response.json()
    assert isinstance(body, dict), "a problem document is a JSON object"
    missing = {"type", "title", "status", "detail"} - set(body)
    assert not missing, f"problem document lacks {sorted(missing)}"
    assert body["status"] == response.status_code, "problem `status` differs from the HTTP status"
    return True


def _header(headers: Mapping[str, Any], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list | tuple) else value)
    return ""


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    errors_are_problem_json,
]
SEEN_RULES: dict[str, set[str]] = {}
# Why a request the document allows may still be refused: the business rules, each listed with its
# reason in docs/api.md ("Schema-valid requests that are refused"). A 422/400 with any other code
# fails the run: the document should have said so.
BUSINESS_RULES = {
    "unknown": "a reference (citizen, organisation, opening, contract, rate card, event) that does not exist",
    "unknown_reference": "a partnership naming an organisation that does not exist",
    "unknown_municipality": "a client for a municipality the registry does not hold",
    "unknown_etag": "an If-Match that is not an ETag this API issued",
    "invalid_cursor": "a cursor this list did not issue",
    "invalid_national_id": "a CPR / personnummer whose check digit or date is wrong",
    "invalid_iban": "an IBAN whose check digits are wrong",
    "invalid_bic": "a BIC that does not exist in form",
    "missing": "a field another one makes necessary (a national client names `municipality`; a grant its `method`)",
    "exactly_one": "exactly one of two alternatives (citizen_id / opening_id; municipality / partnership_id)",
    "groups_or_partnership": "a simulation needs groups or a partnership whose cohort it simulates",
    "decision_fields": "a decision's fields that go together (reason_code with rejected, no log id when proposed)",
    "too_large": "a simulation's cohort or runs x citizens over the service's limit",
    "period_order": "a period whose `to` is not after its `from`",
    "future": "an outcome event dated in the future",
    "erased": "a citizen who has been erased",
    "overlap": "a rate card overlapping another card's period of the country",
    "overlaps": "a contract overlapping another of the partnership",
    "invalid_rate_card": "a rate card document that is not a complete card",
    "header": "a refusion file whose first line is not the header",
    "unstorable_text": "text with a NUL character (PostgreSQL cannot store it)",
    "key_reused": "an Idempotency-Key reused with another body",
    "feed_lag": "a citizen not yet on the registry's feed (503, retry)",
    "tariffs": "tariffs naming a milestone that does not exist, or a negative amount",
    "date_order": "dates out of order (a milestone due before the enrolment starts, an end before a start)",
    "not_allowed": "a field another one excludes (a consent's `method` with a `legal_basis`)",
    "duplicate": "the same skill or support need twice",
    "unknown_occupation": "an occupation the loaded ESCO taxonomy does not hold",
    "unknown_skill": "a skill the loaded ESCO taxonomy does not hold",
    "unknown_support_need": "a support need outside the code book",
    "invalid_url": "a webhook url that is not an absolute URL with a host",
    "https_required": "a webhook url that is not https (loopback http only in development)",
    "credentials_in_url": "a webhook url carrying a user name or password",
    "decimal_parsing": "a decimal written as a string that cannot be computed with (an exponent in the millions)",
}


def schema_valid_rejections_are_business_rules(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A request the document allows is refused (400/422) only for a documented business rule."""
    meta = case.meta
    if meta is None or meta.generation.mode.is_negative or response.status_code not in (400, 422):
        return None
    body = response.json()
    codes = {str(error.get("code")) for error in body.get("errors") or []} or {str(body.get("type"))}
    SEEN_RULES.setdefault(case.operation.label, set()).update(codes)
    undocumented = sorted(codes - set(BUSINESS_RULES))
    assert not undocumented, f"schema-valid request refused for {undocumented}: {body.get('detail')}"
    return True


# The merged document's run uses every Schemathesis check, with one replaced: instead of
# `positive_data_acceptance` (every schema-valid request accepted), a schema-valid request may be
# refused only for a documented business rule (above). The rest: schema-violating requests refused,
# declared response headers sent, `Allow` on 405, unsupported methods refused, authentication not
# ignored, required headers required, deleted resources gone and created ones available.
ALL_CHECKS = [
    *CHECKS,
    negative_data_rejection,
    response_headers_conformance,
    allow_header_conformance,
    unsupported_method,
    ignored_auth,
    missing_required_header,
    use_after_free,
    ensure_resource_availability,
    schema_valid_rejections_are_business_rules,
]


def contract_config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {token}"},
            "request-timeout": 60,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "mode": "all"},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": False},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        }
    )


@pytest.fixture(autouse=True)
def _node_id_for_lazy_schemas(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32's fixture-loaded schemas name each operation's subtest through
    `Function._nodeid`, which pytest 9.2 no longer sets; give it the node id it expects."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture(scope="session")
def contract_token(stack: Stack) -> str:
    return stack.admin_token()


def _schema(url: str, token: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json", config=contract_config(token))
    schema.config.update(base_url=url)
    return schema


@pytest.fixture(scope="session")
def registry_contract(stack: Stack, contract_token: str) -> schemathesis.BaseSchema:
    return _schema(stack.url("registry"), contract_token)


@pytest.fixture(scope="session")
def matching_contract(stack: Stack, contract_token: str) -> schemathesis.BaseSchema:
    return _schema(stack.url("matching"), contract_token)


@pytest.fixture(scope="session")
def outcomes_contract(stack: Stack, contract_token: str) -> schemathesis.BaseSchema:
    return _schema(stack.url("outcomes"), contract_token)


@pytest.fixture(scope="session")
def gateway_contract(stack: Stack, contract_token: str) -> schemathesis.BaseSchema:
    return _schema(stack.gateway_url, contract_token)


registry_schema = schemathesis.pytest.from_fixture("registry_contract")
matching_schema = schemathesis.pytest.from_fixture("matching_contract")
outcomes_schema = schemathesis.pytest.from_fixture("outcomes_contract")
gateway_schema = schemathesis.pytest.from_fixture("gateway_contract")


@registry_schema.parametrize()
def test_registry_honours_its_contract(case: Case) -> None:
    case.call_and_validate(checks=CHECKS)


@matching_schema.parametrize()
def test_matching_honours_its_contract(case: Case) -> None:
    case.call_and_validate(checks=CHECKS)


@outcomes_schema.parametrize()
def test_outcomes_honours_its_contract(case: Case) -> None:
    case.call_and_validate(checks=CHECKS)


@gateway_schema.parametrize()
def test_gateway_honours_the_merged_contract(case: Case) -> None:
    case.call_and_validate(checks=ALL_CHECKS)


def test_allow_on_405_lists_exactly_the_documented_methods(
    gateway: httpx.Client, admin_headers: dict[str, str]
) -> None:
    """OPTIONS (no CORS preflight) and an undocumented method answer 405 with the path's methods."""
    document = gateway.get("/openapi.json").json()
    wrong = []
    for template, item in document["paths"].items():
        documented = sorted(method.upper() for method in item if method in {"get", "post", "put", "patch", "delete"})
        path = re.sub(r"\{[^}]+\}", "3f2c9a4e-8b1d-4c57-a0e2-5d6b7c8e9f10", template)
        undocumented = next(m for m in ("PUT", "PATCH", "DELETE", "POST") if m not in documented)
        for method in ("OPTIONS", undocumented):
            response = gateway.request(method, path, headers=admin_headers)
            allow = sorted(m.strip() for m in response.headers.get("allow", "").split(",") if m.strip())
            if response.status_code != 405 or allow != documented:
                wrong.append(f"{method} {template}: {response.status_code} Allow {allow}, documented {documented}")
    assert wrong == []


def test_merged_document_is_complete_and_valid_openapi_3_1(gateway: httpx.Client) -> None:
    """One document for the whole public API: every service present, every operation complete."""
    document = gateway.get("/openapi.json").json()
    assert "x-unavailable-services" not in document["info"]
    validate(document)
    assert openapi_defects(document) == []


@pytest.mark.parametrize(
    ("service", "path"),
    [("registry", "/v1/municipalities"), ("matching", "/v1/models"), ("outcomes", "/v1/rate-cards")],
)
def test_contract_token_is_accepted_by_each_service(stack: Stack, contract_token: str, service: str, path: str) -> None:
    """Without this, a suite whose every answer is a documented 401 would pass and prove nothing."""
    response = httpx.get(f"{stack.url(service)}{path}", headers={"Authorization": f"Bearer {contract_token}"})
    assert response.status_code == 200, response.text


# POSTs that take no Idempotency-Key, and why (docs/api.md "Idempotency").
NOT_IDEMPOTENT_BY_KEY = {
    "/v1/auth/token": "OAuth2 token endpoint (RFC 6749): every call issues a fresh token and changes nothing",
}


def test_every_state_changing_post_declares_idempotency_key(gateway: httpx.Client) -> None:
    """A generated client gets an `idempotency_key` argument on every POST of the merged document."""
    document = gateway.get("/openapi.json").json()
    missing = []
    for path, item in document["paths"].items():
        operation = item.get("post")
        if operation is None or path in NOT_IDEMPOTENT_BY_KEY:
            continue
        headers = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
        replayed = all(
            "Idempotent-Replayed" in answer.get("headers", {})
            for status, answer in operation["responses"].items()
            if status.startswith("2")
        )
        if "Idempotency-Key" not in headers or not replayed:
            missing.append(path)
    assert missing == []
    assert set(NOT_IDEMPOTENT_BY_KEY) <= set(document["paths"])


def test_every_business_rule_is_documented() -> None:
    """The list above is the API guide's table of refusals: each code is explained there."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    assert [code for code in BUSINESS_RULES if f"| `{code}` |" not in guide] == []
