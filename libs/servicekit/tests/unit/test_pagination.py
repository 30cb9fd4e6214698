from __future__ import annotations

import pytest

from servicekit.errors import ValidationFailed
from servicekit.pagination import CursorCodec


def test_cursor_round_trips_and_is_not_readable() -> None:
    codec = CursorCodec(b"k" * 32)
    cursor = codec.encode({"created_at": "2026-01-01", "id": "abc-123"}, kind="citizens")
    assert "abc-123" not in cursor
    assert codec.decode(cursor, kind="citizens") == {"created_at": "2026-01-01", "id": "abc-123"}


def test_cursor_of_another_list_is_rejected_naming_the_field() -> None:
    codec = CursorCodec(b"k" * 32)
    cursor = codec.encode({"id": "x"}, kind="citizens")
    with pytest.raises(ValidationFailed) as info:
        codec.decode(cursor, kind="openings")
    assert info.value.errors[0].field == "query.cursor"


@pytest.mark.parametrize("garbage", ["", "not-base64!!", "QUJD", "A" * 40])
def test_forged_cursor_is_rejected(garbage: str) -> None:
    with pytest.raises(ValidationFailed):
        CursorCodec(b"k" * 32).decode(garbage, kind="citizens")
