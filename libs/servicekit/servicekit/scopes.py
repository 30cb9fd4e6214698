"""The one catalogue of OAuth2 scopes: what each admits. The gateway grants them, every service's
OpenAPI document declares which an operation needs (plain Python: domain code may import it)."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "citizens:read": "Read citizens (every read is audited)",
    "citizens:write": "Create, change and erase citizens; bulk sync from jobcenter systems",
    "organisations:write": "Create and change organisations, partnerships and enrolments",
    "openings:write": "Create and change job openings",
    "matching:read": "Read recommendations and models",
    "matching:run": "Run assignments, rankings and model training",
    "outcomes:write": "Record outcome events and programme costs",
    "outcomes:read": "Read outcome events, rate cards, contracts, settlements, ledger checks and payment files",
    "settlements:write": "Create contracts and compute settlement statements (the maker)",
    "settlements:approve": "Approve or reject settlement statements another client computed (the checker)",
    "reports:read": "Read evaluations and simulations",
    "webhooks:manage": "Subscribe to events, rotate signing secrets, read deliveries and replay them",
    "admin": "Everything, plus API clients and municipalities",
    "internal": "Service-to-service calls (the change feed)",
}
TOKEN_URL = "/v1/auth/token"


def oauth2_security_scheme(token_url: str = TOKEN_URL) -> dict[str, object]:
    """OAuth2 client credentials at the gateway's token endpoint, with every scope described."""
    return {
        "type": "oauth2",
        "description": "A token from `POST /v1/auth/token` (OAuth2 client credentials), sent as a bearer token.",
        "flows": {"clientCredentials": {"tokenUrl": token_url, "scopes": dict(SCOPES)}},
    }
