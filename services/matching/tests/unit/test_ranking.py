from __future__ import annotations

import numpy as np

from matching.domain.features import FEATURES
from matching.domain.ranking import DEFAULT_INTERCEPT, WeightedDefaultModel, sigmoid


def test_default_model_is_the_documented_logistic_of_weighted_features() -> None:
    model = WeightedDefaultModel()
    values = np.ones((1, len(FEATURES)))
    expected = sigmoid(np.array([DEFAULT_INTERCEPT + sum(model.weights.values())]))
    assert np.allclose(model.predict(values), expected)
    assert np.allclose(model.contributions(values).sum(), sum(model.weights.values()))


def test_default_model_scores_are_probabilities_rising_with_occupation_coverage() -> None:
    model = WeightedDefaultModel()
    low = np.zeros((1, len(FEATURES)))
    high = low.copy()
    high[0, FEATURES.index("occupation_coverage")] = 1.0
    assert 0 < model.predict(low)[0] < model.predict(high)[0] < 1
