"""/v1/refusion-statements — the state's weekly refusion statement, imported whole and reconciled."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from outcomes.api.deps import MunicipalityFilter, OutcomesReader, OutcomesWriter, SessionDep, SettingsDep
from outcomes.clients.national_ids import NationalIdResolver, NoRegistry
from outcomes.schemas.refusion_statements import RefusionStatementRead
from outcomes.usecases import refusion_statements
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/refusion-statements", tags=["refusion-statements"])
CSV_BODY = {
    "requestBody": {
        "required": True,
        "description": "The statement file: cpr;uge;ydelse;udbetalt;refusionsprocent;refusion (decimal comma)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


def _resolver(request: Request) -> NationalIdResolver:
    resolver: NationalIdResolver = getattr(request.app.state, "national_id_resolver", None) or NoRegistry()
    return resolver


@router.post(
    "",
    status_code=201,
    response_model=RefusionStatementRead,
    responses={**ERRORS, 503: {"description": "The registry could not pseudonymise the national ids"}},
    openapi_extra=CSV_BODY,
)
@idempotent
async def import_refusion_statement(
    request: Request,
    session: SessionDep,
    principal: OutcomesWriter,
    settings: SettingsDep,
    response: Response,
    municipality: MunicipalityFilter = None,
) -> RefusionStatementRead:
    """Import a statement whole (a bad line: 422 naming it, nothing written) and reconcile it per citizen-week."""
    statement = await refusion_statements.import_statement(
        session,
        principal=principal,
        municipality=municipality,
        content=await request.body(),
        resolver=_resolver(request),
        default_rate_cards=settings.default_rate_cards,
    )
    response.headers["Location"] = f"/v1/refusion-statements/{statement.id}"
    return statement


@router.get("/{statement_id}", response_model=RefusionStatementRead, responses=ERRORS)
async def get_refusion_statement(
    statement_id: uuid.UUID, session: SessionDep, principal: OutcomesReader
) -> RefusionStatementRead:
    """The reconciliation report of an imported statement."""
    return await refusion_statements.get_statement(session, statement_id)
