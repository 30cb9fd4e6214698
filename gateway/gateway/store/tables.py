"""Gateway tables. Migrations are written by hand and checked against this metadata in a test."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from servicekit.idempotency import idempotency_table
from servicekit.tables import moment, optional_moment, service_metadata

metadata = service_metadata()
# Stored answers of client creations by Idempotency-Key (the secret sealed under the key).
idempotency_keys = idempotency_table(metadata)

# API clients (OAuth2 client credentials). Only an argon2 hash of the secret is kept.
api_clients = sa.Table(
    "api_clients",
    metadata,
    sa.Column("client_id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("tenant", sa.Text, nullable=False),
    sa.Column("scopes", ARRAY(sa.Text), nullable=False),
    sa.Column("secret_hash", sa.Text, nullable=False),
    moment("created_at"),
    optional_moment("revoked_at"),
    sa.CheckConstraint(r"tenant = '*' or tenant ~ '^(DK|SE)-[0-9]{4}$'", name="tenant_format"),
)
