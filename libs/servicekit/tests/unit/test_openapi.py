"""servicekit completes every service's OpenAPI document: ids, summaries, problem+json errors, examples."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from openapi_spec_validator import validate
from pydantic import BaseModel, Field

from servicekit.app import create_service_app
from servicekit.auth import CurrentPrincipal
from servicekit.errors import PROBLEM_JSON
from servicekit.etag import IfMatchHeader
from servicekit.openapi_quality import app_contract_defects, openapi_defects
from servicekit.settings import ServiceSettings
from servicekit.testing import TokenFactory


class WidgetCreate(BaseModel):
    name: str = Field(min_length=1, max_length=40, examples=["Lathe"])
    size: int = Field(ge=1, le=10)


class WidgetRead(WidgetCreate):
    id: int


router = APIRouter(prefix="/v1/widgets", tags=["widgets"])


@router.post("", status_code=201, response_model=WidgetRead)
async def create_widget(body: WidgetCreate) -> WidgetRead:
    """Create a widget."""
    return WidgetRead(id=1, **body.model_dump())


@router.patch("/{widget_id}", response_model=WidgetRead)
async def update_widget(
    widget_id: int, body: WidgetCreate, principal: CurrentPrincipal, if_match: IfMatchHeader
) -> WidgetRead:
    """Change a widget.

    The rest of the docstring stays the description.
    """
    return WidgetRead(id=widget_id, **body.model_dump())


@pytest.fixture(scope="module")
def app() -> FastAPI:
    settings = ServiceSettings(jwks_json=TokenFactory().jwks_json, log_json=True)
    return create_service_app(settings=settings, title="Widgets", description="Test service", routers=[router])


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def test_operation_ids_are_camel_case_endpoint_names(document: dict[str, Any]) -> None:
    assert document["paths"]["/v1/widgets"]["post"]["operationId"] == "createWidget"
    assert document["paths"]["/v1/widgets/{widget_id}"]["patch"]["operationId"] == "updateWidget"


def test_summary_is_the_docstrings_first_line(document: dict[str, Any]) -> None:
    update = document["paths"]["/v1/widgets/{widget_id}"]["patch"]
    assert update["summary"] == "Change a widget"
    assert "stays the description" in update["description"]


def test_errors_are_documented_as_problem_json_by_what_the_route_takes(document: dict[str, Any]) -> None:
    create = document["paths"]["/v1/widgets"]["post"]["responses"]
    update = document["paths"]["/v1/widgets/{widget_id}"]["patch"]["responses"]
    assert set(create) == {"201", "400", "413", "422"}  # no token: no 401/403
    assert set(update) == {"200", "400", "401", "403", "404", "412", "413", "422", "428"}
    for status, response in {**create, **update}.items():
        if status.startswith("4"):
            assert list(response["content"]) == [PROBLEM_JSON]
            assert response["content"][PROBLEM_JSON]["example"]["status"] == int(status)


def test_completed_document_has_no_defects_and_validates(document: dict[str, Any]) -> None:
    assert openapi_defects(document) == []
    assert "HTTPValidationError" not in document["components"]["schemas"]
    validate(document)


def test_built_examples_follow_field_examples_and_bounds(document: dict[str, Any]) -> None:
    example = document["paths"]["/v1/widgets"]["post"]["requestBody"]["content"]["application/json"]["example"]
    assert example == {"name": "Lathe", "size": 1}


async def test_malformed_json_answers_documented_400_problem(app: FastAPI, document: dict[str, Any]) -> None:
    """Found by Schemathesis: FastAPI answers a body that is not UTF-8 with 400, which no service documented."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://widgets.test") as client:
        response = await client.post("/v1/widgets", content=b"\xff\x04{", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    assert str(response.status_code) in document["paths"]["/v1/widgets"]["post"]["responses"]


def test_app_contract_defects_name_an_undocumented_or_thread_pool_route() -> None:
    app = FastAPI()

    @app.get("/plain")
    def plain() -> dict[str, str]:
        return {}

    defects = app_contract_defects(app)
    assert any(d.startswith("GET /plain:") for d in defects)  # no summary, example or problem errors
    assert [d for d in defects if d.startswith("runs in the thread pool: GET /plain: ")] != []
