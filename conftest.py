"""Session-wide fixtures: one PostgreSQL server per test run (DATABASE_URL, or embedded)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.postgres import PostgresServer


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A superuser URL; each service's fixtures create and migrate throwaway databases on it."""
    with PostgresServer() as server:
        yield server.admin_url


_KIND_BY_FOLDER = {"unit": "unit", "integration": "integration", "e2e": "e2e"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the folder it lives in, so `make test-unit` can run the fast ones apart."""
    for item in items:
        for part in item.path.parts:
            kind = _KIND_BY_FOLDER.get(part)
            if kind is not None:
                item.add_marker(kind)
                break
