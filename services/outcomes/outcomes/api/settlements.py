"""/v1/settlements — statements of what a contract owes for a period, on an immutable ledger."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from outcomes import repository as repo
from outcomes.accounting import require_found, settle_contract
from outcomes.api.deps import (
    ERRORS,
    CursorCodecDep,
    MunicipalityFilter,
    OutcomesReader,
    PageParamsDep,
    SessionDep,
    SettlementsWriter,
)
from outcomes.schemas import SettlementCreate, SettlementLineRead, SettlementRead, SettlementSummary
from servicekit.errors import FieldError, ValidationFailed
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/settlements", tags=["settlements"])
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


async def read(session: Any, row: Any) -> SettlementRead:
    lines = await repo.settlement_lines_of(session, row.id)
    return SettlementRead(
        id=row.id,
        municipality=row.municipality,
        contract_id=row.contract_id,
        period_from=row.period_from,
        period_to=row.period_to,
        currency=row.currency,
        total=row.total,
        created_at=row.created_at,
        lines=[
            SettlementLineRead(
                citizen_id=line.citizen_id,
                target_group=line.target_group,
                milestone=line.name,
                reached_on=line.reached_on,
                kind=line.kind,
                entitled=line.entitled,
                amount=line.amount,
                reason=line.reason,
                period_from=line.period_from,
            )
            for line in lines
        ],
    )


def _check_period(body: SettlementCreate, today: date) -> None:
    errors = [
        FieldError(name, "must be the first day of a month", "not_month_start")
        for name, day in (("from", body.period_from), ("to", body.period_to))
        if day.day != 1
    ]
    if not errors and body.period_to <= body.period_from:
        errors.append(FieldError("to", "must be after from", "invalid"))
    if not errors and body.period_to > today + timedelta(days=1):
        errors.append(FieldError("to", "a period can be settled only once it has ended", "future"))
    if errors:
        raise ValidationFailed("Invalid settlement period.", errors=errors)


@router.post(
    "",
    status_code=201,
    response_model=SettlementRead,
    response_model_by_alias=True,
    responses={**ERRORS, 200: {"description": "The statement for this period exists and is returned unchanged"}},
)
async def create_settlement(
    body: SettlementCreate, session: SessionDep, principal: SettlementsWriter, response: Response
) -> Any:
    """Settle a contract for [from, to); the same period again returns the same statement unchanged."""
    _check_period(body, date.today())
    contract = require_found(await repo.get_contract(session, body.contract_id), "Contract")
    existing = await repo.find_settlement(session, contract.id, body.period_from, body.period_to)
    row = existing or await settle_contract(session, contract, body.period_from, body.period_to)
    response.status_code = 200 if existing else 201
    response.headers["Location"] = f"/v1/settlements/{row.id}"
    return await read(session, row)


@router.get("", response_model=Page[SettlementSummary], response_model_by_alias=True, responses=ERRORS)
async def list_settlements(
    session: SessionDep,
    principal: OutcomesReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    contract_id: Annotated[uuid.UUID | None, Query()] = None,
    municipality: MunicipalityFilter = None,
) -> Any:
    """List statements (optionally of one contract)."""
    after = uuid.UUID(codec.decode(page.cursor, kind="settlements")["id"]) if page.cursor else None
    rows = await repo.list_settlements(
        session, municipality=municipality, contract_id=contract_id, after=after, limit=page.limit + 1
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = codec.encode({"id": str(rows[-1].id)}, kind="settlements") if more else None
    items = [
        SettlementSummary(
            id=r.id,
            contract_id=r.contract_id,
            period_from=r.period_from,
            period_to=r.period_to,
            currency=r.currency,
            total=r.total,
            created_at=r.created_at,
        )
        for r in rows
    ]
    return Page[SettlementSummary](items=items, next_cursor=cursor)


def as_csv(statement: SettlementRead) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in statement.lines:
        writer.writerow(
            [
                line.citizen_id,
                line.target_group or "",
                line.milestone,
                line.reached_on,
                line.kind,
                line.entitled,
                line.amount,
                line.reason or "",
                line.period_from or "",
            ]
        )
    writer.writerow(["total", "", "", "", "", "", statement.total, "", ""])
    filename = f"settlement-{statement.id}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/{settlement_id}.csv", responses={**ERRORS, 200: {"content": {"text/csv": {}}}})
async def get_settlement_csv(settlement_id: uuid.UUID, session: SessionDep, principal: OutcomesReader) -> Response:
    """A statement as CSV (amounts in øre)."""
    return as_csv(await read(session, require_found(await repo.get_settlement(session, settlement_id), "Settlement")))


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
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Any:
    """Read a statement with its lines (`?format=csv` for CSV)."""
    statement = await read(session, require_found(await repo.get_settlement(session, settlement_id), "Settlement"))
    return as_csv(statement) if format == "csv" else statement
