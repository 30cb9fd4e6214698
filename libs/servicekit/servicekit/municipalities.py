"""Municipality codes, the tenants of every service: a country prefix and the official 4-digit
code (DK-0336, SE-2080); `*` is the national tenant. Plain Python, for domain and schemas alike."""

from __future__ import annotations

import re

NATIONAL = "*"
COUNTRY_PATTERN = "^(DK|SE)$"
MUNICIPALITY_CODE_PATTERN = r"^(DK|SE)-\d{4}$"
# What a token's `tenant` may be: a municipality, or national.
TENANT_PATTERN = r"^(\*|(DK|SE)-\d{4})$"
MUNICIPALITY_CODE = re.compile(MUNICIPALITY_CODE_PATTERN)


def is_municipality_code(code: str) -> bool:
    return bool(MUNICIPALITY_CODE.fullmatch(code))


def is_tenant(tenant: str) -> bool:
    return tenant == NATIONAL or is_municipality_code(tenant)


def country_of(code: str) -> str:
    """'DK-0336' → 'DK'."""
    return code.split("-", 1)[0]
