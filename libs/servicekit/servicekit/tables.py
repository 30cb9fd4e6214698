"""What every service's tables share: the constraint naming convention and the feed-cursor table.

Migrations are written by hand and compared with each service's metadata in a test, so the names
PostgreSQL gives constraints and indexes must follow one convention in every database.
"""

from __future__ import annotations

import sqlalchemy as sa

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


def moment(name: str) -> sa.Column[object]:
    """A required timestamp with time zone that PostgreSQL fills with now() (created_at, updated_at ...)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def optional_moment(name: str) -> sa.Column[object]:
    """A timestamp with time zone set when something happens (revoked_at, erased_at ...)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def municipality_column() -> sa.Column[object]:
    """The tenant of a row: every tenant table has it, indexed, never empty."""
    return sa.Column("municipality", sa.Text, nullable=False, index=True)
