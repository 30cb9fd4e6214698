"""Registry fixtures: a throwaway database migrated with alembic, the app, and token helpers."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from devstack.databases import ServiceDatabase, drop_database, prepare
from registry.main import create_app
from registry.settings import Settings
from servicekit.testing import TokenFactory, asgi_client, started


@pytest.fixture(scope="session")
def registry_database(postgres_admin_url: str) -> Iterator[ServiceDatabase]:
    name = f"registry_test_{uuid.uuid4().hex[:8]}"
    database = prepare("registry", postgres_admin_url, name)
    yield database
    asyncio.run(drop_database(postgres_admin_url, name))


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
def registry_settings(registry_database: ServiceDatabase, tokens: TokenFactory) -> Settings:
    return Settings(
        database_url=registry_database.app_url,
        esco_dir=None,  # the tests write starter-vocabulary codes, with or without ESCO_DIR
        jwks_json=tokens.jwks_json,
        cursor_key="11" * 32,
        national_id_hmac_key="test-hmac-key-not-for-production-0123456789",
        national_id_encryption_keys={"k1": "22" * 32},
        national_id_active_key_id="k1",
        log_json=True,
    )


@pytest.fixture(scope="session")
async def registry_app(registry_settings: Settings) -> AsyncIterator[FastAPI]:
    async with started(create_app(registry_settings)) as app:
        yield app


@pytest.fixture(scope="session")
async def client(registry_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(registry_app, "http://registry.test") as http:
        yield http


@pytest.fixture
def cli_environment(
    monkeypatch: pytest.MonkeyPatch, registry_database: ServiceDatabase, registry_settings: Settings
) -> None:
    """The environment an operator command (registry.cli) reads its settings from."""
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_database.app_url)
    monkeypatch.delenv("ESCO_DIR", raising=False)  # the tests write starter-vocabulary codes
    monkeypatch.delenv("REGISTRY_ESCO_DIR", raising=False)
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_HMAC_KEY", registry_settings.national_id_hmac_key.get_secret_value())
    keys = {k: v.get_secret_value() for k, v in registry_settings.national_id_encryption_keys.items()}
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_ENCRYPTION_KEYS", json.dumps(keys))
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_ACTIVE_KEY_ID", registry_settings.national_id_active_key_id)


@pytest.fixture
def admin(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(tenant="*", scopes=["admin"])


MUNICIPALITIES = {"DK-0336": "Stevns", "DK-0849": "Jammerbugt", "DK-0813": "Frederikshavn", "SE-2080": "Falun"}


@pytest.fixture(scope="session")
async def municipalities(client: httpx.AsyncClient, tokens: TokenFactory) -> dict[str, str]:
    """The municipalities the tests write into (created once per session)."""
    admin = tokens.headers(tenant="*", scopes=["admin"])
    for code, name in MUNICIPALITIES.items():
        response = await client.post("/v1/municipalities", json={"code": code, "name": name}, headers=admin)
        assert response.status_code in (201, 409), response.text
    return MUNICIPALITIES


@pytest.fixture
def stevns(tokens: TokenFactory, municipalities: dict[str, str]) -> dict[str, str]:
    """A Stevns jobcenter client with every registry write scope."""
    return tokens.headers(
        tenant="DK-0336",
        scopes=["citizens:read", "citizens:write", "organisations:write", "openings:write"],
        client_id="stevns-jc",
    )


@pytest.fixture
def jammerbugt(tokens: TokenFactory, municipalities: dict[str, str]) -> dict[str, str]:
    return tokens.headers(
        tenant="DK-0849",
        scopes=["citizens:read", "citizens:write", "organisations:write", "openings:write"],
        client_id="jammerbugt-jc",
    )


@pytest.fixture
def falun(tokens: TokenFactory, municipalities: dict[str, str]) -> dict[str, str]:
    return tokens.headers(
        tenant="SE-2080",
        scopes=["citizens:read", "citizens:write", "organisations:write", "openings:write"],
        client_id="falun",
    )


@pytest.fixture
def internal(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(tenant="*", scopes=["internal"], client_id="matching")
