"""The one place that maps domain errors (servicekit.domain_errors) to RFC 9457 problem+json responses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from .domain_errors import (
    PROBLEM_BASE,
    PROBLEM_TYPES,
    BadRequest,
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    InvalidField,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    ServiceUnavailable,
    StaleVersion,
    TooManyRequests,
    Unauthenticated,
    ValidationFailed,
    VersionRequired,
)

__all__ = [
    "PROBLEM_BASE",
    "PROBLEM_TYPES",
    "BadRequest",
    "Conflict",
    "DomainError",
    "FieldError",
    "Forbidden",
    "InvalidField",
    "NotFound",
    "PayloadTooLarge",
    "PreconditionFailed",
    "PreconditionRequired",
    "Problem",
    "ServiceUnavailable",
    "StaleVersion",
    "TooManyRequests",
    "Unauthenticated",
    "ValidationFailed",
    "VersionRequired",
    "install_error_handlers",
]

PROBLEM_JSON = "application/problem+json"
# SQLSTATEs of text PostgreSQL cannot store: a NUL character (0x00) or one outside the encoding.
# Any free-text parameter or field can carry one; it is the client's input, not a server fault.
UNSTORABLE_TEXT = frozenset({"22021", "22P05"})

log = structlog.get_logger("servicekit.errors")


@dataclass
class Problem:
    """An RFC 9457 problem document."""

    status: int
    title: str
    detail: str
    slug: str
    errors: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self, instance: str | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            doc["instance"] = instance
        if self.errors:
            doc["errors"] = self.errors
        doc.update(self.extra)
        return doc

    def response(self, instance: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(instance), status_code=self.status, media_type=PROBLEM_JSON, headers=headers)


def problem_from_domain(error: DomainError) -> Problem:
    return Problem(
        status=error.status,
        title=error.title,
        detail=error.detail,
        slug=error.slug,
        errors=[e.as_dict() for e in error.errors],
        extra=dict(error.extra),
    )


HTTP_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-failed", "Validation failed"),
    429: ("rate-limited", "Too many requests"),
}


PATH_PARAMETER = re.compile(r"\{[^}]+\}")
UNION_TAG_ERRORS = frozenset({"union_tag_invalid", "union_tag_not_found"})


def without_union_tags(loc: Sequence[Any], document: Any) -> list[Any]:
    """Pydantic names the chosen member of a discriminated union in `loc` by its tag
    (`('placement_started', 'data', 'kind')`); the tag is the value of a field of the object, never
    a key of it, so walking `loc` along the document drops it: 'data.kind'."""
    kept: list[Any] = []
    node = document
    for part in loc:
        if (
            isinstance(node, dict)
            and isinstance(part, str)
            and part not in node
            and part in {value for value in node.values() if isinstance(value, str)}
        ):
            continue
        kept.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return kept


def field_location(loc: Sequence[Any], body: Any = None) -> str:
    """Turn pydantic's ('body', 'benefit', 'monthly_amount') into 'benefit.monthly_amount'."""
    if loc and loc[0] == "body":
        loc = ["body", *without_union_tags(loc[1:], body)]
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        if parts[0] != "body":
            return ".".join(parts)  # keep 'query.limit' so the reader knows where to look
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_problem(exc: RequestValidationError) -> Problem:
    if exc.errors() and all(err.get("type") == "json_invalid" for err in exc.errors()):
        # Not JSON at all: the request cannot be read, which is 400; 422 is for JSON that is wrong.
        return Problem(400, "Bad request", "The body is not valid JSON.", "bad-request")
    errors = []
    for err in exc.errors():
        msg = str(err.get("msg", "invalid"))
        # pydantic puts the rejected input in 'input'; never echo it (it may hold a national id).
        loc = tuple(err.get("loc", ()))
        if err.get("type") in UNION_TAG_ERRORS:  # the discriminator itself is wrong: name it
            loc = (*loc, str(err.get("ctx", {}).get("discriminator", "")).strip("'"))
        location = field_location(loc, exc.body)
        errors.append(FieldError(location, msg, str(err.get("type", "invalid"))).as_dict())
    names = ", ".join(e["field"] for e in errors[:5])
    return Problem(422, "Validation failed", f"Invalid fields: {names}", "validation-failed", errors)


def allowed_methods(request: Request) -> list[str]:
    """Every method the document lists for this path. Starlette's 405 names only the first route
    that matched (GET and POST of one path are two routes)."""
    path = request.scope["path"]
    routes = [(str(r.path_format), set(r.methods or ())) for r in iter_route_contexts(request.app.routes)]
    matched = [(fmt, methods) for fmt, methods in routes if compile_path(fmt)[0].match(path)]
    if not matched:
        return []
    # The most literal path is the one the request names: `/{id}:activate` over `/{id}`.
    named = max((fmt for fmt, _ in matched), key=lambda fmt: len(PATH_PARAMETER.sub("", fmt)))
    return sorted({method for fmt, methods in matched if fmt == named for method in methods})


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as problem+json; unexpected ones are logged and answered 500."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        headers = {"Retry-After": str(exc.extra.pop("retry_after"))} if "retry_after" in exc.extra else None
        if exc.status == 401:
            headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
        return problem_from_domain(exc).response(request.url.path, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_problem(exc).response(request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title = HTTP_TITLES.get(exc.status_code, ("error", "Error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return Problem(exc.status_code, title, detail, slug).response(request.url.path, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
        return Problem(500, "Internal error", "An unexpected error occurred.", "internal").response(request.url.path)

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        # Answered here rather than in the catch-all above, which Starlette re-raises after
        # answering: an outage would be logged as crashes and counted as 500s in the metrics.
        if database_unavailable(exc):
            log.warning("database_unavailable", path=request.url.path, error_type=type(exc).__name__)
            problem = problem_from_domain(ServiceUnavailable("The database cannot be reached; retry shortly."))
            return problem.response(request.url.path, {"Retry-After": "1"})
        if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in UNSTORABLE_TEXT:
            detail = "Text may not contain NUL characters (or others PostgreSQL cannot store)."
            errors = [FieldError("body", "holds a character PostgreSQL cannot store", "unstorable_text").as_dict()]
            return Problem(422, "Validation failed", detail, "validation-failed", errors).response(request.url.path)
        return await _unexpected(request, exc)  # a bug

    # One handler for every database error: registering a second one for the same class would
    # silently replace the first.
    for error_type in (DBAPIError, asyncpg.PostgresError, *_UNAVAILABLE):
        app.add_exception_handler(error_type, _database)


# The database is down, restarting, or cut our connection: the request may succeed if retried.
_UNAVAILABLE = (
    ConnectionError,
    asyncpg.PostgresConnectionError,  # class 08, and a connection that no longer exists
    asyncpg.CannotConnectNowError,  # starting up or shutting down
    asyncpg.AdminShutdownError,  # pg_terminate_backend, a fast shutdown
    asyncpg.CrashShutdownError,
    PoolTimeoutError,  # every pooled connection stayed busy for pool_timeout
)


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) means the database cannot be reached right now: a 503, not a bug."""
    seen: BaseException | None = exc
    for _ in range(8):  # SQLAlchemy wraps the driver's error, which wraps the socket's
        if seen is None:
            return False
        if isinstance(seen, _UNAVAILABLE) or (isinstance(seen, DBAPIError) and seen.connection_invalidated):
            return True
        seen = seen.__cause__ or (seen.orig if isinstance(seen, DBAPIError) else None) or seen.__context__
    return False
