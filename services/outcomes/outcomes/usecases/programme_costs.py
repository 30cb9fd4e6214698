"""Programme costs: record, correct by superseding, list (issue 15 §2)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.costs import check_supersedes, validate_cost_line
from outcomes.schemas.programme_costs import ProgrammeCostCreate, ProgrammeCostRead
from outcomes.store import programme_costs as store
from outcomes.store import projection
from servicekit.auth import Principal
from servicekit.domain_errors import InvalidField, NotFound


async def record_cost(session: AsyncSession, *, principal: Principal, body: ProgrammeCostCreate) -> ProgrammeCostRead:
    """Validate against the partnership and write one line (a correction names the line it supersedes)."""
    partnership = await projection.get_partnership(session, body.partnership_id)
    if partnership is None or not principal.can_see(partnership.municipality):
        raise InvalidField("partnership_id", "unknown partnership", code="unknown")
    principal.require_visible(partnership.municipality, "Partnership")
    side, category, amount, month, payer = validate_cost_line(
        body.model_dump(), partnership_starts=partnership.starts_on, partnership_ends=partnership.ends_on
    )
    if body.supersedes is not None:
        rows = await store.lines_of(session, partnership_ids=[body.partnership_id])
        try:
            check_supersedes(str(body.supersedes), [store.cost_line(row) for row in rows], str(body.partnership_id))
        except NotFound as error:
            raise InvalidField("supersedes", "no cost line of this partnership with that id", code="unknown") from error
    row = await store.insert_line(
        session,
        {
            "id": uuid.uuid4(),
            "municipality": partnership.municipality,
            "partnership_id": body.partnership_id,
            "side": side,
            "category": category,
            "amount": amount,
            "month": month.first_day,
            "payer": payer,
            "funder": body.funder,
            "note": body.note,
            "supersedes": body.supersedes,
        },
    )
    return store.cost_read(row, None)


async def list_costs(
    session: AsyncSession,
    *,
    municipality: str | None,
    partnership_id: uuid.UUID | None,
    after_sequence: int | None,
    limit: int,
) -> list[tuple[int, ProgrammeCostRead]]:
    """Lines in recording order with whether each is still in force, (sequence, line) for paging."""
    rows = await store.lines_of(
        session,
        municipality=municipality,
        partnership_ids=[partnership_id] if partnership_id else None,
        after_sequence=after_sequence,
        limit=limit,
    )
    corrected = await store.superseding(session, [row.id for row in rows])
    return [(row.sequence, store.cost_read(row, corrected.get(row.id))) for row in rows]
