"""How much a related skill counts towards a required one.

A citizen rarely holds exactly the ESCO concept an employer wrote down; a neighbouring concept is
evidence of part of it. Credits, highest first (a pair takes its best route):

- exact skill: 1.0
- broader or narrower skill (one step in the ESCO skill hierarchy, e.g. "drive a delivery van"
  for "drive a car"): 0.5 — most of the ability carries over either way.
- ESCO skill-skill relation (skillSkillRelations.csv, either direction): 0.5.
- sibling: same direct skill group, or same direct broader skill: 0.25 — only when that group is
  small (≤ `max_sibling_group` members); a large ESCO group ("communication") says too little.

A sibling credit of 0.25 means four neighbouring skills never add up to one exact skill: each
required skill takes the single best credit, never a sum.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CreditScheme:
    broader_narrower: float = 0.5
    related: float = 0.5
    sibling: float = 0.25
    max_sibling_group: int = 40
