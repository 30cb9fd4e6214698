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
