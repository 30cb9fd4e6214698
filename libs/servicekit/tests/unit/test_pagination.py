from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from servicekit.errors import ValidationFailed
from servicekit.pagination import CursorCodec, Keyset, PageParams


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


def test_a_keyset_pages_through_every_row_once_in_order() -> None:
    codec = CursorCodec(b"k" * 32)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [(start + timedelta(minutes=n % 3), uuid.UUID(int=n)) for n in range(7)]  # ties on time
    rows.sort()
    keyset = Keyset.by_time("deliveries")
    seen: list[tuple[datetime, uuid.UUID]] = []
    page = PageParams(limit=3, cursor=None)
    while True:
        after = keyset.start(codec, page.cursor)
        read = [row for row in rows if after is None or row > after][: page.limit + 1]
        shown, cursor = keyset.page(codec, page.limit, read, lambda row: row)
        seen += shown
        if cursor is None:
            break
        page = PageParams(limit=3, cursor=cursor)
    assert seen == rows


@pytest.mark.parametrize(
    ("keyset", "position"),
    [
        (Keyset.by_id("x"), uuid.uuid4()),
        (Keyset.by_number("x", "sequence"), 42),
        (Keyset.by_text("x", "code"), "DK-0336"),
    ],
)
def test_a_position_survives_its_cursor(keyset: Keyset[object], position: object) -> None:
    codec = CursorCodec(b"k" * 32)
    assert keyset.start(codec, keyset.cursor(codec, position)) == position


def test_a_sealed_cursor_of_another_form_is_refused_naming_the_field() -> None:
    codec = CursorCodec(b"k" * 32)
    cursor = codec.encode({"code": "DK-0336"}, kind="x")  # sealed by this app, but not a position by id
    with pytest.raises(ValidationFailed) as info:
        Keyset.by_id("x").start(codec, cursor)
    assert info.value.errors[0].field == "query.cursor"
