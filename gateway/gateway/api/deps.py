"""Annotated dependency aliases for the gateway's endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from servicekit.state import state_dependency

from ..domain.signing import SigningKeys
from ..settings import Settings

SettingsDep = Annotated[Settings, Depends(state_dependency("settings"))]
SigningKeysDep = Annotated[SigningKeys, Depends(state_dependency("signing_keys"))]
