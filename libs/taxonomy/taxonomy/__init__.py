"""Skills and occupations: the ESCO classification read from its zips, or the starter vocabulary."""

from .credit import CreditScheme
from .esco import EscoPackageMissing
from .loader import load_taxonomy
from .model import Occupation, ProgrammeOccupation, Skill, SkillGroup, Taxonomy

__all__ = [
    "CreditScheme",
    "EscoPackageMissing",
    "Occupation",
    "ProgrammeOccupation",
    "Skill",
    "SkillGroup",
    "Taxonomy",
    "load_taxonomy",
]
