"""`openings:import`: published ads (JobTech JobStream, Jobnet) → openings, incrementally and idempotently.

Each item is parsed by its format's pure parser (domain.jobstream / domain.jobnet), its workplace
municipality resolved (the official code, or for Jobnet the name) and checked against the caller's
tenancy, its employer looked up by registration number in that municipality (a company is created
when none exists), and its opening upserted by `jobtech:<id>` / `jobnet:<id>` with the same ledger,
content-hash check and change-feed rows as `openings:batch`: the same ad again is `unchanged`, a
changed ad `updated`. A removed ad (a JobStream tombstone, a Jobnet `Removed`) closes the opening
(`updated`; `unchanged` when it is closed already; 404 when the caller has no opening for the ad).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.ad_openings import opening_fields
from registry.domain.imported_ads import AdFormat, ImportedAd, InvalidAd
from registry.domain.jobnet import parse_jobnet_posting
from registry.domain.jobstream import parse_jobstream_ad
from registry.domain.occupation_map import OccupationMap
from registry.domain.opening_rules import EMPLOYER_KINDS
from registry.domain.registration_number import InvalidRegistrationNumber, normalise_registration_number
from registry.domain.violations import Violation
from registry.feed import publish
from registry.store import municipalities as municipality_store
from registry.store import openings as repo
from registry.store import organisations as organisation_store
from registry.usecases.batch import (
    BatchLedger,
    MunicipalityFor,
    domain_problem,
    drop_unknown_municipalities,
    settle_unchanged,
    violations_problem,
    write_changes,
)
from registry.usecases.opening_batch import OPENINGS
from servicekit.batch import BatchResult
from servicekit.domain_errors import DomainError, NotFound
from servicekit.municipalities import country_of

Parser = Callable[[Any, OccupationMap], ImportedAd]
PARSERS: dict[AdFormat, Parser] = {"jobtech-jobstream-v2": parse_jobstream_ad, "jobnet-v1": parse_jobnet_posting}
# Which field of the published shape names the employer's registration number, per format.
NUMBER_FIELD: dict[AdFormat, str] = {
    "jobtech-jobstream-v2": "employer.organization_number",
    "jobnet-v1": "HiringOrgCVR",
}
MUNICIPALITY_FIELD: dict[AdFormat, str] = {
    "jobtech-jobstream-v2": "workplace_address.municipality_code",
    "jobnet-v1": "MunicipalityCode",
}
COUNTRY: dict[AdFormat, str] = {"jobtech-jobstream-v2": "SE", "jobnet-v1": "DK"}


async def import_ads(
    session: AsyncSession,
    ad_format: AdFormat,
    items: Sequence[Any],
    *,
    occupation_map: OccupationMap,
    municipality_for: MunicipalityFor,
    tenant: str,
) -> BatchResult:
    """Upsert the openings of `items` (one result per item, in order)."""
    ledger = BatchLedger(len(items))
    parse = PARSERS[ad_format]
    live: dict[int, ImportedAd] = {}
    removed: dict[int, ImportedAd] = {}
    for index, raw in enumerate(items):
        try:
            ad = parse(raw, occupation_map)
        except InvalidAd as exc:
            ledger.fail(index, violations_problem(exc.violations))
            continue
        ledger.refs[index] = ad.external_ref
        (removed if ad.removed else live)[index] = ad

    await _admit(session, ledger, live, ad_format, municipality_for)
    await drop_unknown_municipalities(session, ledger)
    employers = await _employers(session, ledger, live, ad_format)
    for key, item in list(ledger.pending.items()):
        ad = live[item.index]
        item.values = {**item.values, **opening_fields(ad, organisation_id=str(employers[key]))}

    await repo.lock_municipalities(session, {key[0] for key in ledger.pending})
    current = await repo.current_by_ref(session, list(ledger.pending))
    to_write = settle_unchanged(ledger, current, lambda item, row: row.content_hash == item.values["content_hash"])
    await write_changes(session, ledger, to_write, current=current, collection=OPENINGS)
    await _close_removed(session, ledger, removed, tenant=tenant)
    return ledger.result()


async def _admit(
    session: AsyncSession,
    ledger: BatchLedger,
    live: dict[int, ImportedAd],
    ad_format: AdFormat,
    municipality_for: MunicipalityFor,
) -> None:
    """Queue each live ad under (its workplace municipality, external_ref); fail those the caller may not write."""
    names = {
        ad.workplace.municipality_name.lower()
        for ad in live.values()
        if ad.workplace and not ad.workplace.municipality_code and ad.workplace.municipality_name
    }
    by_name = await municipality_store.codes_by_name(session, country=COUNTRY[ad_format], names=names)
    for index, ad in live.items():
        place = ad.workplace
        code = place.municipality_code if place else None
        if code is None and place is not None and place.municipality_name:
            code = by_name.get(place.municipality_name.lower())
        if code is None:
            message = "no municipality of the registry with the workplace's code or name"
            ledger.fail(
                index, violations_problem([Violation(MUNICIPALITY_FIELD[ad_format], message, "unknown_municipality")])
            )
            continue
        try:
            municipality = municipality_for(code)
        except DomainError as exc:
            ledger.fail(index, domain_problem(exc))
            continue
        ledger.admit(index, {"municipality": municipality, "external_ref": ad.external_ref}, [])


async def _employers(
    session: AsyncSession, ledger: BatchLedger, live: dict[int, ImportedAd], ad_format: AdFormat
) -> dict[tuple[str, str], uuid.UUID]:
    """Each pending item's employer id (looked up by registration number; a company created when new)."""
    numbers: dict[tuple[str, str], tuple[str, str]] = {}  # item key → (municipality, normalised number)
    names: dict[tuple[str, str], str] = {}
    for key, item in list(ledger.pending.items()):
        ad = live[item.index]
        field = NUMBER_FIELD[ad_format]
        if ad.employer_number is None:
            ledger.drop(
                key, violations_problem([Violation(field, "an ad names its employer's registration number", "missing")])
            )
            continue
        try:
            number = normalise_registration_number(ad.employer_number, country=country_of(key[0]))
        except InvalidRegistrationNumber as exc:
            ledger.drop(key, violations_problem([Violation(field, str(exc), "invalid_registration_number")]))
            continue
        numbers[key] = (key[0], number)
        names.setdefault((key[0], number), ad.employer_name or f"Employer {number}")

    found = await organisation_store.by_registration_number(session, numbers.values(), kinds=EMPLOYER_KINDS)
    new = [
        {
            "id": uuid.uuid4(),
            "municipality": municipality,
            "country": country_of(municipality),
            "kind": "company",
            "name": name[:200],
            "registration_number": number,
        }
        for (municipality, number), name in names.items()
        if (municipality, number) not in found
    ]
    inserted = await organisation_store.insert_missing(session, new)
    for row in inserted:
        await publish.upserted(session, "organisation", row)
    if len(inserted) < len(new):  # another import created some meanwhile
        found = await organisation_store.by_registration_number(session, numbers.values(), kinds=EMPLOYER_KINDS)
    found.update({(row.municipality, row.registration_number): row for row in inserted})
    return {key: found[pair].id for key, pair in numbers.items()}


async def _close_removed(
    session: AsyncSession, ledger: BatchLedger, removed: dict[int, ImportedAd], *, tenant: str
) -> None:
    rows = await repo.by_refs(session, [ad.external_ref for ad in removed.values()], tenant=tenant)
    by_ref: dict[str, list[Any]] = {}
    for row in rows:
        by_ref.setdefault(row.external_ref, []).append(row)
    await repo.lock_municipalities(session, {row.municipality for row in rows})
    closed = {row.id: row for row in await repo.close_many(session, [r.id for r in rows if r.status != "closed"])}
    await publish.upserted_many(session, [publish.upsert_change("opening", row) for row in closed.values()])
    for index, ad in removed.items():
        matches = by_ref.get(ad.external_ref, [])
        if not matches:
            ledger.fail(index, domain_problem(NotFound("No opening of yours was imported from this ad.")))
            continue
        changed = [row for row in matches if closed.pop(row.id, None) is not None]
        ledger.done(index, "updated" if changed else "unchanged", (changed or matches)[0].id)
