"""Merge the services' OpenAPI documents into the gateway's one public document.

Each service documents its own `/v1/...` paths; the merged document keeps only the paths the
gateway routes to that service, renames a component that clashes with a different one of the
same name (`RegistryItem`: a valid identifier, and its `title` follows, since client generators
name their models by title), and declares one security scheme, OAuth2 client credentials at the
gateway's token endpoint, since the gateway issues the tokens; each operation keeps the scopes
its service says it needs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from servicekit.domain_errors import (
    DomainError,
    TooManyRequests,
    UpstreamTimeout,
    UpstreamUnavailable,
    problem_document,
)
from servicekit.scopes import oauth2_security_scheme

SECURITY_SCHEME = "oauth2"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
COMPONENT_PREFIX = "#/components/"
PROBLEM_REF = "#/components/schemas/Problem"
# What the gateway itself may answer on a proxied path (proxy/forwarder.py), before or instead of
# the service: the client's rate limit, and an upstream that is down or too slow.
GATEWAY_ERRORS: tuple[DomainError, ...] = (
    TooManyRequests("The client's rate limit is exhausted; retry later."),
    UpstreamUnavailable("The service behind this path cannot be reached."),
    UpstreamTimeout("The service behind this path did not answer in time."),
)

Document = dict[str, Any]


def _rewrite_refs(node: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value in renames:
                out[key] = renames[value]
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def _secure_operations(path_item: dict[str, Any], public: bool) -> dict[str, Any]:
    """Every operation names the one scheme, with the scopes its service declared (if any)."""
    for method, operation in path_item.items():
        if method not in HTTP_METHODS or not isinstance(operation, dict):
            continue
        if public:
            operation.pop("security", None)
            continue
        alternatives = [scopes for requirement in operation.get("security", []) for scopes in requirement.values()]
        operation["security"] = [{SECURITY_SCHEME: list(scopes)} for scopes in alternatives] or [{SECURITY_SCHEME: []}]
    return path_item


def renamed(service: str, name: str) -> str:
    """`registry`, `SupportNeed` -> `RegistrySupportNeed`."""
    return service[:1].upper() + service[1:] + name


def _retitled(definition: Any, name: str) -> Any:
    if isinstance(definition, dict) and "title" in definition:
        return {**definition, "title": name}
    return definition


def _gateway_responses(path_item: dict[str, Any]) -> dict[str, Any]:
    for method, operation in path_item.items():
        if method not in HTTP_METHODS or not isinstance(operation, dict):
            continue
        responses = operation.setdefault("responses", {})
        for error in GATEWAY_ERRORS:
            example = problem_document(error)
            responses.setdefault(
                str(error.status),
                {
                    "description": f"{error.title} (answered by the gateway)",
                    "content": {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}, "example": example}},
                },
            )
    return path_item


def _clashing_components(document: Document, merged: dict[str, dict[str, Any]], service: str) -> dict[str, str]:
    """Refs to rename: components whose name is taken by a different definition, and (to a fixed
    point) components that refer to a renamed one, since the same text then means another thing."""
    renames: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for kind, entries in document.get("components", {}).items():
            if kind == "securitySchemes":
                continue
            taken = merged.get(kind, {})
            for name, definition in entries.items():
                ref = f"{COMPONENT_PREFIX}{kind}/{name}"
                if ref in renames or name not in taken:
                    continue
                if (
                    taken[name] != _rewrite_refs(definition, renames)
                    or _rewrite_refs(definition, renames) != definition
                ):
                    renames[ref] = f"{COMPONENT_PREFIX}{kind}/{renamed(service, name)}"
                    changed = True
    return renames


def merge_openapi(
    gateway: Document,
    services: Mapping[str, Document],
    *,
    owns: Callable[[str, str], bool],
    servers: list[dict[str, str]],
    public_paths: frozenset[str] = frozenset(),
) -> Document:
    """One document: the gateway's own paths plus each service's paths that `owns(service, path)`."""
    merged = copy.deepcopy(gateway)
    merged["servers"] = servers
    paths: dict[str, Any] = {
        path: _secure_operations(item, path in public_paths) for path, item in merged.get("paths", {}).items()
    }
    components: dict[str, dict[str, Any]] = {
        kind: dict(entries) for kind, entries in merged.get("components", {}).items() if kind != "securitySchemes"
    }
    tags: dict[str, Any] = {tag["name"]: tag for tag in merged.get("tags", [])}
    for service, document in services.items():
        renames = _clashing_components(document, components, service)
        for kind, entries in document.get("components", {}).items():
            if kind == "securitySchemes":
                continue
            bucket = components.setdefault(kind, {})
            for name, definition in entries.items():
                key = f"{COMPONENT_PREFIX}{kind}/{name}"
                target = renames.get(key, key).removeprefix(f"{COMPONENT_PREFIX}{kind}/")
                definition = _rewrite_refs(definition, renames)
                bucket[target] = _retitled(definition, target) if key in renames else definition
        for path, item in document.get("paths", {}).items():
            if owns(service, path) and path not in paths:
                paths[path] = _gateway_responses(_secure_operations(_rewrite_refs(item, renames), public=False))
        for tag in document.get("tags", []):
            tags.setdefault(tag["name"], tag)
    components["securitySchemes"] = {SECURITY_SCHEME: oauth2_security_scheme()}
    merged["paths"] = dict(sorted(paths.items()))
    merged["components"] = components
    if tags:
        merged["tags"] = list(tags.values())
    return merged
