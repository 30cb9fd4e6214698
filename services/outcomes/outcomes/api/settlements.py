"""/v1/settlements — statements of what a contract owes for a period, on an immutable ledger."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.types import DecoratedCallable

from outcomes.api.deps import (
    ListingDep,
    OutcomesReader,
    SessionDep,
    SettlementsApprover,
    SettlementsWriter,
    answered,
    creates_or_finds,
)
from outcomes.api.downloads import attachment, csv_attachment
from outcomes.api.payment_files import pain001
from outcomes.schemas.settlements import (
    SettlementApprove,
    SettlementCreate,
    SettlementRead,
    SettlementReject,
    SettlementSummary,
)
from outcomes.usecases import settlements
from servicekit.access_outbox import ActorDep
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS, file_answer
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/settlements", tags=["settlements"])
# The statement CSV's published columns, each a field of the statement's lines.
CSV_COLUMNS = [
    "citizen_id",
    "target_group",
    "milestone",
    "reached_on",
    "kind",
    "entitled",
    "amount",
    "reason",
    "period_from",
]


@creates_or_finds(
    router,
    SettlementRead,
    found="The statement for this period exists and is returned unchanged",
    response_model_by_alias=True,
)
@idempotent
async def create_settlement(
    body: SettlementCreate, session: SessionDep, principal: SettlementsWriter, response: Response
) -> SettlementRead:
    """Settle a contract for [from, to); the same period again returns the same statement unchanged."""
    statement, created = await settlements.create_settlement(
        session, body, actor=principal.client_id, today=date.today()
    )
    return answered(response, statement, created=created, location="/v1/settlements")


@router.get("", response_model=Page[SettlementSummary], response_model_by_alias=True, responses=ERRORS)
async def list_settlements(
    listing: ListingDep, contract_id: Annotated[uuid.UUID | None, Query()] = None
) -> Page[SettlementSummary]:
    """List statements (optionally of one contract)."""
    return await listing.by_id("settlements", partial(settlements.list_settlements, contract_id=contract_id))


DECISION_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"description": "Token lacks settlements:approve, or the client computed the statement itself"},
    409: {"description": "Decided the other way, an earlier draft pending, or the facts changed (recompute)"},
}


def decision(action: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """The route of a checker's decision on a statement: it answers the statement as decided, refusals alike."""
    return router.post(
        f"/{{settlement_id}}:{action}",
        response_model=SettlementRead,
        response_model_by_alias=True,
        responses=DECISION_ERRORS,
    )


@decision("approve")
@idempotent
async def approve_settlement(
    settlement_id: uuid.UUID, body: SettlementApprove, session: SessionDep, principal: SettlementsApprover
) -> SettlementRead:
    """Approve a draft statement (a second client; again: unchanged). Approved statements never change."""
    return await settlements.approve_settlement(session, settlement_id, actor=principal.client_id)


@decision("reject")
@idempotent
async def reject_settlement(
    settlement_id: uuid.UUID, body: SettlementReject, session: SessionDep, principal: SettlementsApprover
) -> SettlementRead:
    """Reject a draft statement with a reason (a second client); its period can then be settled again."""
    return await settlements.reject_settlement(session, settlement_id, actor=principal.client_id, reason=body.reason)


def _cell(value: object) -> object:
    return "" if value is None else value


def as_csv(statement: SettlementRead) -> Response:
    """The statement's lines and total as CSV (amounts in øre; an empty cell for a missing value)."""
    rows: list[list[object]] = [[_cell(getattr(line, column)) for column in CSV_COLUMNS] for line in statement.lines]
    rows.append(["total", "", "", "", "", "", statement.total, "", ""])
    return csv_attachment(CSV_COLUMNS, rows, filename=f"settlement-{statement.id}.csv")


@router.get(
    "/{settlement_id}/payment-instruction",
    response_class=Response,
    responses={
        **ERRORS,
        200: file_answer("application/xml", description="ISO 20022 pain.001.001.03 credit transfer"),
        409: {"description": "Not approved, nothing to pay, or a bank account missing or invalid (named)"},
    },
)
async def get_payment_instruction(settlement_id: uuid.UUID, session: SessionDep, principal: OutcomesReader) -> Response:
    """The approved statement's total as an ISO 20022 pain.001 credit transfer, municipality to payee."""
    transfer = await settlements.payment_instruction(session, settlement_id, today=date.today())
    document = await asyncio.to_thread(pain001, transfer)  # XSD validation: ~0.1 s of CPU off the event loop
    return attachment(document, media_type="application/xml", filename=f"pain001-{settlement_id}.xml")


@router.get(
    "/{settlement_id}.csv",
    response_class=Response,
    responses={**ERRORS, 200: file_answer("text/csv", description="One line per citizen and milestone")},
)
async def get_settlement_csv(
    settlement_id: uuid.UUID, session: SessionDep, principal: OutcomesReader, actor: ActorDep
) -> Response:
    """A statement as CSV (amounts in øre)."""
    return as_csv(await settlements.get_settlement(session, settlement_id, actor=actor))


@router.get(
    "/{settlement_id}",
    response_model=SettlementRead,
    response_model_by_alias=True,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
)
async def get_settlement(
    settlement_id: uuid.UUID,
    session: SessionDep,
    principal: OutcomesReader,
    actor: ActorDep,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> SettlementRead | Response:
    """Read a statement with its lines (`?format=csv` for CSV)."""
    statement = await settlements.get_settlement(session, settlement_id, actor=actor)
    return as_csv(statement) if format == "csv" else statement
