"""Webhooks tables. Migrations are written by hand and checked against this metadata in a test."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from servicekit.columns import moment, municipality_column, optional, optional_moment, required, uuid_pk
from servicekit.feed_cursor import feed_cursor_table
from servicekit.idempotency import idempotency_table
from servicekit.tables import service_metadata, tenant_table

metadata = service_metadata()

idempotency_keys = idempotency_table(metadata)

# Where this service is in each source's feed: `registry` (change feed), `outcomes`, `matching`.
feed_cursors = feed_cursor_table(metadata)

# A municipality's subscription: where to send which events, signed with which secret.
webhooks = tenant_table(
    "webhooks",
    metadata,
    required("url", sa.Text),
    required("events", ARRAY(sa.Text)),
    optional("description", sa.Text),
    # The Standard Webhooks secret (`whsec_...`): shown once on create and rotate, never on reads.
    required("secret", sa.Text),
    required("status", sa.Text, server_default="active"),
    required("created_by", sa.Text),
    moment("created_at"),
    moment("updated_at"),
    optional_moment("secret_rotated_at"),
    optional_moment("disabled_at"),
)

# The durable outbox: one row per (subscription, event), written in the transaction that moves
# the feed cursor; a dispatcher claims due rows with FOR UPDATE SKIP LOCKED, so replicas share the
# work and a restart resumes where the last commit left off.
deliveries = sa.Table(
    "deliveries",
    metadata,
    uuid_pk(),
    required("webhook_id", sa.UUID, sa.ForeignKey("webhooks.id")),
    municipality_column(),
    required("event_key", sa.Text),
    required("event_type", sa.Text),
    # The exact bytes signed and sent, the same on every attempt.
    required("body", sa.Text),
    # pending -> delivered | failed (the dead-letter list); a replay makes it pending again.
    required("status", sa.Text, server_default="pending"),
    required("attempts", sa.Integer, server_default="0"),
    moment("next_attempt_at"),
    optional("last_status_code", sa.Integer),
    optional("last_error", sa.Text),
    moment("created_at"),
    optional_moment("delivered_at"),
    sa.UniqueConstraint("webhook_id", "event_key"),
    sa.Index("ix_deliveries_due", "next_attempt_at", postgresql_where=sa.text("status = 'pending'")),
    sa.Index("ix_deliveries_webhook_id_status_created_at", "webhook_id", "status", "created_at"),
)
