"""Training the calibrated model on placement outcomes, with validation metrics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from servicekit.domain_errors import Conflict

from .arrays import BoolArray, FloatArray
from .ranking import TrainedModel, WeightedDefaultModel

# Fewer labelled placements than this give a validation split too small to trust its metrics.
MIN_LABELLED_OUTCOMES = 40
MIN_PER_CLASS = 5
VALIDATION_SHARE = 0.25


class NotEnoughOutcomes(Conflict):
    """Too few labelled placements (or too few of one kind) to train and validate a model."""

    def __init__(self, *, have: int, need: int, lasting: int, not_lasting: int) -> None:
        super().__init__(
            f"training needs at least {need} placements with a known 3-month result "
            f"(at least {MIN_PER_CLASS} that lasted and {MIN_PER_CLASS} that did not); "
            f"have {have} ({lasting} lasted, {not_lasting} did not)",
            reason="not_enough_outcomes",
            needed=need,
            usable=have,
        )
        self.have, self.need = have, need


@dataclass(frozen=True)
class ValidationMetrics:
    auc: float
    brier: float
    precision_at_10: float
    training_rows: int
    validation_rows: int
    # The weighted default model's AUC on the same held-out rows: the trained model helps only
    # where its own AUC is higher.
    default_auc: float


class NotBetterThanDefault(Conflict):
    """A trained model whose held-out AUC is not above the default model's on the same rows:
    activating it would rank worse than the documented default, so it is refused."""

    def __init__(self, *, auc: float | None, default_auc: float | None) -> None:
        if auc is None or default_auc is None:
            detail = (
                "the model's validation metrics do not compare its held-out AUC (metric `auc`) with the "
                "default model's (`default_auc`); retrain it"
            )
        else:
            detail = (
                f"the model's held-out AUC (metric `auc`) {auc:.4f} is not above the default model's "
                f"(`default_auc`) {default_auc:.4f} on the same validation rows; it would rank worse, "
                "so the default keeps scoring"
            )
        super().__init__(detail, reason="not_better_than_default", metric="auc", auc=auc, default_auc=default_auc)


def check_better_than_default(metrics: Mapping[str, object]) -> None:
    """Refuse (409) a model unless its held-out AUC is strictly above the default model's."""
    auc, default_auc = metrics.get("auc"), metrics.get("default_auc")
    if not isinstance(auc, int | float) or not isinstance(default_auc, int | float):
        raise NotBetterThanDefault(auc=None, default_auc=None)
    if not float(auc) > float(default_auc):
        raise NotBetterThanDefault(auc=float(auc), default_auc=float(default_auc))


@dataclass(frozen=True)
class TrainingResult:
    model: TrainedModel
    metrics: ValidationMetrics


def precision_at_k(labels: BoolArray, scores: FloatArray, k: int = 10) -> float:
    """Share of lasting placements among the k highest-scored validation placements."""
    top = np.argsort(-scores, kind="stable")[:k]
    return float(np.mean(labels[top])) if len(top) else 0.0


def linear_pipeline() -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("logistic", LogisticRegression(C=1.0, max_iter=1000))])


def check_enough(labels: BoolArray) -> None:
    lasting = int(labels.sum())
    not_lasting = int(len(labels) - lasting)
    if len(labels) < MIN_LABELLED_OUTCOMES or min(lasting, not_lasting) < MIN_PER_CLASS:
        raise NotEnoughOutcomes(have=len(labels), need=MIN_LABELLED_OUTCOMES, lasting=lasting, not_lasting=not_lasting)


def train_model(features: FloatArray, labels: BoolArray, groups: list[str], *, seed: int = 0) -> TrainingResult:
    """Fit on a split grouped by citizen, report AUC, Brier and precision@10 on the held-out part."""
    check_enough(labels)
    split = GroupShuffleSplit(n_splits=1, test_size=VALIDATION_SHARE, random_state=seed)
    train_idx, valid_idx = next(split.split(features, labels, groups))
    if len(set(labels[valid_idx].tolist())) < 2 or len(set(labels[train_idx].tolist())) < 2:
        raise NotEnoughOutcomes(
            have=len(labels),
            need=MIN_LABELLED_OUTCOMES * 2,
            lasting=int(labels.sum()),
            not_lasting=int((~labels).sum()),
        )
    # One estimator and one sigmoid calibration (ensemble=False): the calibrated score stays linear
    # in log-odds, so its own terms explain it (ranking.compile_linear).
    calibrated = CalibratedClassifierCV(linear_pipeline(), method="sigmoid", cv=3, ensemble=False)
    calibrated.fit(features[train_idx], labels[train_idx])
    valid_scores = calibrated.predict_proba(features[valid_idx])[:, 1]
    metrics = ValidationMetrics(
        auc=float(roc_auc_score(labels[valid_idx], valid_scores)),
        brier=float(brier_score_loss(labels[valid_idx], valid_scores)),
        precision_at_10=precision_at_k(labels[valid_idx], valid_scores, 10),
        training_rows=len(train_idx),
        validation_rows=len(valid_idx),
        default_auc=float(roc_auc_score(labels[valid_idx], WeightedDefaultModel().predict(features[valid_idx]))),
    )
    return TrainingResult(model=TrainedModel(calibrated_=calibrated), metrics=metrics)
