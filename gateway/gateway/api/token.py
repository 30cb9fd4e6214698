"""POST /v1/auth/token: OAuth2 client credentials (RFC 6749 §4.4)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from servicekit.db import DatabaseDep
from servicekit.domain_errors import InvalidTokenRequest, TooManyRequests, UnsupportedMediaType

from ..schemas.api_clients import TokenResponse
from ..usecases.access_tokens import invalid_client, issue_for_client
from .deps import SettingsDep, SigningKeysDep, TokenFailuresDep

router = APIRouter(tags=["auth"])

FORM = "application/x-www-form-urlencoded"
MAX_CREDENTIAL_LENGTH = 256

TOKEN_REQUEST_BODY = {
    "required": True,
    "content": {
        FORM: {
            "schema": {
                "type": "object",
                "required": ["grant_type"],
                "properties": {
                    "grant_type": {"type": "string", "enum": ["client_credentials"]},
                    "scope": {"type": "string", "description": "Space-separated subset of the client's scopes."},
                    "client_id": {"type": "string", "description": "Unless sent with HTTP Basic."},
                    "client_secret": {"type": "string", "description": "Unless sent with HTTP Basic."},
                },
            },
            "example": {"grant_type": "client_credentials", "scope": "citizens:read"},
        }
    },
}


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise invalid_client() from exc
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        raise invalid_client()
    return unquote_plus(client_id), unquote_plus(secret)


def _form_value(form: dict[str, str], name: str) -> str | None:
    value = form.get(name)
    return value if value else None


async def _read_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != FORM:
        raise UnsupportedMediaType(f"The token request must be {FORM}.")
    try:
        form = await request.form(max_files=0, max_fields=10)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidTokenRequest("The form body cannot be read.", error="invalid_request") from exc
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    basic = _basic_credentials(request.headers.get("authorization", ""))
    in_form = _form_value(form, "client_id"), _form_value(form, "client_secret")
    if basic is not None and any(in_form):
        raise InvalidTokenRequest(
            "Authenticate the client in one way only: HTTP Basic or form fields.", error="invalid_request"
        )
    client_id, secret = basic if basic is not None else in_form
    if not client_id or not secret or len(client_id) > MAX_CREDENTIAL_LENGTH or len(secret) > MAX_CREDENTIAL_LENGTH:
        raise invalid_client()
    return client_id, secret


@router.post(
    "/v1/auth/token",
    response_model=TokenResponse,
    openapi_extra={"requestBody": TOKEN_REQUEST_BODY},
    responses={
        400: {"description": "Bad grant type or scope (OAuth2 `error` member)"},
        401: {"description": "Client authentication failed"},
        415: {"description": "The body is not application/x-www-form-urlencoded"},
        429: {"description": "Too many failed token requests from this address; see Retry-After"},
    },
)
async def issue_access_token(
    request: Request, settings: SettingsDep, keys: SigningKeysDep, database: DatabaseDep, failures: TokenFailuresDep
) -> JSONResponse:
    """Issue a short-lived access token for a client (OAuth2 client credentials)."""
    address = request.client.host if request.client else "unknown"
    wait = await failures.exhausted(address)
    if wait is not None:
        raise TooManyRequests("Too many failed token requests from this address; retry later.", retry_after=int(wait))
    form = await _read_form(request)
    if form.get("grant_type") != "client_credentials":
        raise InvalidTokenRequest("grant_type must be client_credentials.", error="unsupported_grant_type")
    client_id, secret = _credentials(request, form)
    token = await issue_for_client(
        database,
        keys,
        settings,
        client_id=client_id,
        secret=secret,
        requested_scope=form.get("scope"),
    )
    if token is None:
        await failures.count(address)
        raise invalid_client()
    body = TokenResponse(
        access_token=token.access_token, token_type="Bearer", expires_in=token.expires_in, scope=token.scope
    )
    return JSONResponse(body.model_dump(), headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
