"""Scoring models: the transparent weighted default, and a calibrated model trained on outcomes.

Both are linear in log-odds: the score is

    p = 1 / (1 + exp(-(intercept + sum(weight[f] * feature[f]))))

and the explanation's contributions are exactly the terms of that sum (the intercept included),
so they add up to the score in the model's link space, logit(p).

The default model's skill and interest weights were fitted on ESCO look-alike cases
(`quality.fit_ranking_weights`: pairwise logistic regression, the right opening against the 60
best-scored wrong feasible ones, training seeds 101-103) and scaled by 0.2 to keep scores
readable; on held-out seeds 1-3 they rank the right occupation first for 90 % of citizens (plain
cosine 65-72 %, IDF cosine 69-76 %). Hours, support, distance, flexjob and accelerator weights are
set by hand from what caseworkers and the programme's evaluations stress (the cases hold them
constant). The plain essential coverage is kept as a feature to read, with weight 0: its
specificity-weighted form carries the evidence. Scores are a ranking device until outcomes
exist; they are not calibrated. A citizen with every feature at its best gets p ~ 0.995; one
with nothing in common ~ 0.02.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import sklearn
import skops.io as sio

from servicekit.domain_errors import Conflict

from .arrays import FloatArray
from .features import FEATURES

DEFAULT_INTERCEPT = -6.0
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "essential_coverage": 0.0,
    "essential_specific_coverage": 0.113,
    "optional_coverage": 0.171,
    "skill_similarity": 0.501,
    "occupation_coverage": 3.441,
    "occupation_fit": 4.537,
    "support_gap": -1.2,
    "hours_fit": 0.6,
    "proximity": 0.5,
    "flexjob_match": 0.4,
    "accelerator_progress": 0.4,
    "interest": 0.593,
}


def sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


class ScoringModel(Protocol):
    @property
    def name(self) -> str: ...

    def predict(self, values: FloatArray) -> FloatArray:
        """Chance (0-1) of a lasting placement for each row of features."""
        ...

    @property
    def intercept(self) -> float:
        """The log-odds of a pair whose every feature is 0."""
        ...

    def log_odds(self, values: FloatArray) -> FloatArray:
        """The score in the model's link space: intercept + the sum of the contributions."""
        ...

    def contributions(self, values: FloatArray) -> FloatArray:
        """Per-feature contribution to each row's log-odds (rows x FEATURES); with the intercept
        they add up to log_odds exactly."""
        ...


@dataclass(frozen=True)
class WeightedDefaultModel:
    """The documented default: hand-set weights over the features (see the module docstring)."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    intercept: float = DEFAULT_INTERCEPT
    name: str = "default-weighted"

    @property
    def weight_vector(self) -> FloatArray:
        return np.array([self.weights[name] for name in FEATURES], dtype=np.float64)

    def contributions(self, values: FloatArray) -> FloatArray:
        return np.asarray(values * self.weight_vector, dtype=np.float64)

    def log_odds(self, values: FloatArray) -> FloatArray:
        return np.asarray(self.intercept + values @ self.weight_vector, dtype=np.float64)

    def predict(self, values: FloatArray) -> FloatArray:
        return sigmoid(self.log_odds(values))


class ModelIncompatible(Conflict):
    """A stored model this service cannot score with: another feature schema or scikit-learn version."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, reason="model_incompatible")


# The scikit-learn types a stored model may contain; skops refuses to build anything else.
TRUSTED_TYPES = [
    "numpy.dtype",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
]
FILE_FORMAT = 1


def compile_linear(calibrated: object) -> tuple[FloatArray, float]:
    """CalibratedClassifierCV(Pipeline(scale, logistic), method="sigmoid", ensemble=False) as one
    linear function in log-odds: logit(p) = intercept + coef . x.

    The sigmoid calibration p = 1 / (1 + exp(a * d + b)) of the decision d = w . (x - m) / s + w0
    is itself linear in x, so the calibrated model's own terms explain its score exactly.
    """
    (fold,) = calibrated.calibrated_classifiers_  # type: ignore[attr-defined]
    scaler = fold.estimator.named_steps["scale"]
    logistic = fold.estimator.named_steps["logistic"]
    a, b = float(fold.calibrators[0].a_), float(fold.calibrators[0].b_)
    w = np.asarray(logistic.coef_[0], dtype=np.float64) / np.asarray(scaler.scale_, dtype=np.float64)
    w0 = float(logistic.intercept_[0]) - float(w @ np.asarray(scaler.mean_, dtype=np.float64))
    return np.asarray(-a * w, dtype=np.float64), -a * w0 - b


@dataclass
class TrainedModel:
    """A calibrated scikit-learn classifier trained on outcomes, scored as its own linear log-odds."""

    calibrated_: object
    name: str = "calibrated-logistic"
    sklearn_version: str = sklearn.__version__
    features: tuple[str, ...] = FEATURES
    coef_: FloatArray = field(default_factory=lambda: np.zeros(0))
    intercept: float = 0.0

    def __post_init__(self) -> None:
        if not len(self.coef_):
            self.coef_, self.intercept = compile_linear(self.calibrated_)

    def log_odds(self, values: FloatArray) -> FloatArray:
        return np.asarray(self.intercept + values @ self.coef_, dtype=np.float64)

    def predict(self, values: FloatArray) -> FloatArray:
        return sigmoid(self.log_odds(values))

    def predict_with_sklearn(self, values: FloatArray) -> FloatArray:
        proba = self.calibrated_.predict_proba(values)  # type: ignore[attr-defined]
        return np.asarray(proba[:, 1], dtype=np.float64)

    def contributions(self, values: FloatArray) -> FloatArray:
        return np.asarray(values * self.coef_, dtype=np.float64)

    def to_bytes(self) -> bytes:
        """A skops file (no pickle): the estimator with the feature schema and library version."""
        return bytes(
            sio.dumps(
                {
                    "format": FILE_FORMAT,
                    "features": list(self.features),
                    "sklearn_version": self.sklearn_version,
                    "name": self.name,
                    "estimator": self.calibrated_,
                }
            )
        )

    @staticmethod
    def from_bytes(blob: bytes) -> TrainedModel:
        """Load a stored model, refusing one built with other features or another scikit-learn."""
        try:
            untrusted = [t for t in sio.get_untrusted_types(data=blob) if t not in TRUSTED_TYPES]
        except Exception as error:  # not a skops file at all (e.g. a model stored before skops)
            raise ModelIncompatible(f"The stored model is not a skops model file ({error}); retrain it.") from error
        if untrusted:
            raise ModelIncompatible(f"The stored model contains types this service does not load: {untrusted}.")
        content = sio.loads(blob, trusted=TRUSTED_TYPES)
        features = tuple(content.get("features", ()))
        if features != FEATURES:
            raise ModelIncompatible(
                f"The stored model was trained on features {list(features)}; this service scores "
                f"{list(FEATURES)}. Retrain it."
            )
        if content.get("sklearn_version") != sklearn.__version__:
            raise ModelIncompatible(
                f"The stored model was trained with scikit-learn {content.get('sklearn_version')}; this service "
                f"runs {sklearn.__version__}. Retrain it."
            )
        return TrainedModel(calibrated_=content["estimator"], name=str(content.get("name", "calibrated-logistic")))
