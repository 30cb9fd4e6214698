"""The feeds webhooks follows are reached with one service token, not one per source."""

from __future__ import annotations

from pydantic import SecretStr

from servicekit.feed import FeedFollowerSettings
from webhooks.clients.sources import source_clients
from webhooks.feed.sources import source_follower
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


async def test_only_the_registry_feed_is_long_polled() -> None:
    clients = source_clients(settings(matching_url="http://matching.test"))
    try:
        followers = {
            name: source_follower(name, None, client, FeedFollowerSettings(feed_wait_seconds=5.0))  # type: ignore[arg-type]
            for name, client in clients.items()
        }
        # The registry's feed holds a caught-up request until a change commits; the events feeds of
        # outcomes and matching answer at once whatever `wait` says, so they are polled.
        assert {name: f.wait_seconds for name, f in followers.items()} == {
            "registry": 5.0,
            "outcomes": 0.0,
            "matching": 0.0,
        }
    finally:
        for client in clients.values():
            await client.aclose()
