"""A complete OpenAPI document for every service, written once here rather than per endpoint.

Every operation gets a stable camelCase `operationId` from its endpoint's name, a summary from
the first line of its docstring, and the error responses it can give, each documented as
RFC 9457 `application/problem+json` with the `Problem` schema and an example. A JSON request
body or 2xx answer without an example gets one built from its schema (field examples, formats,
bounds), so a reader and Schemathesis' example phase always have a starting point.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from .auth import current_principal
from .domain_errors import ERROR_FOR_STATUS, FieldError, ValidationFailed, problem_document
from .errors import PROBLEM_JSON
from .etag import if_match_dependency
from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import KEY_DEPENDENCIES, MAX_KEY_LENGTH
from .scopes import oauth2_security_scheme

PROBLEM_REF = "#/components/schemas/Problem"
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "FieldError",
    "required": ["field", "message", "code"],
    "properties": {
        "field": {"type": "string", "description": "Dotted location, e.g. `benefit.monthly_amount`"},
        "message": {"type": "string"},
        "code": {"type": "string", "description": "Machine-readable reason, e.g. `missing`"},
    },
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "An RFC 9457 problem document; services may add members (e.g. OAuth2 `error`).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What is wrong, for a human"},
        "instance": {"type": "string", "description": "The request path"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
    },
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    400: "The body cannot be parsed (malformed JSON or form)",
    401: "Missing, expired or invalid bearer token",
    403: "The token lacks the scope, or names another municipality",
    404: "No such resource (or another municipality's)",
    409: "Conflict with the current state, or the Idempotency-Key is in use",
    412: "Stale If-Match: the resource changed since it was read",
    413: "The body is larger than the service accepts",
    415: "Unsupported media type",
    422: "Invalid input; `errors` names each field",
    428: "If-Match is required",
    429: "Too many requests; see Retry-After",
    503: "A dependency is unavailable; retry later",
}
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
Responses = dict[int | str, dict[str, Any]]
# What an operation declares as `responses=` besides what its parameters imply (servicekit adds 401
# and 403 for a principal, 404 for a path, 422 for input): the answers nearly every endpoint can give,
# described once for every service. An operation adds its own (`{**ERRORS, 409: {...}}`).
ERRORS: Responses = {status: {"description": ERROR_DESCRIPTIONS[status]} for status in (401, 403, 404, 422)}


def operation_id(route: APIRoute) -> str:
    """`create_citizen` → `createCitizen`: stable across paths and prefixes, unique per app."""
    head, *rest = route.name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def summary_from_docstring(endpoint: Callable[..., Any] | None) -> str | None:
    """The first line of the endpoint's docstring, without its closing full stop."""
    doc = ((endpoint.__doc__ if endpoint else None) or "").strip()
    first = doc.splitlines()[0].strip() if doc else ""
    return first.rstrip(".") or None


def problem_example(status: int, instance: str) -> dict[str, Any]:
    if status == 422:
        wrong = FieldError("birth_year", "must be between 1900 and 2100", "range")
        return problem_document(ValidationFailed.naming([wrong]), instance)
    declared = ERROR_FOR_STATUS.get(status)
    if declared is None:
        raise LookupError(f"status {status} is documented, but no problem type in servicekit.domain_errors has it")
    return problem_document(declared(ERROR_DESCRIPTIONS.get(status, declared.title) + "."), instance)


def problem_response(description: str, status: int, path: str) -> dict[str, Any]:
    """One documented error answer: problem+json with the Problem schema and an example."""
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}, "example": problem_example(status, path)}},
    }


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def standard_errors(dependant: Dependant, *, has_body: bool, method: str) -> set[int]:
    """The error statuses any request to a route can get from servicekit's own machinery."""
    dependants = list(_dependants(dependant))
    headers = {str(p.alias or p.name).lower() for d in dependants for p in d.header_params}
    queries = [p for d in dependants for p in d.query_params]
    statuses: set[int] = set()
    if any(d.call is current_principal for d in dependants):
        statuses |= {401, 403}
    if dependant.path_params:
        statuses.add(404)
    if dependant.path_params or queries or headers or has_body:
        statuses.add(422)
    if has_body:
        statuses.add(400)  # the body is not parsable JSON
    if has_body or method == "POST":
        statuses.add(413)
    if "if-match" in headers:
        statuses |= {412, 428}
    return statuses


# The scheme each service names in `security`; the gateway's merged document defines it as OAuth2
# client credentials at its token endpoint.
OAUTH2_SCHEME = "oauth2"
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes a retried write safe: the same key and body replay the first answer (with "
        "`Idempotent-Replayed: true`); the same key with another body is 422; a key whose first "
        "request is still running is 409."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}
REPLAYED_HEADER: dict[str, Any] = {
    "description": "`true` when this answer is the stored answer of an earlier request with the same Idempotency-Key.",
    "schema": {"type": "string", "enum": ["true"]},
}


def required_scopes(dependant: Dependant) -> list[tuple[str, ...]]:
    """The alternatives of scopes an operation needs (`require_scope(...)` anywhere in its tree)."""
    found = (getattr(d.call, "required_scopes", None) for d in _dependants(dependant))
    return [tuple(scopes) for scopes in found if scopes]


def takes_idempotency_key(dependant: Dependant) -> bool:
    return any(d.call in KEY_DEPENDENCIES for d in _dependants(dependant))


def _declare_security(operation: dict[str, Any], dependant: Dependant) -> None:
    scopes = required_scopes(dependant)
    if scopes:
        # Security requirement objects in a list are alternatives: any one of the scopes admits.
        operation["security"] = [{OAUTH2_SCHEME: [scope]} for scope in scopes[0]]
    elif any(d.call is current_principal for d in _dependants(dependant)):
        operation["security"] = [{OAUTH2_SCHEME: []}]


def _declare_idempotency(operation: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key" for p in parameters):
        parameters.append(copy.deepcopy(IDEMPOTENCY_PARAMETER))
    responses = operation.setdefault("responses", {})
    for status, response in list(responses.items()):
        if str(status).startswith("2"):
            response.setdefault("headers", {})["Idempotent-Replayed"] = REPLAYED_HEADER


def _declare_if_match_required(operation: dict[str, Any]) -> None:
    """An update needs the ETag it read: missing is 428, so the header is required in the document."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name", "").lower() == "if-match":
            parameter["required"] = True
            parameter["schema"] = {"type": "string", "minLength": 1}
            parameter["description"] = "The ETag of the last read (required: without it 428, stale 412)"


def complete_operations(app: FastAPI, document: dict[str, Any]) -> None:
    """Summaries from docstrings, security with the scopes needed, Idempotency-Key where taken,
    and documented problem+json errors on every operation."""
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        path = str(route.path_format)
        item = document.get("paths", {}).get(path, {})
        for method in route.methods or ():
            operation = item.get(method.lower())
            if operation is None:
                continue
            if route.summary is None:
                operation["summary"] = summary_from_docstring(route.endpoint) or operation.get("summary")
            _declare_security(operation, route.dependant)
            if takes_idempotency_key(route.dependant):
                _declare_idempotency(operation)
            if any(d.call is if_match_dependency for d in _dependants(route.dependant)):
                _declare_if_match_required(operation)
            responses = operation.setdefault("responses", {})
            statuses = standard_errors(route.dependant, has_body=route.body_field is not None, method=method)
            statuses |= {int(code) for code in responses if str(code).isdigit() and int(code) >= 400}
            for status in sorted(statuses):
                described = responses.get(str(status), {}).get("description")
                description = described or ERROR_DESCRIPTIONS.get(status, "Error")
                responses[str(status)] = problem_response(description, status, path)


# ---- examples built from schemas ------------------------------------------------------------

FORMAT_EXAMPLES = {
    "date-time": "2026-03-02T09:30:00Z",
    "date": "2026-03-02",
    "uuid": "3f2c9a4e-8b1d-4c57-a0e2-5d6b7c8e9f10",
    "email": "jobcenter@stevns.dk",
    "uri": "https://brobygger.dk/",
    "duration": "P1D",
}


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = {**document["components"]["schemas"][name], **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _number(schema: dict[str, Any], kind: Callable[[float], Any]) -> Any:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None:
        value = low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
    elif high is not None:
        value = min(high, 1)
    else:
        value = 1
    if high is not None and value > high:
        value = high
    return kind(value)


def example_from_schema(
    document: dict[str, Any], schema: dict[str, Any], depth: int = 0, *, every_field: bool = True
) -> Any:
    """A plausible instance of `schema`: the schema's own examples first, then its shape.

    An answer shows `every_field`; a request body only the required fields and those with an
    example of their own (optional fields may exclude each other, like `municipality` and
    `partnership_id` of an assignment).
    """
    schema = _resolve(document, schema)
    for key in ("example", "default", "const"):
        if key in schema and schema[key] is not None:
            return copy.deepcopy(schema[key])
    if schema.get("examples"):
        return copy.deepcopy(schema["examples"][0])
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(document, s).get("type") != "null"] or schema[key]
            return example_from_schema(document, options[0], depth + 1, every_field=every_field)
    if "allOf" in schema:
        return example_from_schema(document, schema["allOf"][0], depth + 1, every_field=every_field)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or "properties" in schema:
        if depth > 8:
            return {}
        required = set(schema.get("required", ()))
        return {
            name: example_from_schema(document, sub, depth + 1, every_field=every_field)
            for name, sub in schema.get("properties", {}).items()
            if every_field or name in required or _has_example(document, sub)
        }
    if kind == "array":
        if depth > 8 or "items" not in schema:
            return []
        item = example_from_schema(document, schema["items"], depth + 1, every_field=every_field)
        return [item] * max(1, schema.get("minItems", 1))
    if kind == "integer":
        return _number(schema, int)
    if kind == "number":
        return _number(schema, float)
    if kind == "boolean":
        return True
    if kind == "string":
        return _string_example(schema)
    return None


def _has_example(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    resolved = _resolve(document, schema)
    return any(key in resolved for key in ("example", "examples", "const"))


def _string_example(schema: dict[str, Any]) -> str:
    if schema.get("format") in FORMAT_EXAMPLES:
        return FORMAT_EXAMPLES[schema["format"]]
    if schema.get("pattern") and re.fullmatch(schema["pattern"], "DK-0336"):
        return "DK-0336"
    shortest = int(schema.get("minLength", 0))
    longest = int(schema.get("maxLength", len("example")))
    text = "example" * (shortest // len("example") + 1)
    return text[: max(shortest, min(len("example"), longest))]


def _json_contents(operation: dict[str, Any]) -> Iterator[tuple[dict[str, Any], bool]]:
    """Each JSON body of an operation, and whether it is an answer (True) or the request (False)."""
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        yield body["application/json"], False
    for status, response in operation.get("responses", {}).items():
        if str(status).startswith("2") and "application/json" in response.get("content", {}):
            yield response["content"]["application/json"], True


def add_examples(document: dict[str, Any]) -> None:
    """Give each JSON request body and 2xx answer without an example one built from its schema."""
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for content, answer in _json_contents(operation):
                if "example" not in content and "examples" not in content and "schema" in content:
                    content["example"] = example_from_schema(document, content["schema"], every_field=answer)


def _drop_unused_validation_schemas(document: dict[str, Any]) -> None:
    """FastAPI's own 422 shape is replaced by Problem everywhere; do not publish it unused."""
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        rest = {key: value for key, value in document.items() if key != "components"}
        others = {key: value for key, value in schemas.items() if key != name}
        if f'"#/components/schemas/{name}"' not in json.dumps([rest, others]):
            schemas.pop(name, None)


def install_openapi(app: FastAPI) -> None:
    """Replace `app.openapi` with one that completes the document once, then caches it."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                servers=app.servers,
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = PROBLEM_SCHEMA
            schemas["FieldError"] = FIELD_ERROR_SCHEMA
            document["components"].setdefault("securitySchemes", {})[OAUTH2_SCHEME] = oauth2_security_scheme()
            complete_operations(app, document)
            _drop_unused_validation_schemas(document)
            add_examples(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def file_answer(*media_types: str, description: str = "The document") -> dict[str, Any]:
    """The 200 answer of an endpoint that returns a file (CSV, SVG, PNG, XML), not JSON: declared as
    binary content of each media type, so a generated client returns bytes instead of parsing JSON.
    Use with `response_class=Response` (otherwise FastAPI declares application/json beside them)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"description": description, "content": {media_type: dict(binary) for media_type in media_types}}
