"""Municipality codes: country prefix plus the official 4-digit code (DK-0336, SE-2080)."""

from __future__ import annotations

import re

MUNICIPALITY_CODE = re.compile(r"^(DK|SE)-\d{4}$")
MUNICIPALITY_CODE_PATTERN = MUNICIPALITY_CODE.pattern


def is_municipality_code(code: str) -> bool:
    return bool(MUNICIPALITY_CODE.fullmatch(code))


def country_of(code: str) -> str:
    """'DK-0336' → 'DK'."""
    return code.split("-", 1)[0]
