"""Key rotation: re-encrypt national ids sealed under a key other than the active one."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.national_id_vault import NationalIdVault
from registry.store import citizens as store


async def reencrypt_batch(session: AsyncSession, *, vault: NationalIdVault, limit: int) -> int:
    """Re-encrypt up to `limit` national ids under the active key; how many were."""
    rows = await store.sealed_under_other_keys(session, active_key_id=vault.active_key_id, limit=limit)
    for row in rows:
        ciphertext, key_id = vault.reseal(
            row.national_id_ciphertext, key_id=row.national_id_key_id, municipality=row.municipality
        )
        await store.store_ciphertext(session, row.id, ciphertext=ciphertext, key_id=key_id)
    return len(rows)
