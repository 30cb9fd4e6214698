"""Enrolment rows (citizen course, company accelerator)."""

from __future__ import annotations

from registry.store.rows import TenantRows
from registry.store.tables import enrolments

ENROLMENTS = TenantRows(enrolments)
