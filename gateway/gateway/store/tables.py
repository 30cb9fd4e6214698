"""Gateway tables. Migrations are written by hand and checked against this metadata in a test."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from servicekit.columns import moment, optional_moment, primary, required
from servicekit.idempotency import idempotency_table
from servicekit.tables import service_metadata

metadata = service_metadata()
# Stored answers of client creations by Idempotency-Key (the secret sealed under the key).
idempotency_keys = idempotency_table(metadata)

# API clients (OAuth2 client credentials). Only an argon2 hash of the secret is kept.
api_clients = sa.Table(
    "api_clients",
    metadata,
    primary("client_id", sa.Text),
    required("name", sa.Text),
    required("tenant", sa.Text),
    required("scopes", ARRAY(sa.Text)),
    required("secret_hash", sa.Text),
    moment("created_at"),
    optional_moment("revoked_at"),
    sa.CheckConstraint(r"tenant = '*' or tenant ~ '^(DK|SE)-[0-9]{4}$'", name="tenant_format"),
)
