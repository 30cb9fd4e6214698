"""Placement kinds and which of them count for a contract's milestones (issue 15 §5).

The kind never moves money by itself: money moves only through benefit events (§2). `USUAL_BENEFIT_EVENTS`
is what the API guide tells a jobcenter each kind usually brings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from servicekit.domain_errors import InvalidField

from .events import PLACEMENT_KINDS, OutcomeEvent
from .milestones import MILESTONES
from .placements import placements

# A job is a job; an internship on benefit (virksomhedspraktik) and education are not.
JOB_KINDS = frozenset({"ordinary", "flexjob", "smaajob", "wage_subsidy"})
USUAL_BENEFIT_EVENTS = {
    "ordinary": "benefit_ended from the first day of pay (or benefit_changed if a supplement remains)",
    "flexjob": "benefit_changed with wage_subsidy (fleksløntilskud) instead of the benefit",
    "smaajob": "benefit_changed with the reduced benefit after the earnings are deducted",
    "wage_subsidy": "benefit_changed with wage_subsidy (løntilskud paid to the employer) instead of the benefit",
    "internship": "none: the citizen keeps the benefit during virksomhedspraktik / praktik",
    "education": "benefit_ended, or benefit_changed to the education benefit (e.g. SU is not a municipal cost)",
}


NOT_PLACED = "not_placed"
UNSPECIFIED = "unspecified"
"""A placement stored before `data.kind` was required."""
ATTRIBUTION_KEYS = (*PLACEMENT_KINDS, NOT_PLACED)


def attributed_kind(events: Sequence[OutcomeEvent], enrolled_on: date, before: date) -> str:
    """The kind a citizen's results are attributed to: that of its first placement starting on or after
    enrolment (§4's `placement_started`) and before `before` (the evaluation's end); `not_placed` if none.

    Effective events (corrections resolved), in order. A citizen counts under one kind only, so the kinds'
    figures add up to the evaluation's; a later placement of another kind does not move it."""
    for placement in placements(events):
        if enrolled_on <= placement.start < before:
            return placement.kind or UNSPECIFIED
    return NOT_PLACED


def validate_placement_kind(data: Mapping[str, Any]) -> None:
    """`placement_started.data.kind` must be one of the kinds."""
    kind = data.get("kind")
    if kind not in PLACEMENT_KINDS:
        raise InvalidField("data.kind", f"kind is required, one of {', '.join(PLACEMENT_KINDS)}")


def parse_milestone_kinds(value: Any) -> dict[str, frozenset[str]]:
    """A contract's {milestone: [kinds]}; milestones it leaves out count job kinds only."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidField("milestone_kinds", "milestone_kinds maps a milestone to a list of placement kinds")
    result: dict[str, frozenset[str]] = {}
    for milestone, kinds in value.items():
        if milestone not in MILESTONES:
            raise InvalidField(f"milestone_kinds.{milestone}", f"unknown milestone; one of {', '.join(MILESTONES)}")
        if not isinstance(kinds, list) or not kinds or any(kind not in PLACEMENT_KINDS for kind in kinds):
            raise InvalidField(
                f"milestone_kinds.{milestone}", f"a non-empty list of kinds from {', '.join(PLACEMENT_KINDS)}"
            )
        result[str(milestone)] = frozenset(kinds)
    return result


def counts_for(milestone: str, kind: str | None, milestone_kinds: Mapping[str, frozenset[str]]) -> bool:
    """Whether a placement of `kind` counts for `milestone` under the contract."""
    allowed = milestone_kinds.get(milestone, JOB_KINDS)
    return kind in allowed
