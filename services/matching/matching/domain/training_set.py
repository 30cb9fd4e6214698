"""Training rows from recorded placements: the pair's features now, and whether it lasted 3 months."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .blocks import citizen_block, opening_block
from .features import pair_features
from .profiles import CitizenProfile, OpeningProfile
from .skill_space import SkillSpace


@dataclass(frozen=True)
class LabelledPlacement:
    citizen_id: str
    opening_id: str
    lasted_3_months: bool


def with_decision_labels(
    placements: Sequence[LabelledPlacement], decisions: Sequence[tuple[str, str, bool]]
) -> tuple[list[LabelledPlacement], int]:
    """Placements plus caseworkers' decisions as labels of pairs no placement labels (a rejection
    a negative, a hire a positive; the latest decision on a pair counts once). A placement's
    three-month outcome always wins. Returns the rows and how many came from decisions."""
    placed = {(p.citizen_id, p.opening_id) for p in placements}
    decided: dict[tuple[str, str], bool] = {}
    for citizen_id, opening_id, label in decisions:
        if (citizen_id, opening_id) not in placed:
            decided[(citizen_id, opening_id)] = label
    extra = [LabelledPlacement(c, o, label) for (c, o), label in decided.items()]
    return [*placements, *extra], len(extra)


@dataclass(frozen=True)
class TrainingSet:
    features: npt.NDArray[np.float64]
    labels: npt.NDArray[np.bool_]
    groups: list[str]
    # (citizen id, opening id) of each row: which labels were usable.
    pairs: list[tuple[str, str]] = field(default_factory=list)


def training_set(
    space: SkillSpace,
    placements: Sequence[LabelledPlacement],
    citizens: Mapping[str, CitizenProfile],
    openings: Mapping[str, OpeningProfile],
) -> TrainingSet:
    """Features of each placement whose citizen and opening are still in the feature store.

    Erased citizens are gone from the store, so their placements never train a model.
    """
    usable = [p for p in placements if p.citizen_id in citizens and p.opening_id in openings]
    if not usable:
        return TrainingSet(np.zeros((0, 9)), np.zeros(0, dtype=np.bool_), [])
    opening_list = list({p.opening_id: openings[p.opening_id] for p in usable}.values())
    opening_row = {o.id: i for i, o in enumerate(opening_list)}
    citizen_list = list({p.citizen_id: citizens[p.citizen_id] for p in usable}.values())
    citizen_row = {c.id: i for i, c in enumerate(citizen_list)}
    obox = opening_block(space, opening_list)
    cbox = citizen_block(space, obox, citizen_list)
    pairs = pair_features(
        cbox,
        obox,
        np.array([citizen_row[p.citizen_id] for p in usable], dtype=np.int64),
        np.array([opening_row[p.opening_id] for p in usable], dtype=np.int64),
    )
    labels = np.array([p.lasted_3_months for p in usable], dtype=np.bool_)
    return TrainingSet(
        pairs.values, labels, [p.citizen_id for p in usable], [(p.citizen_id, p.opening_id) for p in usable]
    )
