"""The feeds webhooks follows are reached with one service token, not one per source."""

from __future__ import annotations

from pydantic import SecretStr

from webhooks.clients.sources import source_clients
from webhooks.settings import Settings


def settings(**overrides: object) -> Settings:
    return Settings(
        cursor_key=SecretStr("ab" * 32),
        registry_url="http://registry.test",
        outcomes_url="http://outcomes.test",
        **overrides,  # type: ignore[arg-type]
    )


async def test_every_source_asks_with_the_same_token() -> None:
    clients = source_clients(
        settings(token_url="http://gateway.test/v1/auth/token", service_client_id="webhooks", service_client_secret="s")
    )
    try:
        assert set(clients) == {"registry", "outcomes"}  # matching is not configured here
        tokens = {id(client.token) for client in clients.values()}
        assert len(tokens) == 1
        assert clients["registry"].token is not None
    finally:
        for client in clients.values():
            await client.aclose()


async def test_without_client_credentials_no_source_sends_a_token() -> None:
    clients = source_clients(settings())
    try:
        assert all(client.token is None for client in clients.values())
    finally:
        for client in clients.values():
            await client.aclose()
