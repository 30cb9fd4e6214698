from __future__ import annotations

from servicekit.claims import AUDIENCE, ISSUER, access_claims


def test_claims_carry_the_tenant_the_scopes_and_an_expiry_ttl_after_issue() -> None:
    made = [
        access_claims(
            "jobcenter-stevns",
            "DK-0336",
            ["citizens:read", "citizens:write"],
            issuer=ISSUER,
            audience=AUDIENCE,
            issued_at=1_700_000_000,
            ttl_seconds=900,
        )
        for _ in range(2)
    ]
    first, second = made
    assert {key: value for key, value in first.items() if key != "jti"} == {
        "iss": "brobygger",
        "aud": "brobygger-api",
        "sub": "jobcenter-stevns",
        "tenant": "DK-0336",
        "scope": "citizens:read citizens:write",
        "iat": 1_700_000_000,
        "exp": 1_700_000_900,
    }
    assert first["jti"] != second["jti"]
