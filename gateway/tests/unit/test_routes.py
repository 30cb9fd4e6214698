"""domain/routes.py: the routing table."""

from __future__ import annotations

import pytest

from gateway.domain.routes import COLLECTION_OWNER, GATEWAY_COLLECTIONS, ROUTES, collection_of, upstream_for


@pytest.mark.parametrize(
    ("path", "upstream"),
    [
        ("/v1/citizens", "registry"),
        ("/v1/citizens/123/export", "registry"),
        ("/v1/citizens:batch", "registry"),
        ("/v1/openings:batch", "registry"),
        ("/v1/audit-events", "registry"),
        ("/v1/recommendations", "matching"),
        ("/v1/ranking-runs/x", "matching"),
        ("/v1/programme-costs", "outcomes"),
        ("/v1/occupations/x", None),  # no service serves occupations, so the gateway routes it nowhere
        ("/v1/outcome-events", "outcomes"),
        ("/v1/evaluations", "outcomes"),
        ("/v1/auth/token", None),
        ("/v1/clients", None),
        ("/v1/unknown", None),
        ("/v1/", None),
        ("/v1", None),
        ("/internal/v1/changes", None),
        ("/v2/citizens", None),
        ("/v1citizens", None),
    ],
)
def test_upstream_for(path: str, upstream: str | None) -> None:
    assert upstream_for(path) == upstream


def test_every_collection_has_one_owner_and_none_is_the_gateways() -> None:
    all_collections = [c for collections in ROUTES.values() for c in collections]
    assert len(all_collections) == len(set(all_collections)) == len(COLLECTION_OWNER)
    assert not GATEWAY_COLLECTIONS & set(all_collections)


def test_collection_of_strips_the_action() -> None:
    assert collection_of("/v1/citizens:batch/x") == "citizens"
    assert collection_of("/health") is None
