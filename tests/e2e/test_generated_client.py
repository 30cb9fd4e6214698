"""A Python client generated from the gateway's merged OpenAPI document walks a journey, typed.

openapi-python-client (what an integrator would run) generates the client in the test, with no
warning allowed; every step then goes through its typed functions and models, so a schema the
server does not keep (an untyped body, a wrong media type, a missing header parameter) fails here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from devstack.demo_population import fake_cpr, fake_cvr
from devstack.stack import Stack

from .journey_data import programme_taxonomy
from .polling import wait_until

PACKAGE = "brobygger_generated_client"
MUNICIPALITY = "DK-0851"  # Aalborg: no other end-to-end test writes to it
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture(scope="module")
def generated(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("generated-client")
    spec = folder / "openapi.json"

    def whole_document() -> dict[str, Any] | None:
        # A service building its document for the first time on a loaded machine can miss the
        # gateway's 3 s fetch; the gateway then answers without it (and tries again next time).
        document: dict[str, Any] = httpx.get(f"{stack.gateway_url}/openapi.json", timeout=30).json()
        return None if "x-unavailable-services" in document["info"] else document

    spec.write_text(json.dumps(wait_until(whole_document, timeout=60, what="the merged document of every service")))
    config = folder / "config.yaml"
    # Media types the generator has no template for (it knows JSON, text/* answers and octet-stream):
    # its documented content_type_overrides handles the CSV upload, charts and pain.001 as files (bytes).
    overrides = ("text/csv", "image/png", "image/svg+xml", "application/xml")
    config.write_text(
        f"package_name_override: {PACKAGE}\npost_hooks: []\ncontent_type_overrides:\n"
        + "".join(f"  {media_type}: application/octet-stream\n" for media_type in overrides)
    )
    result = subprocess.run(
        [
            *(str(GENERATOR), "generate", "--path", str(spec), "--output-path", str(folder / PACKAGE)),
            *("--config", str(config), "--meta", "none"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output, output
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def module(generated: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{generated.__name__}.{name}")


def parsed(response: Any, status: int) -> Any:
    assert response.status_code == status, response.content[:800]
    return response.parsed


@pytest.fixture(scope="module")
def municipal(generated: ModuleType, stack: Stack) -> Iterator[Any]:
    """A municipal API client created through the generated client, and its own authenticated client."""
    client_module = module(generated, "client")
    with (
        client_module.AuthenticatedClient(base_url=stack.gateway_url, token=stack.admin_token(), timeout=60) as admin,
        client_module.Client(base_url=stack.gateway_url, timeout=60) as anonymous,
    ):
        token = _municipal_token(generated, admin, anonymous)
    with client_module.AuthenticatedClient(base_url=stack.gateway_url, token=token, timeout=60) as client:
        yield client


def _municipal_token(generated: ModuleType, admin: Any, anonymous: Any) -> str:
    models = module(generated, "models")
    created = module(generated, "api.municipalities.create_municipality").sync_detailed(
        client=admin, body=models.MunicipalityCreate(code=MUNICIPALITY, name="Aalborg")
    )
    assert created.status_code in (201, 409), created.content
    scopes = ["citizens:read", "citizens:write", "organisations:write", "openings:write", "matching:read"]
    scopes += ["outcomes:write", "outcomes:read", "reports:read"]
    credentials = parsed(
        module(generated, "api.clients.create_client").sync_detailed(
            client=admin,
            body=models.ClientCreate.from_dict(  # scopes are an enum of the catalogue in the document
                {"name": "generated-client journey", "tenant": MUNICIPALITY, "scopes": scopes}
            ),
        ),
        201,
    )
    assert isinstance(credentials, models.ClientCreated)
    token = parsed(
        module(generated, "api.auth.issue_access_token").sync_detailed(
            client=anonymous,
            body=models.IssueAccessTokenBody.from_dict(
                {
                    "grant_type": "client_credentials",
                    "client_id": credentials.client_id,
                    "client_secret": credentials.client_secret,
                }
            ),
        ),
        200,
    )
    assert isinstance(token, models.TokenResponse)
    return str(token.access_token)


def test_the_journey_runs_typed_through_the_generated_client(generated: ModuleType, municipal: Any) -> None:
    models = module(generated, "models")
    rng = random.Random(851)
    occupation = programme_taxonomy()[0].occupation  # from the taxonomy the stack loads (ESCO in CI)
    skill = occupation.essential_skills[0]

    company = parsed(
        module(generated, "api.organisations.create_organisation").sync_detailed(
            client=municipal,
            body=models.OrganisationCreate.from_dict(
                {
                    "kind": "company",
                    "name": "Limfjord Køkken ApS",
                    "registration_number": fake_cvr(rng),
                    "country": "DK",
                    "municipality": MUNICIPALITY,
                }
            ),
            idempotency_key="gen-org-1",
        ),
        201,
    )
    assert isinstance(company, models.OrganisationRead)

    national_id, birth_year = fake_cpr(rng, 1)
    citizen_body = models.CitizenCreate.from_dict(
        {
            "municipality": MUNICIPALITY,
            "external_ref": "GEN-1",
            "national_id": national_id,
            "birth_year": birth_year,
            "target_group": "cash_benefit",
            "work_capacity_hours": 15,
            "benefit": {
                "type": "kontanthjaelp_30_plus",
                "monthly_amount": 1277000,
                "currency": "DKK",
                "since": "2025-06-01",
            },
            "skills": [{"code": skill}],
            "support_needs": [{"code": "mentor"}],
            "consent": {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"},
        }
    )
    create_citizen = module(generated, "api.citizens.create_citizen")
    first = create_citizen.sync_detailed(client=municipal, body=citizen_body, idempotency_key="gen-citizen-1")
    citizen = parsed(first, 201)
    assert isinstance(citizen, models.CitizenRead)
    replay = create_citizen.sync_detailed(client=municipal, body=citizen_body, idempotency_key="gen-citizen-1")
    assert replay.headers.get("idempotent-replayed") == "true"
    assert parsed(replay, 201).id == citizen.id

    page = parsed(
        module(generated, "api.citizens.list_citizens").sync_detailed(client=municipal, municipality=MUNICIPALITY),
        200,
    )
    assert citizen.id in [item.id for item in page.items]

    opening = parsed(
        module(generated, "api.openings.create_opening").sync_detailed(
            client=municipal,
            body=models.OpeningCreate.from_dict(
                {
                    "municipality": MUNICIPALITY,
                    "external_ref": "GEN-OPENING-1",
                    "organisation_id": str(company.id),
                    "title": "Opvasker",
                    "occupation": occupation.code,
                    "skills": [{"code": skill, "essential": True}],
                    "hours_per_week": {"min": 10, "max": 20},
                    "seats": 2,
                    "support_offered": ["mentor"],
                    "flexjob": True,
                    "location": {"postcode": "9000", "lat": 57.048, "lon": 9.919},
                }
            ),
        ),
        201,
    )
    assert isinstance(opening, models.OpeningRead)

    list_recommendations = module(generated, "api.recommendations.list_recommendations")

    def ranked() -> Any:
        answer = list_recommendations.sync_detailed(client=municipal, citizen_id=citizen.id, limit=5)
        return answer.parsed if answer.status_code == 200 and answer.parsed.items else None

    recommendations = wait_until(ranked, timeout=30, what="matching ranking the new citizen (change feed)")
    assert recommendations.items[0].explanation.matched_skills is not None

    create_event = module(generated, "api.outcome_events.create_outcome_event")
    create_events = module(generated, "api.outcome_events.create_outcome_events")
    placement = {
        "id": "gen-placement-1",
        "citizen_id": str(citizen.id),
        "type": "placement_started",
        "occurred_on": "2026-11-02",
        "data": {"organisation_id": str(company.id), "hours_per_week": 12, "kind": "flexjob"},
    }

    def recorded() -> bool:
        answer = create_event.sync_detailed(client=municipal, body=models.PlacementStartedEvent.from_dict(placement))
        return answer.status_code in (200, 201)

    wait_until(recorded, timeout=30, what="outcomes accepting an event for the new citizen (change feed)")
    batch = parsed(
        create_events.sync_detailed(
            client=municipal,
            body=models.OutcomeEventBatch.from_dict(
                {
                    "items": [
                        placement,
                        {**placement, "id": "gen-hours-1", "type": "hours_changed", "data": {"hours_per_week": 15}},
                    ]
                }
            ),
        ),
        200,
    )
    assert isinstance(batch, models.BatchResult)
    assert [item.status for item in batch.items] == ["unchanged", "created"]
    assert batch.summary.created == 1

    evaluation = parsed(
        module(generated, "api.evaluations.get_evaluation").sync_detailed(
            client=municipal, municipality=MUNICIPALITY, from_=dt.date(2026, 1, 1), to=dt.date(2027, 1, 1)
        ),
        200,
    )
    assert isinstance(evaluation, models.EvaluationRead)
    chart = module(generated, "api.evaluations.get_evaluation_chart_svg").sync_detailed(
        client=municipal, municipality=MUNICIPALITY, from_=dt.date(2026, 1, 1), to=dt.date(2027, 1, 1)
    )
    assert chart.status_code == 200
    assert chart.parsed.payload.read().lstrip().startswith(b"<")  # a File: bytes, not parsed as JSON
