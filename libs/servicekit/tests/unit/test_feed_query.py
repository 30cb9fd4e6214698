"""A feed cursor is the digits of a sequence number this feed handed out; anything else is 422."""

from __future__ import annotations

import pytest

from servicekit.errors import ValidationFailed
from servicekit.feed_query import feed_position


def test_a_cursor_is_the_sequence_number_it_stands_for() -> None:
    assert feed_position("1234") == 1234
    assert feed_position(None) == 0
    assert feed_position("") == 0


@pytest.mark.parametrize("cursor", ["abc", "-1", "12.5", " 7", "1e3"])
def test_anything_else_names_the_parameter(cursor: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        feed_position(cursor)
    assert [error.field for error in raised.value.errors] == ["query.after"]
