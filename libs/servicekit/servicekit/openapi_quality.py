"""What a complete OpenAPI operation has (DESIGN §5): the check every service's test_openapi runs.

`openapi_defects(document)` lists, per operation, what is missing: a unique operationId, a
summary written by a person (not FastAPI's title-cased function name), tags, a 2xx answer with
an example, an example for a JSON request body, and problem+json error answers. Each example
must validate against its own schema, so an example can never drift from the contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from .errors import PROBLEM_JSON
from .threadpool_audit import threadpool_calls

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch"})
JSON_TYPES = ("application/json", PROBLEM_JSON)


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def _examples(content: dict[str, Any]) -> list[Any]:
    if "example" in content:
        return [content["example"]]
    return [entry.get("value") for entry in content.get("examples", {}).values()]


def _example_defects(document: dict[str, Any], where: str, content: dict[str, Any]) -> list[str]:
    examples = _examples(content)
    if not examples:
        return [f"{where}: no example"]
    schema = {**content.get("schema", {}), "components": document.get("components", {})}
    defects = []
    for example in examples:
        try:
            Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(example)
        except ValidationError as exc:
            defects.append(f"{where}: example does not match its schema: {exc.message}")
    return defects


def _auto_summary(operation_id: str | None, summary: str) -> bool:
    """FastAPI's fallback summary is the function name title-cased ('Create Citizen')."""
    return not summary or summary.replace(" ", "").lower() == (operation_id or "").replace("_", "").lower()


def operation_defects(document: dict[str, Any], path: str, method: str, operation: dict[str, Any]) -> list[str]:
    label = f"{method.upper()} {path}"
    defects = []
    if not operation.get("operationId"):
        defects.append(f"{label}: no operationId")
    if _auto_summary(operation.get("operationId"), operation.get("summary", "")):
        defects.append(f"{label}: no summary (give the endpoint a one-line docstring)")
    if not operation.get("tags"):
        defects.append(f"{label}: no tags")
    body = operation.get("requestBody", {}).get("content", {})
    for media_type in (*JSON_TYPES, "application/x-www-form-urlencoded"):
        if media_type in body:
            defects += _example_defects(document, f"{label} request {media_type}", body[media_type])
    responses = operation.get("responses", {})
    successes = [status for status in responses if str(status).startswith("2")]
    if not successes:
        defects.append(f"{label}: no 2xx response")
    documented_success = False
    for status in successes:
        content = responses[status].get("content", {})
        json_content = {t: c for t, c in content.items() if t in JSON_TYPES}
        for media_type, entry in json_content.items():
            defects += _example_defects(document, f"{label} {status} {media_type}", entry)
        documented_success = documented_success or bool(json_content) or bool(content) or status == "204"
    if successes and not documented_success:
        defects.append(f"{label}: no 2xx response with content")
    errors = [status for status in responses if str(status)[0] in "45"]
    if not any(str(status).startswith("4") for status in errors):
        defects.append(f"{label}: no 4xx response documented")
    for status in errors:
        content = responses[status].get("content", {})
        if set(content) != {PROBLEM_JSON}:
            defects.append(f"{label} {status}: not documented as {PROBLEM_JSON} only")
            continue
        defects += _example_defects(document, f"{label} {status}", content[PROBLEM_JSON])
    return defects


def openapi_defects(document: dict[str, Any]) -> list[str]:
    """Everything missing from the document's operations; empty when it is complete."""
    defects = []
    seen: dict[str, str] = {}
    for path, method, operation in operations(document):
        defects += operation_defects(document, path, method, operation)
        operation_id = operation.get("operationId")
        if operation_id in seen:
            defects.append(f"{method.upper()} {path}: operationId {operation_id} also used by {seen[operation_id]}")
        elif operation_id:
            seen[operation_id] = f"{method.upper()} {path}"
    return defects


def app_contract_defects(app: FastAPI) -> list[str]:
    """What every service's tests check of its app: a complete document that validates as OpenAPI
    3.1 (DESIGN §5), and no endpoint or dependency that FastAPI would run in its thread pool."""
    document = app.openapi()
    defects = openapi_defects(document)
    if not str(document.get("openapi", "")).startswith("3.1"):
        defects.append(f"document is OpenAPI {document.get('openapi')}, not 3.1")
    try:
        validate(document)
    except OpenAPIValidationError as exc:
        defects.append(f"not valid OpenAPI 3.1: {exc.message}")
    return defects + [f"runs in the thread pool: {call}" for call in threadpool_calls(app)]
