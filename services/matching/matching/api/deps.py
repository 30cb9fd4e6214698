"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from matching.clients.outcomes import OutcomesClient
from matching.engine import Engine
from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.idempotency import IdempotencyDep

Reader = Annotated[Principal, require_scope("matching:read", "matching:run")]
Runner = Annotated[Principal, require_scope("matching:run")]


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _outcomes(request: Request) -> OutcomesClient:
    client: OutcomesClient = request.app.state.outcomes
    return client


EngineDep = Annotated[Engine, Depends(_engine)]
OutcomesDep = Annotated[OutcomesClient, Depends(_outcomes)]

__all__ = ["EngineDep", "IdempotencyDep", "OutcomesDep", "Reader", "Runner", "SessionDep"]
