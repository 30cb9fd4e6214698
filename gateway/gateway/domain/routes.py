"""The routing table: which service owns each `/v1/<collection>` (DESIGN §6)."""

from __future__ import annotations

from collections.abc import Mapping

UPSTREAMS = ("registry", "matching", "outcomes", "webhooks")

ROUTES: Mapping[str, tuple[str, ...]] = {
    "registry": (
        "municipalities",
        "organisations",
        "partnerships",
        "openings",
        "citizens",
        "enrolments",
        "audit-events",
    ),
    "matching": (
        "recommendations",
        "assignments",
        "models",
        "skills",
        "ranking-runs",
        "recommendation-logs",
        "decisions",
    ),
    "outcomes": (
        "outcome-events",
        "rate-cards",
        "contracts",
        "settlements",
        "simulations",
        "evaluations",
        "programme-costs",
        "refusion-statements",
        "ledger",
    ),
    "webhooks": ("webhooks",),
}
# Served by the gateway itself; listed so no upstream can claim them.
GATEWAY_COLLECTIONS = frozenset({"auth", "clients"})

COLLECTION_OWNER: Mapping[str, str] = {
    collection: upstream for upstream, collections in ROUTES.items() for collection in collections
}


def collection_of(path: str) -> str | None:
    """`/v1/citizens:batch/x` → `citizens`; None for paths outside `/v1/`."""
    if not path.startswith("/v1/"):
        return None
    segment = path[4:].split("/", 1)[0]
    return segment.split(":", 1)[0]


def upstream_for(path: str) -> str | None:
    """The upstream that owns `path`, or None when the gateway does not route it."""
    collection = collection_of(path)
    if collection is None:
        return None
    return COLLECTION_OWNER.get(collection)
