"""Exposure: the share of top-10 slots each target group receives versus its share of citizens.

A ratio well under 1 means a group is being ranked out of the lists caseworkers read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class GroupExposure:
    target_group: str
    citizens: int
    citizen_share: float
    slots: int
    slot_share: float
    ratio: float | None


def exposure(population: Sequence[str], top_lists: Sequence[Sequence[str]]) -> list[GroupExposure]:
    """`population`: target group of each eligible citizen; `top_lists`: target groups in each top-10 list."""
    citizens = Counter(population)
    slots = Counter(group for listing in top_lists for group in listing)
    total_citizens = sum(citizens.values())
    total_slots = sum(slots.values())
    result = []
    for group in sorted(set(citizens) | set(slots)):
        citizen_share = citizens[group] / total_citizens if total_citizens else 0.0
        slot_share = slots[group] / total_slots if total_slots else 0.0
        result.append(
            GroupExposure(
                target_group=group,
                citizens=citizens[group],
                citizen_share=round(citizen_share, 4),
                slots=slots[group],
                slot_share=round(slot_share, 4),
                ratio=round(slot_share / citizen_share, 4) if citizen_share else None,
            )
        )
    return result
