"""Scoring models: the transparent weighted default, and a calibrated model trained on outcomes.

Both give the estimated chance that a placement lasts (still employed after 3 months) and
per-feature contributions in log-odds, so every score can be explained.

The default model is a logistic function of a weighted sum, with weights set by hand from what
caseworkers and the programme's evaluations stress (skills first, then hours, support and
distance). Its scores are a ranking device until outcomes exist; they are not calibrated:

    p = 1 / (1 + exp(-(INTERCEPT + sum(weight[f] * feature[f]))))

A citizen with every feature at its best gets p ~ 0.86; one with nothing in common ~ 0.02.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import sklearn

from .features import FEATURES

FloatArray = npt.NDArray[np.float64]

DEFAULT_INTERCEPT = -4.0
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "essential_coverage": 2.0,
    "optional_coverage": 0.5,
    "skill_similarity": 0.8,
    "support_gap": -1.2,
    "hours_fit": 0.6,
    "proximity": 0.5,
    "flexjob_match": 0.4,
    "accelerator_progress": 0.4,
    "interest": 0.6,
}


def sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


class ScoringModel(Protocol):
    @property
    def name(self) -> str: ...

    def predict(self, values: FloatArray) -> FloatArray:
        """Chance (0-1) of a lasting placement for each row of features."""
        ...

    def contributions(self, values: FloatArray) -> FloatArray:
        """Per-feature contribution to each row's log-odds (rows x FEATURES)."""
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

    def predict(self, values: FloatArray) -> FloatArray:
        return sigmoid(self.intercept + values @ self.weight_vector)


@dataclass(frozen=True)
class LinearMember:
    """One fold of the calibrated ensemble as plain arrays: scaler, logistic weights, sigmoid calibration."""

    mean: FloatArray
    scale: FloatArray
    coef: FloatArray
    intercept: float
    a: float
    b: float


def compile_members(calibrated: object) -> list[LinearMember]:
    """The fitted CalibratedClassifierCV(Pipeline(scale, logistic), method="sigmoid") as arrays.

    Scoring a handful of pairs through scikit-learn's input validation costs milliseconds per
    call; the same arithmetic on arrays costs microseconds (a test holds the two equal).
    """
    members = []
    for fold in calibrated.calibrated_classifiers_:  # type: ignore[attr-defined]
        scaler = fold.estimator.named_steps["scale"]
        logistic = fold.estimator.named_steps["logistic"]
        calibrator = fold.calibrators[0]
        members.append(
            LinearMember(
                mean=np.asarray(scaler.mean_, dtype=np.float64),
                scale=np.asarray(scaler.scale_, dtype=np.float64),
                coef=np.asarray(logistic.coef_[0], dtype=np.float64),
                intercept=float(logistic.intercept_[0]),
                a=float(calibrator.a_),
                b=float(calibrator.b_),
            )
        )
    return members


@dataclass
class TrainedModel:
    """A calibrated scikit-learn classifier, plus the linear pipeline that explains its scores."""

    calibrated_: object
    explainer_: object
    name: str = "calibrated-logistic"
    sklearn_version: str = sklearn.__version__
    members_: list[LinearMember] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.members_:
            self.members_ = compile_members(self.calibrated_)

    def predict(self, values: FloatArray) -> FloatArray:
        total = np.zeros(len(values), dtype=np.float64)
        for m in self.members_:
            decision = ((values - m.mean) / m.scale) @ m.coef + m.intercept
            total += sigmoid(-(m.a * decision + m.b))
        return total / len(self.members_)

    def predict_with_sklearn(self, values: FloatArray) -> FloatArray:
        proba = self.calibrated_.predict_proba(values)  # type: ignore[attr-defined]
        return np.asarray(proba[:, 1], dtype=np.float64)

    def contributions(self, values: FloatArray) -> FloatArray:
        scaler = self.explainer_.named_steps["scale"]  # type: ignore[attr-defined]
        logistic = self.explainer_.named_steps["logistic"]  # type: ignore[attr-defined]
        return np.asarray(scaler.transform(values) * logistic.coef_[0], dtype=np.float64)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        pickle.dump(self, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()

    @staticmethod
    def from_bytes(blob: bytes) -> TrainedModel:
        """Load a model this service trained and stored in its own database (trusted storage only)."""
        model = pickle.loads(blob)  # noqa: S301 - only ever our own database's bytes
        if not isinstance(model, TrainedModel):
            raise TypeError("stored model is not a TrainedModel")
        return model
