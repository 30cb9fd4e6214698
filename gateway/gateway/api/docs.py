"""The merged OpenAPI document (gateway + every service), Swagger UI and ReDoc.

The documentation pages are served by the gateway itself, offline: the Swagger UI and ReDoc
distributions come packaged (fastapi-offline's static files), never from a CDN, and the pages
carry no inline script, so the strict Content-Security-Policy (servicekit.app.DOCS_CSP) holds.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from servicekit.domain_errors import NotFound

from ..domain.openapi_merge import merge_openapi
from ..domain.routes import upstream_for
from .deps import ForwarderDep, SettingsDep, UpstreamDocumentsDep

router = APIRouter(include_in_schema=False)
PUBLIC_PATHS = frozenset({"/v1/auth/token"})
PACKAGED = Path(fastapi_offline.__file__).resolve().parent / "static"
OURS = Path(__file__).resolve().parent / "docs_assets"
ASSETS = {
    "swagger-ui-bundle.js": PACKAGED / "swagger-ui-bundle.js",
    "swagger-ui.css": PACKAGED / "swagger-ui.css",
    "redoc.standalone.js": PACKAGED / "redoc.standalone.js",
    "favicon.png": PACKAGED / "favicon.png",
    "swagger-init.js": OURS / "swagger-init.js",
}
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}

SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Brobygger API</title>
<link rel="icon" type="image/png" href="/docs/static/favicon.png">
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/static/swagger-init.js"></script></body></html>
"""
REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Brobygger API</title>
<link rel="icon" type="image/png" href="/docs/static/favicon.png"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="/docs/static/redoc.standalone.js"></script></body></html>
"""


def _owns(service: str, path: str) -> bool:
    return upstream_for(path) == service


@router.get("/openapi.json")
async def openapi_document(
    request: Request, forwarder: ForwarderDep, documents: UpstreamDocumentsDep, settings: SettingsDep
) -> JSONResponse:
    """The public API: the gateway's own paths and every service's `/v1` paths."""
    services, missing = await documents.fetch_all(forwarder.session)
    public_url = settings.public_url or str(request.base_url).rstrip("/")
    merged = merge_openapi(
        request.app.openapi(),
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
    return HTMLResponse(SWAGGER_PAGE)


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return HTMLResponse(REDOC_PAGE)


@router.get("/docs/static/{name}")
async def docs_asset(name: str) -> FileResponse:
    path = ASSETS.get(name)
    if path is None:
        raise NotFound("No such documentation asset.")
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers={"Cache-Control": "public, max-age=86400"})
