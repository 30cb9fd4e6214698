from __future__ import annotations

import numpy as np
import pytest
import sklearn

from matching.domain.features import FEATURES
from matching.domain.ranking import TRUSTED_TYPES, ModelIncompatible, TrainedModel
from matching.domain.training import (
    MIN_LABELLED_OUTCOMES,
    NotBetterThanDefault,
    NotEnoughOutcomes,
    check_better_than_default,
    precision_at_k,
    train_model,
)


def synthetic(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(FEATURES)))
    logit = -2 + 4 * x[:, 1] + 2 * x[:, 4] - 2 * x[:, 6]
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    return x, y, [f"c{i % (n // 2)}" for i in range(n)]


def test_trained_model_reports_auc_brier_and_precision_at_10() -> None:
    x, y, groups = synthetic(600)
    result = train_model(x, y, groups)
    assert result.metrics.auc > 0.7
    assert 0 < result.metrics.brier < 0.25
    assert 0 <= result.metrics.precision_at_10 <= 1
    assert result.metrics.training_rows + result.metrics.validation_rows == 600
    scores = result.model.predict(x[:5])
    assert ((scores > 0) & (scores < 1)).all()
    assert result.model.contributions(x[:5]).shape == (5, len(FEATURES))


def test_trained_model_round_trips_through_bytes() -> None:
    x, y, groups = synthetic(200)
    model = train_model(x, y, groups).model
    again = TrainedModel.from_bytes(model.to_bytes())
    assert np.allclose(again.predict(x), model.predict(x))


def test_too_few_outcomes_says_how_many_are_needed() -> None:
    x, y, groups = synthetic(10)
    with pytest.raises(NotEnoughOutcomes, match=f"at least {MIN_LABELLED_OUTCOMES}") as error:
        train_model(x, y, groups)
    assert error.value.need == MIN_LABELLED_OUTCOMES


def test_one_sided_outcomes_are_not_enough() -> None:
    x, _, groups = synthetic(100)
    with pytest.raises(NotEnoughOutcomes):
        train_model(x, np.ones(100, dtype=bool), groups)


def test_precision_at_k_counts_hits_among_the_best_scored() -> None:
    labels = np.array([True, False, True, False])
    assert precision_at_k(labels, np.array([0.9, 0.8, 0.1, 0.0]), 2) == 0.5


def test_compiled_predict_equals_scikit_learn() -> None:
    x, y, groups = synthetic(300)
    model = train_model(x, y, groups).model
    assert np.allclose(model.predict(x), model.predict_with_sklearn(x))


def test_stored_model_is_a_skops_file_with_its_feature_schema_and_library_version() -> None:
    import skops.io as sio

    x, y, groups = synthetic(200)
    blob = train_model(x, y, groups).model.to_bytes()
    content = sio.loads(blob, trusted=TRUSTED_TYPES)
    assert content["features"] == list(FEATURES)
    assert content["sklearn_version"] == sklearn.__version__


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [("features", ["essential_coverage"], "trained on features"), ("sklearn_version", "0.1", "scikit-learn 0.1")],
)
def test_a_model_of_other_features_or_library_is_refused_at_load(field: str, value: object, says: str) -> None:
    import skops.io as sio

    x, y, groups = synthetic(200)
    model = train_model(x, y, groups).model
    content = sio.loads(model.to_bytes(), trusted=TRUSTED_TYPES)
    content[field] = value
    with pytest.raises(ModelIncompatible, match=says):
        TrainedModel.from_bytes(sio.dumps(content))


def test_a_pickled_model_is_refused() -> None:
    import pickle

    with pytest.raises(ModelIncompatible, match="not a skops model file"):
        TrainedModel.from_bytes(pickle.dumps({"features": list(FEATURES)}))


def test_activation_needs_a_held_out_auc_above_the_default_models() -> None:
    check_better_than_default({"auc": 0.81, "default_auc": 0.8})
    for metrics in ({"auc": 0.8, "default_auc": 0.8}, {"auc": 0.7, "default_auc": 0.8}, {"auc": 0.9}):
        with pytest.raises(NotBetterThanDefault) as refused:
            check_better_than_default(metrics)
        assert refused.value.status == 409
        assert refused.value.extra["metric"] == "auc"
        assert "auc" in refused.value.detail
