"""The scopes a client may hold, the tenant format, and how a token request narrows scopes."""

from __future__ import annotations

from collections.abc import Iterable

from servicekit.scopes import SCOPES

KNOWN_SCOPES: frozenset[str] = frozenset(SCOPES)


class InvalidScope(ValueError):
    """A token request asked for a scope the client does not hold."""


def unknown_scopes(scopes: Iterable[str]) -> list[str]:
    return sorted(set(scopes) - KNOWN_SCOPES)


def narrow_scopes(requested: str | None, granted: Iterable[str]) -> list[str]:
    """The scopes a token carries: all granted ones, or the requested subset of them."""
    held = sorted(set(granted))
    if requested is None or not requested.strip():
        return held
    wanted = set(requested.split())
    if not wanted <= set(held):
        raise InvalidScope("The requested scope exceeds the scopes granted to this client.")
    return sorted(wanted)
