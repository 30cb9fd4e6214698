"""Growth partnership rows."""

from __future__ import annotations

from registry.domain.errors import PartnershipHasEnrolments
from registry.store.rows import TenantRows
from registry.store.tables import partnerships

PARTNERSHIPS = TenantRows(partnerships, referenced=PartnershipHasEnrolments)
