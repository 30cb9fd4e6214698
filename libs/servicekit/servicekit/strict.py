"""Body field types without lax coercion: a date is an ISO `YYYY-MM-DD` string, a number is a
JSON number, a boolean is `true`/`false` — never a timestamp, a numeric string or `"yes"`.

Pydantic's lax mode turns `1700000000` into a date and `"1"` into `True`; the spec says
`format: date` / `type: boolean`, so those requests are schema-violating and answer 422.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictBool

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


def _number_only(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    return value


def _query_bool_only(value: Any) -> Any:
    """A query-string boolean is written `true` or `false` (what the spec's `type: boolean` means in
    a URL); `1`, `yes`, `on` are refused rather than guessed at."""
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise ValueError("must be true or false")


def _whole_number_only(value: Any) -> Any:
    """JSON Schema's `integer` is any number without a fraction: 3 and 3.0, never "3" or true."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


# Put these last in an Annotated type, after Field(ge=..., le=...), so the limits reach the schema.
NUMBER_ONLY = BeforeValidator(_number_only)
WHOLE_NUMBER_ONLY = BeforeValidator(_whole_number_only)
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
StrictNumber = Annotated[float, NUMBER_ONLY]
StrictWholeNumber = Annotated[int, WHOLE_NUMBER_ONLY]
JsonBool = StrictBool
QueryBool = Annotated[bool, BeforeValidator(_query_bool_only)]
FIRST_OF_MONTH = r"^\d{4}-\d{2}-01$"
FirstOfMonth = Annotated[IsoDate, Field(json_schema_extra={"pattern": FIRST_OF_MONTH})]
