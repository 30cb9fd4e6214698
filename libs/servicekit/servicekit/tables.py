"""What every service's tables share: the constraint naming convention and the tenant table shape.

Migrations are written by hand and compared with each service's metadata in a test, so the names
PostgreSQL gives constraints and indexes must follow one convention in every database. Columns are
declared with servicekit.columns.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .columns import municipality_column, uuid_pk

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata() -> sa.MetaData:
    """A service's MetaData with the house naming convention."""
    return sa.MetaData(naming_convention=NAMING_CONVENTION)


def tenant_table(name: str, metadata: sa.MetaData, *columns: sa.schema.SchemaItem, **kw: Any) -> sa.Table:
    """A table of rows that each belong to one municipality, keyed by a UUID `id`: those two columns
    first, then `columns` (and constraints) as for sa.Table."""
    return sa.Table(name, metadata, uuid_pk(), municipality_column(), *columns, **kw)
