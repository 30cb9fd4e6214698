"""Webhooks tables. Migrations are written by hand and checked against this metadata in a test."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from servicekit.feed_cursor import feed_cursor_table
from servicekit.idempotency import idempotency_table
from servicekit.tables import moment, municipality_column, optional_moment, service_metadata

metadata = service_metadata()

idempotency_keys = idempotency_table(metadata)

# Where this service is in each source's feed: `registry` (change feed), `outcomes`, `matching`.
feed_cursors = feed_cursor_table(metadata)

# A municipality's subscription: where to send which events, signed with which secret.
webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    municipality_column(),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", ARRAY(sa.Text), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    # The Standard Webhooks secret (`whsec_...`): shown once on create and rotate, never on reads.
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="active"),
    sa.Column("created_by", sa.Text, nullable=False),
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
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("webhook_id", UUID(as_uuid=True), sa.ForeignKey("webhooks.id"), nullable=False),
    municipality_column(),
    sa.Column("event_key", sa.Text, nullable=False),
    sa.Column("event_type", sa.Text, nullable=False),
    # The exact bytes signed and sent, the same on every attempt.
    sa.Column("body", sa.Text, nullable=False),
    # pending -> delivered | failed (the dead-letter list); a replay makes it pending again.
    sa.Column("status", sa.Text, nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("last_status_code", sa.Integer, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    moment("created_at"),
    optional_moment("delivered_at"),
    sa.UniqueConstraint("webhook_id", "event_key"),
    sa.Index("ix_deliveries_due", "next_attempt_at", postgresql_where=sa.text("status = 'pending'")),
    sa.Index("ix_deliveries_webhook_id_status_created_at", "webhook_id", "status", "created_at"),
)
