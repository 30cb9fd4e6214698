"""Helpers for the OWASP API Top 10 tests: two tenants with one object of every resource type,
forged tokens, and the merged OpenAPI document's operations.

Tenant A is Frederikshavn (DK-0813), tenant B is Falun (SE-2080); no other end-to-end test uses
them, so B's lists must never show any of A's ids.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from stdnum import luhn

from devstack.stack import Stack
from gateway.domain.scopes import KNOWN_SCOPES
from servicekit.claims import AUDIENCE, ISSUER, access_claims

from .polling import wait_until
from .vocabulary import occupation_code, skill_code

TENANT_A = "DK-0813"
TENANT_B = "SE-2080"
NAMES = {TENANT_A: "Frederikshavn", TENANT_B: "Falun"}
# Every scope a municipal client can hold: all the gateway knows but the admin and service ones.
WRITE_SCOPES = sorted(KNOWN_SCOPES - {"admin", "internal"})
READ_SCOPES = ["citizens:read", "matching:read", "outcomes:read", "reports:read"]
WRITE_METHODS = ("post", "patch", "put", "delete")
PROBLEM_JSON = "application/problem+json"
_rng = random.Random()


def fake_cpr() -> str:
    """A CPR-format number (real 1950-1999 birth date, 7th digit 0-3) that names no real person."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=_rng.randint(0, 365 * 49))
    return f"{born:%d%m%y}{_rng.randint(0, 3999):04d}"


def fake_personnummer() -> str:
    """A 12-digit personnummer (real date, valid Luhn digit)."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=_rng.randint(0, 365 * 49))
    body = f"{born:%y%m%d}{_rng.randint(0, 999):03d}"
    return f"19{body}{luhn.calc_check_digit(body)}"


def fake_cvr() -> str:
    """8 digits passing the CVR modulus-11 check."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        head = f"{_rng.randint(1_000_000, 9_999_999):07d}"
        check = (11 - sum(w * int(d) for w, d in zip(weights, head, strict=True)) % 11) % 11
        if check < 10:
            return head + str(check)


def fake_orgnr() -> str:
    """A 10-digit Swedish organisationsnummer with a valid Luhn digit."""
    body = f"55{_rng.randint(0, 9_999_999):07d}"
    return body + luhn.calc_check_digit(body)


def spellings(national_id: str) -> list[str]:
    """The ways a national id could leak: as given, digits only, and with the usual dash."""
    digits = national_id.replace("-", "")
    forms = {national_id, digits}
    if len(digits) == 10:
        forms.add(f"{digits[:6]}-{digits[6:]}")
    if len(digits) == 12:
        forms.update({f"{digits[:8]}-{digits[8:]}", f"{digits[2:8]}-{digits[8:]}"})
    return sorted(forms)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def idempotent(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": str(uuid.uuid4())}


def created(response: httpx.Response, what: str) -> dict[str, Any]:
    assert response.status_code in (200, 201), f"{what}: {response.status_code} {response.text[:500]}"
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Tenant:
    """One municipality's clients, tokens and one object of every resource type."""

    code: str
    client_id: str
    client_secret: str
    token: str
    read_token: str
    national_ids: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)

    @property
    def read_headers(self) -> dict[str, str]:
        return bearer(self.read_token)


def open_tenant(stack: Stack, gateway: httpx.Client, admin_headers: dict[str, str], code: str) -> Tenant:
    """The municipality (created once per database) and two clients: all non-admin scopes, and read only."""
    response = gateway.post(
        "/v1/municipalities", json={"code": code, "name": NAMES[code]}, headers=idempotent(admin_headers)
    )
    assert response.status_code in (201, 409), response.text
    client_id, secret = stack.create_client(f"security-{code}-writer", code, WRITE_SCOPES)
    read_id, read_secret = stack.create_client(f"security-{code}-reader", code, READ_SCOPES)
    return Tenant(
        code=code,
        client_id=client_id,
        client_secret=secret,
        token=stack.token(client_id, secret),
        read_token=stack.token(read_id, read_secret),
    )


def citizen_payload(tenant: Tenant) -> dict[str, Any]:
    danish = tenant.code.startswith("DK")
    national_id = fake_cpr() if danish else fake_personnummer()
    tenant.national_ids.append(national_id)
    return {
        "external_ref": f"SEC-{uuid.uuid4().hex[:12]}",
        "national_id": national_id,
        "target_group": "cash_benefit",
        "benefit": {
            "type": "kontanthjaelp_30_plus" if danish else "ekonomiskt_bistand",
            "monthly_amount": 1_277_000,
            "currency": "DKK" if danish else "SEK",
            "since": "2026-01-01",
        },
        "work_capacity_hours": 20,
        "skills": [{"code": skill_code(), "level": "basic"}],
        "support_needs": [],
        "interests": [occupation_code()],
        "location": {"postcode": "9900" if danish else "791 31", "lat": 57.44, "lon": 10.54},
        "consent": {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"},
    }


def populate(gateway: httpx.Client, tenant: Tenant) -> None:
    """One object of every tenant-scoped resource type, created through the gateway by the tenant itself."""
    h = tenant.headers
    danish = tenant.code.startswith("DK")
    ids = tenant.ids

    def organisation(kind: str) -> str:
        body: dict[str, Any] = {"kind": kind, "name": f"Sikkerhed {kind} {uuid.uuid4().hex[:6]}"}
        if kind == "company":
            body["registration_number"] = fake_cvr() if danish else fake_orgnr()
        return str(created(gateway.post("/v1/organisations", json=body, headers=idempotent(h)), kind)["id"])

    ids["organisation"] = organisation("company")
    ids["business_council"] = organisation("business_council")
    ids["provider"] = organisation("provider")
    ids["partnership"] = created(
        gateway.post(
            "/v1/partnerships",
            json={
                "company_id": ids["organisation"],
                "business_council_id": ids["business_council"],
                "provider_id": ids["provider"],
                "starts_on": "2026-01-01",
                "ends_on": "2027-12-31",
            },
            headers=idempotent(h),
        ),
        "partnership",
    )["id"]
    ids["opening"] = created(
        gateway.post(
            "/v1/openings",
            json={
                "external_ref": f"SEC-JOB-{uuid.uuid4().hex[:10]}",
                "organisation_id": ids["organisation"],
                "title": "Køkkenmedhjælper",
                "occupation": occupation_code(),
                "skills": [{"code": skill_code(), "essential": True}],
                "hours_per_week": {"min": 10, "max": 25},
                "seats": 2,
                "flexjob": False,
                "location": {"postcode": "9900", "lat": 57.44, "lon": 10.54},
                "status": "open",
            },
            headers=idempotent(h),
        ),
        "opening",
    )["id"]
    ids["citizen"] = created(
        gateway.post("/v1/citizens", json=citizen_payload(tenant), headers=idempotent(h)), "citizen"
    )["id"]
    ids["enrolment"] = created(
        gateway.post(
            "/v1/enrolments",
            json={
                "programme": "citizen_course",
                "citizen_id": ids["citizen"],
                "partnership_id": ids["partnership"],
                "started_on": "2026-02-01",
            },
            headers=idempotent(h),
        ),
        "enrolment",
    )["id"]
    ids["contract"] = post_once_known(
        gateway,
        "/v1/contracts",
        {
            "partnership_id": ids["partnership"],
            "side": "citizen_course",
            "payee_id": ids["provider"],
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "tariffs": {"placement_started": 500_000},
        },
        h,
    )["id"]
    ids["outcome_event"] = f"sec-{tenant.code}-{uuid.uuid4().hex[:10]}"
    event = {
        "id": ids["outcome_event"],
        "citizen_id": ids["citizen"],
        "type": "placement_started",
        "occurred_on": "2026-03-02",
        "data": {"organisation_id": ids["organisation"], "hours_per_week": 15, "kind": "ordinary"},
    }
    post_once_known(gateway, "/v1/outcome-events", event, h)
    ids["settlement"] = created(
        gateway.post(
            "/v1/settlements",
            json={"contract_id": ids["contract"], "from": "2026-03-01", "to": "2026-04-01"},
            headers=idempotent(h),
        ),
        "settlement",
    )["id"]
    ids["simulation"] = created(
        gateway.post(
            "/v1/simulations",
            json={
                "groups": [
                    {
                        "target_group": "cash_benefit",
                        "citizens": 10,
                        "monthly_benefit": 1_277_000,
                        "placement_probability": 0.4,
                        "monthly_dropout": 0.05,
                    }
                ],
                "runs": 50,
                "seed": 1,
            },
            headers=idempotent(h),
        ),
        "simulation",
    )["id"]
    ids["programme_cost"] = created(
        gateway.post(
            "/v1/programme-costs",
            json={
                "partnership_id": ids["partnership"],
                "side": "citizen_course",
                "category": "mentor",
                "amount": 1_500_000,
                "month": "2026-03",
                "payer": "municipality",
            },
            headers=idempotent(h),
        ),
        "programme cost",
    )["id"]
    ids["webhook"] = created(
        gateway.post(
            "/v1/webhooks",
            json={"url": f"https://hooks.{tenant.code.lower()}.example/brobygger", "events": ["ranking_run.finished"]},
            headers=idempotent(h),
        ),
        "webhook",
    )["id"]
    if not tenant.code.startswith("DK"):
        return _wait_for_matching(gateway, ids, h)
    # The state's refusion statement names the citizen by national id; outcomes stores only the citizen id.
    statement = "cpr;uge;ydelse;udbetalt;refusionsprocent;refusion\n" + (
        f"{tenant.national_ids[-1]};2026-W10;kontanthjaelp_30plus;2.783,29;40;1.113,32\n"
    )
    ids["refusion_statement"] = created(
        gateway.post(
            f"/v1/refusion-statements?municipality={tenant.code}",
            content=statement.encode(),
            headers={**idempotent(h), "Content-Type": "text/csv"},
        ),
        "refusion statement",
    )["id"]
    _wait_for_matching(gateway, ids, h)


def _wait_for_matching(gateway: httpx.Client, ids: dict[str, str], h: dict[str, str]) -> None:
    """Matching learns citizens and openings from the same feed: wait until the owner can rank them."""
    for query in (f"citizen_id={ids['citizen']}", f"opening_id={ids['opening']}"):
        wait_until(
            lambda q=query: gateway.get(f"/v1/recommendations?{q}", headers=h).status_code == 200,  # type: ignore[misc]
            timeout=120,
            what=f"matching knowing {query}",
            interval=0.5,
        )


def post_once_known(gateway: httpx.Client, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """POST until the service has learnt the referenced registry rows from the change feed."""
    answers: list[httpx.Response] = []

    def attempt() -> bool:
        answers.append(gateway.post(path, json=body, headers=idempotent(headers)))
        return answers[-1].status_code != 422

    wait_until(attempt, timeout=120, what=f"{path} knowing the registry rows it refers to", interval=0.5)
    return created(answers[-1], path)


# -- tokens --------------------------------------------------------------------------------------


def forge(claims: dict[str, Any], *, key: Ed25519PrivateKey | None = None, kid: str = "unknown") -> str:
    """A token signed with a key the gateway never published (or alg=none without a key)."""
    if key is None:
        return jwt.encode(claims, "", algorithm="none", headers={"kid": kid})
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})


def valid_claims(tenant: str, scopes: list[str], /, **overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = access_claims(
        "forger", tenant, scopes, issuer=ISSUER, audience=AUDIENCE, issued_at=int(time.time()), ttl_seconds=600
    )
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


# -- the merged OpenAPI document -----------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(document: dict[str, Any]) -> list[Operation]:
    return [
        Operation(method, path)
        for path, item in sorted(document["paths"].items())
        for method in item
        if method in ("get", *WRITE_METHODS)
    ]


def fill_path(path: str, value: str) -> str:
    """`path` with every `{parameter}` replaced by `value`."""
    out, rest = "", path
    while "{" in rest:
        head, _, tail = rest.partition("{")
        _, _, rest = tail.partition("}")
        out += head + value
    return out + rest
