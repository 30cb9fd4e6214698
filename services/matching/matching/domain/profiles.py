"""The pseudonymised features matching keeps of a citizen and of an opening (no names, no national ids)."""

from __future__ import annotations

from dataclasses import dataclass

FLEXJOB_TARGET_GROUP = "flexjob"


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class CitizenProfile:
    id: str
    municipality: str
    target_group: str
    work_capacity_hours: float
    skills: frozenset[str] = frozenset()
    essential_support_needs: frozenset[str] = frozenset()
    other_support_needs: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    location: Location | None = None
    consent: bool = False

    @property
    def flexjob(self) -> bool:
        return self.target_group == FLEXJOB_TARGET_GROUP


@dataclass(frozen=True, slots=True)
class OpeningProfile:
    id: str
    municipality: str
    organisation_id: str
    occupation: str
    essential_skills: frozenset[str] = frozenset()
    optional_skills: frozenset[str] = frozenset()
    hours_min: float = 0.0
    hours_max: float = 37.0
    seats: int = 1
    support_offered: frozenset[str] = frozenset()
    flexjob: bool = False
    location: Location | None = None
    # Share of the company's accelerator milestones reached (0-1); 0 when not enrolled.
    accelerator_progress: float = 0.0
    status: str = "open"


@dataclass(frozen=True, slots=True)
class Partnership:
    """A municipality's partnership with a company: its course's citizens, the company's openings."""

    id: str
    municipality: str
    company_id: str
