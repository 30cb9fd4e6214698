"""Matching tables: the pseudonymised feature store, the feed cursor, taxonomy and model versions.

Every SQL statement over them lives beside this module in store/."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from servicekit.access_outbox import access_outbox_table
from servicekit.columns import moment, optional, optional_moment, primary, required, uuid_pk
from servicekit.events import event_table
from servicekit.feed_cursor import feed_cursor_table
from servicekit.idempotency import idempotency_table
from servicekit.tables import service_metadata, tenant_table

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
    primary("municipality", sa.Text),
    required("seq", sa.BigInteger),
)


def _feature_table(name: str, *columns: sa.Column[Any], updated_at: bool = False) -> sa.Table:
    """A registry entity as the feature store keeps it: its id and municipality, the columns matching
    reads, and `seq`, the change-feed position that wrote the row (an older change never overwrites it)."""
    stamp = [moment("updated_at")] if updated_at else []
    return tenant_table(name, metadata, *columns, required("seq", sa.BigInteger), *stamp)


# Citizens' matching features only: no name, no national id, no benefit amounts.
citizen_features = _feature_table(
    "citizen_features",
    required("target_group", sa.Text),
    required("work_capacity_hours", sa.Float),
    required("skills", JSONB),
    required("essential_support_needs", JSONB),
    required("other_support_needs", JSONB),
    required("interests", JSONB),
    optional("lat", sa.Float),
    optional("lon", sa.Float),
    required("consent", sa.Boolean),
    updated_at=True,
)

opening_features = _feature_table(
    "opening_features",
    required("organisation_id", sa.UUID, index=True),
    required("occupation", sa.Text),
    required("essential_skills", JSONB),
    required("optional_skills", JSONB),
    required("hours_min", sa.Float),
    required("hours_max", sa.Float),
    required("seats", sa.Integer),
    required("support_offered", JSONB),
    required("flexjob", sa.Boolean),
    optional("lat", sa.Float),
    optional("lon", sa.Float),
    required("status", sa.Text),
    updated_at=True,
)

partnership_features = _feature_table("partnership_features", required("company_id", sa.UUID))

# Enrolments give the company's accelerator progress and who is in a partnership's course.
enrolment_features = _feature_table(
    "enrolment_features",
    required("programme", sa.Text),
    optional("citizen_id", sa.UUID, index=True),
    optional("organisation_id", sa.UUID, index=True),
    optional("partnership_id", sa.UUID, index=True),
    required("milestones_total", sa.Integer),
    required("milestones_reached", sa.Integer),
)

taxonomy_skills = sa.Table(
    "taxonomy_skills",
    metadata,
    primary("code", sa.Text),
    required("label", sa.Text),
    required("groups", JSONB),
    required("broader", JSONB),
    required("transversal", sa.Boolean),
)

taxonomy_occupations = sa.Table(
    "taxonomy_occupations",
    metadata,
    primary("code", sa.Text),
    required("label", sa.Text),
    required("essential_skills", JSONB),
    required("optional_skills", JSONB),
)

taxonomy_imports = sa.Table(
    "taxonomy_imports",
    metadata,
    primary("source", sa.Text),
    required("skills", sa.Integer),
    required("occupations", sa.Integer),
    moment("imported_at"),
)

# Trained models, national (outcomes from every municipality train one model). Loaded only from
# here, and only with the scikit-learn version and feature schema they were trained with.
scoring_models = sa.Table(
    "scoring_models",
    metadata,
    uuid_pk(),
    required("version", sa.Integer, unique=True),
    required("kind", sa.Text),
    required("metrics", JSONB),
    required("outcomes_used", sa.Integer),
    required("sklearn_version", sa.Text),
    # The features, in order, the model scores (a model is refused at load if they differ).
    required("feature_schema", JSONB, server_default=sa.text("'[]'::jsonb")),
    # A skops file (never pickle): the estimator with its feature schema and library version.
    required("blob", sa.LargeBinary),
    required("active", sa.Boolean, server_default=sa.false()),
    moment("created_at"),
    optional_moment("activated_at"),
    # At most one active model.
    sa.Index("uq_scoring_models_active", "active", unique=True, postgresql_where=sa.text("active")),
)

# National ranking runs (domain/national.py): versioned, each citizen's list visible per municipality.
ranking_runs = sa.Table(
    "ranking_runs",
    metadata,
    uuid_pk(),
    required("version", sa.Integer, unique=True),
    required("model", sa.Text),
    optional("model_id", sa.UUID),
    required("top_n", sa.Integer),
    required("citizens", sa.Integer),
    required("openings", sa.Integer),
    required("blocks", sa.Integer),
    required("workers", sa.Integer),
    required("seconds", sa.Float),
    moment("created_at"),
)

ranking_entries = sa.Table(
    "ranking_entries",
    metadata,
    primary("run_id", sa.UUID, sa.ForeignKey("ranking_runs.id", ondelete="CASCADE")),
    primary("citizen_id", sa.UUID),
    required("municipality", sa.Text),
    required("opening_ids", JSONB),
    required("scores", JSONB),
)

# Every recommendation list served for a citizen (issue 17): one row per citizen per list, also
# per citizen of an opening's list. Deleted with the citizen on erasure.
recommendation_logs = sa.Table(
    "recommendation_logs",
    metadata,
    uuid_pk(),
    required("municipality", sa.Text),
    required("citizen_id", sa.UUID),
    # openings_for_citizen | citizens_for_opening
    required("list_kind", sa.Text),
    optional("opening_id", sa.UUID),
    # [{opening_id, score, rank, explanation}]: the text as served (json, not re-encoded as jsonb)
    required("items", sa.JSON),
    optional("model_id", sa.UUID),
    required("model_name", sa.Text),
    required("client", sa.Text),
    optional("client_municipality", sa.Text),
    optional("request_id", sa.Text),
    moment("served_at"),
    sa.Index("ix_recommendation_logs_citizen_id", "citizen_id", "served_at"),
)

# A caseworker's decision on a suggestion, or an opening proposed over the ranking.
decisions = tenant_table(
    "decisions",
    metadata,
    required("citizen_id", sa.UUID),
    required("target_group", sa.Text),
    optional("recommendation_log_id", sa.UUID, sa.ForeignKey("recommendation_logs.id", ondelete="CASCADE")),
    required("opening_id", sa.UUID),
    required("decision", sa.Text),
    optional("reason_code", sa.Text),
    optional("reason_text", sa.Text),
    required("client", sa.Text),
    optional("client_municipality", sa.Text),
    optional("request_id", sa.Text),
    moment("decided_at"),
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
