"""Organisation rows: companies, social enterprises, business councils, providers, municipal units."""

from __future__ import annotations

from registry.domain.errors import OrganisationReferenced, RegistrationNumberTaken
from registry.store.rows import TenantRows
from registry.store.tables import organisations

ORGANISATIONS = TenantRows(organisations, taken=RegistrationNumberTaken, referenced=OrganisationReferenced)
