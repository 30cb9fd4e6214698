"""What every published feed is asked with: `after`, a cursor it handed out, and `limit`.

The registry's change feed and the events feeds of outcomes and matching take the same two query
parameters and read a cursor the same way: the sequence number of the last item seen, as digits.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from .errors import FieldError, ValidationFailed

FeedAfter = Annotated[str | None, Query(max_length=20)]
MAX_LIMIT = 1000
FeedLimit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
DEFAULT_LIMIT = 500
# The longest a feed holds a caught-up request (`wait`), and so the longest a follower may ask for.
MAX_WAIT_SECONDS = 25


def feed_position(after: str | None) -> int:
    """The sequence number a feed cursor stands for (none or empty: the start of the feed); 422
    naming `query.after` for anything this feed did not hand out."""
    if not after:
        return 0
    if not after.isdigit():
        raise ValidationFailed(
            "`after` must be a cursor from this feed.", errors=[FieldError("query.after", "not a feed cursor")]
        )
    return int(after)
