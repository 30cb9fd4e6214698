"""/v1/contracts — two-sided Payment-by-Results terms: milestones, tariffs, premium, savings share, caps."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from outcomes import repository as repo
from outcomes.accounting import rate_card, require_found
from outcomes.api.deps import (
    ERRORS,
    CursorCodecDep,
    IdempotencyDep,
    MunicipalityFilter,
    OutcomesReader,
    PageParamsDep,
    SessionDep,
    SettingsDep,
    SettlementsWriter,
)
from outcomes.schemas import ContractCreate, ContractRead
from servicekit.errors import FieldError, ValidationFailed
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/contracts", tags=["contracts"])


def read(row: Any) -> ContractRead:
    terms = row.terms
    return ContractRead(
        id=row.id,
        municipality=row.municipality,
        partnership_id=row.partnership_id,
        side=row.side,
        payee_id=row.payee_id,
        company_id=row.company_id,
        rate_card_id=row.rate_card_id,
        currency=terms["currency"],
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        tariffs=terms["tariffs"],
        premium_percent=terms.get("premium_percent", {}),
        savings_share_percent=terms.get("savings_share_percent"),
        cap_per_citizen=terms.get("cap_per_citizen"),
        cap_total=terms.get("cap_total"),
        gap_days=terms["gap_days"],
        min_hours=terms["min_hours"],
        deadweight=terms["deadweight"],
        created_at=row.created_at,
    )


@router.post("", status_code=201, response_model=ContractRead, responses=ERRORS)
async def create_contract(
    body: ContractCreate,
    session: SessionDep,
    principal: SettlementsWriter,
    idem: IdempotencyDep,
    settings: SettingsDep,
    response: Response,
) -> Any:
    """Create a PbR contract for a partnership (citizen course or company accelerator side)."""
    if replay := await idem.replay():
        return replay
    municipality = principal.municipality_for_write(body.municipality)
    partnership = await repo.get_partnership(session, body.partnership_id)
    if partnership is None or partnership.municipality != municipality:
        raise ValidationFailed(
            "Unknown partnership.", errors=[FieldError("partnership_id", "unknown partnership", "unknown")]
        )
    # The payee and the company are the partnership's own organisations, never an id from elsewhere
    # (another municipality's organisation would otherwise be paid from this one's contract).
    if body.payee_id not in (partnership.provider_id, partnership.company_id):
        raise ValidationFailed(
            "The payee is not an organisation of the partnership.",
            errors=[FieldError("payee_id", "must be the partnership's provider or company", "unknown")],
        )
    if body.company_id is not None and body.company_id != partnership.company_id:
        raise ValidationFailed(
            "The company is not the partnership's company.",
            errors=[FieldError("company_id", "must be the partnership's company", "unknown")],
        )
    company_id = body.company_id or (partnership.company_id if body.side == "company_accelerator" else None)
    if body.side == "company_accelerator" and company_id is None:
        raise ValidationFailed(
            "The company side needs a company.", errors=[FieldError("company_id", "required", "missing")]
        )
    card_id = body.rate_card_id or settings.default_rate_cards.get(municipality[:2], "")
    card = await rate_card(session, card_id)
    terms = {
        "currency": card.currency,
        "tariffs": body.tariffs,
        "premium_percent": {group: str(value) for group, value in body.premium_percent.items()},
        "savings_share_percent": str(body.savings_share_percent) if body.savings_share_percent is not None else None,
        "cap_per_citizen": body.cap_per_citizen,
        "cap_total": body.cap_total,
        "gap_days": body.gap_days,
        "min_hours": body.min_hours,
        "deadweight": body.deadweight,
    }
    row = await repo.insert_contract(
        session,
        {
            "id": uuid.uuid4(),
            "municipality": municipality,
            "partnership_id": body.partnership_id,
            "side": body.side,
            "payee_id": body.payee_id,
            "company_id": company_id,
            "rate_card_id": card.id,
            "terms": terms,
            "starts_on": body.starts_on,
            "ends_on": body.ends_on,
        },
    )
    response.headers["Location"] = f"/v1/contracts/{row.id}"
    return await idem.remember(201, read(row))


@router.get("", response_model=Page[ContractRead], responses=ERRORS)
async def list_contracts(
    session: SessionDep,
    principal: OutcomesReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    partnership_id: Annotated[uuid.UUID | None, Query()] = None,
    municipality: MunicipalityFilter = None,
) -> Any:
    """List contracts (optionally of one partnership)."""
    after = uuid.UUID(codec.decode(page.cursor, kind="contracts")["id"]) if page.cursor else None
    rows = await repo.list_contracts(
        session, municipality=municipality, partnership_id=partnership_id, after=after, limit=page.limit + 1
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = codec.encode({"id": str(rows[-1].id)}, kind="contracts") if more else None
    return Page[ContractRead](items=[read(row) for row in rows], next_cursor=cursor)


@router.get("/{contract_id}", response_model=ContractRead, responses=ERRORS)
async def get_contract(contract_id: uuid.UUID, session: SessionDep, principal: OutcomesReader) -> Any:
    """Read one contract."""
    return read(require_found(await repo.get_contract(session, contract_id), "Contract"))
