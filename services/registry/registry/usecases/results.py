"""What a usecase hands the API: a resource with the version its ETag names, or a slice of a list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from servicekit.pagination import TimePosition

R = TypeVar("R")


@dataclass(frozen=True)
class Versioned(Generic[R]):
    """A resource as answered, and its stored version (the ETag)."""

    resource: R
    version: int


@dataclass(frozen=True)
class Slice(Generic[R]):
    """One page of a list, and the position of its last item when more follow."""

    items: list[R]
    more_after: TimePosition | None


def slice_of(rows: Sequence[Any], limit: int, read: Callable[[Any], R]) -> Slice[R]:
    """The first `limit` of `rows` (read with `limit + 1`) as answers, and where the next page starts."""
    more_after = (rows[limit - 1].created_at, rows[limit - 1].id) if len(rows) > limit else None
    return Slice([read(row) for row in rows[:limit]], more_after)
