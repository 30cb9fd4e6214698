"""/v1/ledger — the auditor's check: recompute a contract's hash chain from its stored ledger lines."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from outcomes.api.deps import OutcomesReader, SessionDep
from outcomes.schemas.ledger import LedgerCheckRead
from outcomes.usecases import settlements
from servicekit.openapi import ERRORS
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/ledger", tags=["ledger"])


@router.get("/verify", response_model=LedgerCheckRead, responses=ERRORS)
async def verify_ledger(
    session: SessionDep, principal: OutcomesReader, contract_id: Annotated[uuid.UUID, Query()]
) -> LedgerCheckRead:
    """Recompute the SHA-256 chain of a contract's ledger lines; `first_broken` names the first mismatch."""
    return await settlements.verify_ledger(session, contract_id)
