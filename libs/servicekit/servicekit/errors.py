"""The one place that maps domain errors (servicekit.domain_errors) to RFC 9457 problem+json responses."""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    ERROR_FOR_STATUS,
    PROBLEM_BASE,
    PROBLEM_TYPES,
    BadRequest,
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    InternalError,
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
    problem_document,
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
    "ServiceUnavailable",
    "StaleVersion",
    "TooManyRequests",
    "Unauthenticated",
    "ValidationFailed",
    "VersionRequired",
    "install_error_handlers",
    "problem_document",
]

PROBLEM_JSON = "application/problem+json"
# SQLSTATEs of text PostgreSQL cannot store: a NUL character (0x00) or one outside the encoding.
# Any free-text parameter or field can carry one; it is the client's input, not a server fault.
UNSTORABLE_TEXT = frozenset({"22021", "22P05"})

log = structlog.get_logger("servicekit.errors")


def problem_headers(error: DomainError) -> dict[str, str]:
    """The headers an error's answer carries: when to retry, and how to authenticate."""
    headers = {"Retry-After": str(error.extra["retry_after"])} if "retry_after" in error.extra else {}
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return headers


def problem_response(error: DomainError, instance: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The problem+json answer of `error` at `instance`, with its own headers and `headers`."""
    return JSONResponse(
        problem_document(error, instance),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers={**problem_headers(error), **(headers or {})},
    )


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


def validation_problem(exc: RequestValidationError) -> DomainError:
    if exc.errors() and all(err.get("type") == "json_invalid" for err in exc.errors()):
        # Not JSON at all: the request cannot be read, which is 400; 422 is for JSON that is wrong.
        return BadRequest("The body is not valid JSON.")
    errors = []
    for err in exc.errors():
        msg = str(err.get("msg", "invalid"))
        # pydantic puts the rejected input in 'input'; never echo it (it may hold a national id).
        loc = tuple(err.get("loc", ()))
        if err.get("type") in UNION_TAG_ERRORS:  # the discriminator itself is wrong: name it
            loc = (*loc, str(err.get("ctx", {}).get("discriminator", "")).strip("'"))
        location = field_location(loc, exc.body)
        errors.append(FieldError(location, msg, str(err.get("type", "invalid"))))
    return ValidationFailed.naming(errors)


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
        return problem_response(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_problem(exc), request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        detail = exc.detail if isinstance(exc.detail, str) else ""
        declared = ERROR_FOR_STATUS.get(exc.status_code)
        if declared is None:  # a status no problem type names (none of Starlette's today)
            document = {"type": PROBLEM_BASE + "error", "title": "Error", "status": exc.status_code, "detail": detail}
            return JSONResponse(document, status_code=exc.status_code, media_type=PROBLEM_JSON, headers=headers)
        return problem_response(declared(detail), request.url.path, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
        return problem_response(InternalError("An unexpected error occurred."), request.url.path)

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        # Answered here rather than in the catch-all above, which Starlette re-raises after
        # answering: an outage would be logged as crashes and counted as 500s in the metrics.
        if database_unavailable(exc):
            log.warning("database_unavailable", path=request.url.path, error_type=type(exc).__name__)
            unavailable = ServiceUnavailable("The database cannot be reached; retry shortly.", retry_after=1)
            return problem_response(unavailable, request.url.path)
        if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in UNSTORABLE_TEXT:
            detail = "Text may not contain NUL characters (or others PostgreSQL cannot store)."
            errors = [FieldError("body", "holds a character PostgreSQL cannot store", "unstorable_text")]
            return problem_response(ValidationFailed(detail, errors=errors), request.url.path)
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
