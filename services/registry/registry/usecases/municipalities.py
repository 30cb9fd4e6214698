"""Municipalities, the tenants: create, list, read, rename."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.bank_accounts import bank_account_violations, compact_bank_account
from registry.domain.violations import reject
from registry.feed import publish
from registry.schemas.municipalities import MunicipalityCreate, MunicipalityRead, MunicipalityUpdate
from registry.store import municipalities as store
from registry.usecases.results import Versioned
from registry.usecases.tenant_rows import STALE
from servicekit.domain_errors import Conflict, NotFound, StaleVersion
from servicekit.municipalities import country_of


def municipality_read(row: Any) -> MunicipalityRead:
    return MunicipalityRead.model_validate(row, from_attributes=True)


def _bank_account(body: MunicipalityCreate | MunicipalityUpdate) -> dict[str, str] | None:
    """The validated, compacted account of the body (422 naming `bank_account.iban` / `.bic`)."""
    account = body.bank_account.model_dump() if body.bank_account else None
    reject(bank_account_violations(account))
    return compact_bank_account(account)


async def create_municipality(session: AsyncSession, body: MunicipalityCreate) -> Versioned[MunicipalityRead]:
    row = await store.create(
        session, code=body.code, name=body.name, country=country_of(body.code), bank_account=_bank_account(body)
    )
    if row is None:
        raise Conflict(f"Municipality {body.code} exists already.")
    await publish.municipality_upserted(session, row)
    return Versioned(municipality_read(row), row.version)


async def list_municipalities(
    session: AsyncSession, *, after_code: str | None, limit: int, tenant: str | None
) -> tuple[list[MunicipalityRead], str | None]:
    """Municipalities in code order after `after_code` (only `tenant` if given), and the last code when more follow."""
    rows = await store.list_page(session, after_code=after_code, limit=limit + 1, tenant=tenant)
    more_after = rows[limit - 1].code if len(rows) > limit else None
    return [municipality_read(r) for r in rows[:limit]], more_after


async def get_municipality(session: AsyncSession, code: str) -> Versioned[MunicipalityRead]:
    row = await store.get(session, code)
    if row is None:
        raise NotFound("Municipality not found.")
    return Versioned(municipality_read(row), row.version)


async def update_municipality(
    session: AsyncSession, code: str, body: MunicipalityUpdate, *, expected: int
) -> Versioned[MunicipalityRead]:
    """Rename a municipality read at version `expected`."""
    current = await store.get(session, code)
    if current is None:
        raise NotFound("Municipality not found.")
    if current.version != expected:
        raise StaleVersion(STALE)
    values = body.model_dump(exclude_unset=True)
    if "bank_account" in values:
        values["bank_account"] = _bank_account(body)
    row = await store.update(session, code, expected_version=expected, values=values)
    if row is None:
        raise StaleVersion(STALE)
    await publish.municipality_upserted(session, row)
    return Versioned(municipality_read(row), row.version)
