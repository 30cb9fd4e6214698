"""The merged OpenAPI document (gateway + every service) and Swagger UI."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from ..clients.upstream_documents import UpstreamDocuments
from ..domain.openapi_merge import merge_openapi
from ..domain.routes import upstream_for
from ..proxy.forwarder import Forwarder

router = APIRouter(include_in_schema=False)
PUBLIC_PATHS = frozenset({"/v1/auth/token"})


def _owns(service: str, path: str) -> bool:
    return upstream_for(path) == service


@router.get("/openapi.json")
async def openapi_document(request: Request) -> JSONResponse:
    """The public API: the gateway's own paths and every service's `/v1` paths."""
    app = request.app
    forwarder: Forwarder = app.state.forwarder
    documents: UpstreamDocuments = app.state.upstream_documents
    services, missing = await documents.fetch_all(forwarder.session)
    public_url = app.state.settings.public_url or str(request.base_url).rstrip("/")
    merged = merge_openapi(
        app.openapi(),
        services,
        owns=_owns,
        servers=[{"url": public_url, "description": "Brobygger gateway"}],
        public_paths=PUBLIC_PATHS,
    )
    if missing:
        merged["info"]["x-unavailable-services"] = missing
    return JSONResponse(merged)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Brobygger API")
