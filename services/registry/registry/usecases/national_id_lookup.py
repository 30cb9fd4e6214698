"""National ids to pseudonymous citizen ids, for a service that received them in a file (outcomes'
refusion statements) and must never store them: the answer names positions, not national ids."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.national_id import InvalidNationalId, parse_national_id
from registry.domain.national_id_vault import NationalIdVault
from registry.schemas.national_ids import NationalIdResolution, ResolvedNationalId
from registry.store import audit
from registry.store import citizens as store
from registry.usecases.actors import Actor
from servicekit.auth import Principal
from servicekit.municipalities import country_of


async def resolve_national_ids(
    session: AsyncSession,
    *,
    municipality: str,
    national_ids: Sequence[str],
    vault: NationalIdVault,
    principal: Principal,
    request_id: str | None,
) -> NationalIdResolution:
    """Each position's citizen id (null for an id no live citizen of the municipality holds, or an
    invalid one); every citizen found is audited as read by the calling service."""
    country = country_of(municipality)
    pseudonyms: list[bytes | None] = []
    for raw in national_ids:
        try:
            pseudonyms.append(vault.pseudonym(parse_national_id(raw, country=country)))
        except InvalidNationalId:
            pseudonyms.append(None)
    found = await store.live_ids_by_pseudonym(
        session, municipality=municipality, pseudonyms=[p for p in pseudonyms if p is not None]
    )
    actor = Actor.of(principal, request_id)
    await audit.record(
        session,
        citizens=list(found.values()),
        actor=actor.client,
        action="read",
        purpose="resolve national ids",
        request_id=request_id,
        actor_municipality=actor.municipality,
        system=actor.system,
    )
    items = [
        ResolvedNationalId(index=index, citizen_id=found[p][0] if p is not None and p in found else None)
        for index, p in enumerate(pseudonyms)
    ]
    return NationalIdResolution(items=items)
