"""/.well-known/jwks.json: every published public key, so services verify tokens themselves."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from .deps import SigningKeysDep

router = APIRouter(tags=["auth"])


@router.get("/.well-known/jwks.json", include_in_schema=False)
async def jwks(keys: SigningKeysDep) -> JSONResponse:
    """The token signing keys (public parts)."""
    return JSONResponse(keys.jwks(), headers={"Cache-Control": "public, max-age=300"})
