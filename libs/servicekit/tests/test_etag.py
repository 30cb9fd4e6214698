from __future__ import annotations

import pytest

from servicekit.errors import PreconditionFailed, PreconditionRequired, ValidationFailed
from servicekit.etag import check_version, etag_for, parse_if_match


def test_etag_round_trips_including_weak_form() -> None:
    assert parse_if_match(etag_for(7)) == 7
    assert parse_if_match('W/"7"') == 7


def test_missing_if_match_is_428_and_garbage_422() -> None:
    with pytest.raises(PreconditionRequired):
        parse_if_match(None)
    with pytest.raises(ValidationFailed):
        parse_if_match('"abc"')


def test_stale_version_is_412() -> None:
    with pytest.raises(PreconditionFailed):
        check_version(3, 4)
