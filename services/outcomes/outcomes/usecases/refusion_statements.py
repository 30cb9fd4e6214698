"""Import the state's refusion statement and reconcile it per citizen-week (issue 15 §6).

The file is read whole or not at all; national ids are pseudonymised through the registry and never stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.clients.national_ids import NationalIdResolver
from outcomes.domain.benefits import benefit_path
from outcomes.domain.events import OutcomeEvent, effective_events
from outcomes.domain.refusion_statement import Reconciled, parse_statement, reconcile, summary
from outcomes.domain.savings import BenefitPath
from outcomes.schemas.refusion_statements import ReconciledLineRead, RefusionStatementRead
from outcomes.store import outcome_events, projection
from outcomes.store import refusion_statements as store
from outcomes.usecases.rate_cards import rate_card
from servicekit.auth import Principal
from servicekit.domain_errors import NotFound

REPORTED_DIFFERENCES = 1_000


async def import_statement(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality: str | None,
    content: bytes,
    resolver: NationalIdResolver,
    default_rate_cards: Mapping[str, str],
) -> RefusionStatementRead:
    """Parse (422 naming lines), pseudonymise, reconcile against our histories, store the report."""
    owner = principal.municipality_for_write(municipality)
    lines = parse_statement(content)
    mapping = await resolver.citizen_ids(owner, [line.national_id for line in lines])
    card = await rate_card(session, default_rate_cards.get(owner[:2], "DK-2025"))
    known = {national_id: citizen for national_id, citizen in mapping.items() if citizen}
    paths = await _paths(session, [uuid.UUID(citizen) for citizen in set(known.values())])
    report = reconcile(lines, known, paths, card.staircase)
    counts = summary(report)
    statement_id = uuid.uuid4()
    row = await store.insert_statement(
        session,
        {
            "id": statement_id,
            "municipality": owner,
            "rate_card_id": card.id,
            "lines": len(lines),
            "summary": counts,
        },
        [line_row(statement_id, owner, item) for item in report],
    )
    differing = [item for item in report if item.status != "match"][:REPORTED_DIFFERENCES]
    return _statement_read(row, counts, [_read(item) for item in differing])


async def get_statement(session: AsyncSession, statement_id: uuid.UUID) -> RefusionStatementRead:
    row = await store.get_statement(session, statement_id)
    if row is None:
        raise NotFound("Refusion statement not found.")
    differing = await store.differing_lines(session, statement_id, REPORTED_DIFFERENCES)
    return _statement_read(row, row.summary, [_stored_read(line) for line in differing])


def _statement_read(
    row: store.Row, summary: dict[str, int], differences: list[ReconciledLineRead]
) -> RefusionStatementRead:
    """A stored statement with its counts and the lines that differ (as imported, or as stored)."""
    return RefusionStatementRead(
        id=row.id,
        municipality=row.municipality,
        rate_card_id=row.rate_card_id,
        lines=row.lines,
        summary=summary,
        differences=differences,
        imported_at=row.created_at,
    )


async def _paths(session: AsyncSession, citizen_ids: list[uuid.UUID]) -> dict[str, BenefitPath]:
    """Each known citizen's benefit history: from enrolment for the enrolled, from `since` for the others."""
    rows = await projection.citizens_by_ids(session, citizen_ids)
    events: dict[str, list[OutcomeEvent]] = {}
    for event_row in await outcome_events.events_of(session, citizen_ids):
        events.setdefault(str(event_row.citizen_id), []).append(outcome_events.event_of(event_row))
    paths: dict[str, BenefitPath] = {}
    for row in rows:
        document = row.benefit_at_enrolment if row.enrolled_on else row.benefit
        benefit, since = projection.benefit_of(document)
        start: date | None = row.enrolled_on or since
        if start is None:
            continue
        live = [event for event in effective_events(events.get(str(row.id), [])) if event.occurred_on >= start]
        paths[str(row.id)] = benefit_path(enrolled_on=start, since=since, at_enrolment=benefit, events=live)
    return paths


def line_row(statement_id: uuid.UUID, municipality: str, item: Reconciled) -> dict[str, object]:
    """A reconciled line as the store writes it."""
    return {
        "statement_id": str(statement_id),
        "line": item.line,
        "municipality": municipality,
        "citizen_id": item.citizen_id,
        "year": item.year,
        "week": item.week,
        "benefit": item.benefit,
        "paid": item.paid,
        "state_share_percent": _percent(item.state_share_percent),
        "state_refund": item.state_refund,
        "computed_share_percent": _percent(item.computed_share_percent)
        if item.computed_share_percent is not None
        else None,
        "computed_refund": item.computed_refund,
        "difference": item.difference,
        "status": item.status,
    }


@lru_cache(maxsize=1024)
def _percent(share: Fraction) -> str:
    """A share as the NUMERIC text the store writes; a statement repeats a handful of shares."""
    return str(Decimal(share.numerator) / share.denominator)


def _read(item: Reconciled) -> ReconciledLineRead:
    return ReconciledLineRead(
        line=item.line,
        citizen_id=uuid.UUID(item.citizen_id) if item.citizen_id else None,
        week=f"{item.year}-W{item.week:02d}",
        benefit=item.benefit,
        state_share_percent=Decimal(item.state_share_percent.numerator) / item.state_share_percent.denominator,
        computed_share_percent=(
            Decimal(item.computed_share_percent.numerator) / item.computed_share_percent.denominator
            if item.computed_share_percent is not None
            else None
        ),
        state_refund=item.state_refund,
        computed_refund=item.computed_refund,
        difference=item.difference,
        status=item.status,
    )


def _stored_read(line: store.Row) -> ReconciledLineRead:
    return ReconciledLineRead(
        line=line.line,
        citizen_id=line.citizen_id,
        week=f"{line.year}-W{line.week:02d}",
        benefit=line.benefit,
        state_share_percent=line.state_share_percent,
        computed_share_percent=line.computed_share_percent,
        state_refund=line.state_refund,
        computed_refund=line.computed_refund,
        difference=line.difference,
        status=line.status,
    )
