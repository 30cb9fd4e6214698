"""Annotated dependency aliases for the gateway's endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..domain.signing import SigningKeys
from ..settings import Settings


async def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


async def signing_keys(request: Request) -> SigningKeys:
    value: SigningKeys = request.app.state.signing_keys
    return value


SettingsDep = Annotated[Settings, Depends(settings)]
SigningKeysDep = Annotated[SigningKeys, Depends(signing_keys)]
