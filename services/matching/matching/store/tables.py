"""Matching tables: the pseudonymised feature store, the feed cursor, taxonomy and model versions.

Every SQL statement over them lives beside this module in store/."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from servicekit.access_outbox import access_outbox_table
from servicekit.events import event_table
from servicekit.feed_cursor import feed_cursor_table
from servicekit.idempotency import idempotency_table
from servicekit.tables import service_metadata

metadata = service_metadata()

idempotency_keys = idempotency_table(metadata)

# Where the consumer of the registry change feed has got to (one row per feed).
feed_cursors = feed_cursor_table(metadata)

# The events feed the webhooks service follows (ranking run finished).
events = event_table(metadata)

# The feed position of the last change to a municipality's openings (or to the enrolments that
# give their companies' accelerator progress): the version of its cached opening catalogue.
catalogue_versions = sa.Table(
    "catalogue_versions",
    metadata,
    sa.Column("municipality", sa.Text, primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
)

# Citizens' matching features only: no name, no national id, no benefit amounts.
citizen_features = sa.Table(
    "citizen_features",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("municipality", sa.Text, nullable=False, index=True),
    sa.Column("target_group", sa.Text, nullable=False),
    sa.Column("work_capacity_hours", sa.Float, nullable=False),
    sa.Column("skills", JSONB, nullable=False),
    sa.Column("essential_support_needs", JSONB, nullable=False),
    sa.Column("other_support_needs", JSONB, nullable=False),
    sa.Column("interests", JSONB, nullable=False),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("consent", sa.Boolean, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

opening_features = sa.Table(
    "opening_features",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("municipality", sa.Text, nullable=False, index=True),
    sa.Column("organisation_id", UUID(as_uuid=True), nullable=False, index=True),
    sa.Column("occupation", sa.Text, nullable=False),
    sa.Column("essential_skills", JSONB, nullable=False),
    sa.Column("optional_skills", JSONB, nullable=False),
    sa.Column("hours_min", sa.Float, nullable=False),
    sa.Column("hours_max", sa.Float, nullable=False),
    sa.Column("seats", sa.Integer, nullable=False),
    sa.Column("support_offered", JSONB, nullable=False),
    sa.Column("flexjob", sa.Boolean, nullable=False),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

partnership_features = sa.Table(
    "partnership_features",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("municipality", sa.Text, nullable=False, index=True),
    sa.Column("company_id", UUID(as_uuid=True), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
)

# Enrolments give the company's accelerator progress and who is in a partnership's course.
enrolment_features = sa.Table(
    "enrolment_features",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("municipality", sa.Text, nullable=False, index=True),
    sa.Column("programme", sa.Text, nullable=False),
    sa.Column("citizen_id", UUID(as_uuid=True), nullable=True, index=True),
    sa.Column("organisation_id", UUID(as_uuid=True), nullable=True, index=True),
    sa.Column("partnership_id", UUID(as_uuid=True), nullable=True, index=True),
    sa.Column("milestones_total", sa.Integer, nullable=False),
    sa.Column("milestones_reached", sa.Integer, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
)

taxonomy_skills = sa.Table(
    "taxonomy_skills",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("groups", JSONB, nullable=False),
    sa.Column("broader", JSONB, nullable=False),
    sa.Column("transversal", sa.Boolean, nullable=False),
)

taxonomy_occupations = sa.Table(
    "taxonomy_occupations",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("essential_skills", JSONB, nullable=False),
    sa.Column("optional_skills", JSONB, nullable=False),
)

taxonomy_imports = sa.Table(
    "taxonomy_imports",
    metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("skills", sa.Integer, nullable=False),
    sa.Column("occupations", sa.Integer, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

# Trained models, national (outcomes from every municipality train one model). Loaded only from
# here, and only with the scikit-learn version and feature schema they were trained with.
scoring_models = sa.Table(
    "scoring_models",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False, unique=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("metrics", JSONB, nullable=False),
    sa.Column("outcomes_used", sa.Integer, nullable=False),
    sa.Column("sklearn_version", sa.Text, nullable=False),
    # The features, in order, the model scores (a model is refused at load if they differ).
    sa.Column("feature_schema", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    # A skops file (never pickle): the estimator with its feature schema and library version.
    sa.Column("blob", sa.LargeBinary, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
    # At most one active model.
    sa.Index("uq_scoring_models_active", "active", unique=True, postgresql_where=sa.text("active")),
)

# National ranking runs (domain/national.py): versioned, each citizen's list visible per municipality.
ranking_runs = sa.Table(
    "ranking_runs",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False, unique=True),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("model_id", UUID(as_uuid=True), nullable=True),
    sa.Column("top_n", sa.Integer, nullable=False),
    sa.Column("citizens", sa.Integer, nullable=False),
    sa.Column("openings", sa.Integer, nullable=False),
    sa.Column("blocks", sa.Integer, nullable=False),
    sa.Column("workers", sa.Integer, nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

ranking_entries = sa.Table(
    "ranking_entries",
    metadata,
    sa.Column("run_id", UUID(as_uuid=True), sa.ForeignKey("ranking_runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("citizen_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("municipality", sa.Text, nullable=False),
    sa.Column("opening_ids", JSONB, nullable=False),
    sa.Column("scores", JSONB, nullable=False),
)

# Every recommendation list served for a citizen (issue 17): one row per citizen per list, also
# per citizen of an opening's list. Deleted with the citizen on erasure.
recommendation_logs = sa.Table(
    "recommendation_logs",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("municipality", sa.Text, nullable=False),
    sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
    # openings_for_citizen | citizens_for_opening
    sa.Column("list_kind", sa.Text, nullable=False),
    sa.Column("opening_id", UUID(as_uuid=True), nullable=True),
    # [{opening_id, score, rank, explanation}] as served
    sa.Column("items", JSONB, nullable=False),
    sa.Column("model_id", UUID(as_uuid=True), nullable=True),
    sa.Column("model_name", sa.Text, nullable=False),
    sa.Column("client", sa.Text, nullable=False),
    sa.Column("client_municipality", sa.Text, nullable=True),
    sa.Column("request_id", sa.Text, nullable=True),
    sa.Column("served_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("ix_recommendation_logs_citizen_id", "citizen_id", "served_at"),
)

# A caseworker's decision on a suggestion, or an opening proposed over the ranking.
decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("municipality", sa.Text, nullable=False, index=True),
    sa.Column("citizen_id", UUID(as_uuid=True), nullable=False),
    sa.Column("target_group", sa.Text, nullable=False),
    sa.Column(
        "recommendation_log_id",
        UUID(as_uuid=True),
        sa.ForeignKey("recommendation_logs.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.Column("opening_id", UUID(as_uuid=True), nullable=False),
    sa.Column("decision", sa.Text, nullable=False),
    sa.Column("reason_code", sa.Text, nullable=True),
    sa.Column("reason_text", sa.Text, nullable=True),
    sa.Column("client", sa.Text, nullable=False),
    sa.Column("client_municipality", sa.Text, nullable=True),
    sa.Column("request_id", sa.Text, nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("ix_decisions_citizen_id", "citizen_id", "decided_at"),
)

# Access-log entries waiting for the registry (POST /internal/v1/access-log), drained in batches.
access_outbox = access_outbox_table(metadata)

TENANT_TABLES = (
    "citizen_features",
    "opening_features",
    "partnership_features",
    "enrolment_features",
    "catalogue_versions",
    "ranking_entries",
    "recommendation_logs",
    "decisions",
)
