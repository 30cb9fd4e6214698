"""Outcomes asks the registry's feed only for what its projection applies: no job openings."""

from __future__ import annotations

from typing import Any, cast

from outcomes.feed.projection import FOLLOWED_ENTITIES, registry_follower
from servicekit.db import Database
from servicekit.feed import FeedFollowerSettings
from servicekit.http import ServiceClient


def test_the_follower_asks_for_the_entities_the_projection_applies_and_not_openings() -> None:
    client = ServiceClient("http://registry.test")
    follower = registry_follower(cast(Database, None), client, FeedFollowerSettings())
    asked: Any = follower.query["entity"]
    assert asked == FOLLOWED_ENTITIES
    assert "opening" not in asked
