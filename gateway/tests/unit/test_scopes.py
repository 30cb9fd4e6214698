"""domain/scopes.py: tenants, known scopes and narrowing."""

from __future__ import annotations

import pytest

from gateway.domain.scopes import InvalidScope, narrow_scopes, unknown_scopes
from servicekit.municipalities import is_tenant


@pytest.mark.parametrize("tenant", ["*", "DK-0336", "SE-2080", "DK-0849"])
def test_valid_tenants(tenant: str) -> None:
    assert is_tenant(tenant)


@pytest.mark.parametrize(
    "tenant", ["", "**", "dk-0336", "DK-336", "DK-03361", "NO-0301", "DK0336", " DK-0336", "DK-0336\n"]
)
def test_invalid_tenants(tenant: str) -> None:
    assert not is_tenant(tenant)


def test_unknown_scopes_are_named() -> None:
    assert unknown_scopes(["admin", "citizens:delete", "x"]) == ["citizens:delete", "x"]
    assert unknown_scopes(["internal", "reports:read"]) == []


def test_narrowing() -> None:
    granted = ["matching:read", "citizens:read"]
    assert narrow_scopes(None, granted) == ["citizens:read", "matching:read"]
    assert narrow_scopes("  ", granted) == ["citizens:read", "matching:read"]
    assert narrow_scopes("matching:read", granted) == ["matching:read"]
    with pytest.raises(InvalidScope):
        narrow_scopes("matching:read admin", granted)
