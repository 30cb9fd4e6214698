"""The column factories every table is declared with.

Whether a column may be empty is the first word on its line: a column is `required` unless it says
`optional`; `primary` marks the key. The rest mirrors sa.Column: a foreign key or `sa.Identity()`
as further arguments, `index=`, `unique=`, `server_default=` as keywords.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

ColumnType = sa.types.TypeEngine[Any] | type[sa.types.TypeEngine[Any]]


def required(name: str, type_: ColumnType, *args: sa.schema.SchemaItem, **kw: Any) -> sa.Column[Any]:
    """A column that always holds a value (NOT NULL)."""
    return sa.Column(name, type_, *args, nullable=False, **kw)


def optional(name: str, type_: ColumnType, *args: sa.schema.SchemaItem, **kw: Any) -> sa.Column[Any]:
    """A column that may be empty (NULL)."""
    return sa.Column(name, type_, *args, nullable=True, **kw)


def primary(name: str, type_: ColumnType, *args: sa.schema.SchemaItem, **kw: Any) -> sa.Column[Any]:
    """A column of the primary key (several make a composite key)."""
    return sa.Column(name, type_, *args, primary_key=True, **kw)


def uuid_pk() -> sa.Column[Any]:
    """`id`, a UUID primary key: the ids the application hands out."""
    return primary("id", sa.UUID)


def moment(name: str) -> sa.Column[Any]:
    """A required timestamp with time zone that PostgreSQL fills with now() (created_at, updated_at ...)."""
    return required(name, sa.DateTime(timezone=True), server_default=sa.func.now())


def optional_moment(name: str) -> sa.Column[Any]:
    """A timestamp with time zone set when something happens (revoked_at, erased_at ...)."""
    return optional(name, sa.DateTime(timezone=True))


def municipality_column() -> sa.Column[Any]:
    """The tenant of a row: every tenant table has it, indexed, never empty."""
    return required("municipality", sa.Text, index=True)
