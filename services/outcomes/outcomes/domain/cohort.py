"""A partnership's observed cohort as simulation groups: who is enrolled, on what benefit, who is placed.

What is observed comes from the facts (citizens per target group, their mean benefit at enrolment
and weeks on support, how many are placed already); what is not yet observed (the chance that the
others are placed, how long placements last, hours) comes from the request's assumptions for the
group, or from the defaults below, and exits without the programme from the rate card.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from statistics import mean

from .entitlements import CitizenFacts
from .events import effective_events
from .money import divide_half_away
from .placements import placements
from .simulation import GroupAssumptions

DEFAULT = GroupAssumptions(
    target_group="other", citizens=1, placement_probability=0.4, monthly_dropout=0.04, monthly_benefit=0
)


def observed_groups(
    facts: Sequence[CitizenFacts],
    assumptions: Mapping[str, GroupAssumptions],
    *,
    exit_rates: Mapping[str, float],
) -> list[GroupAssumptions]:
    """One group per target group of the cohort, observed figures first."""
    by_group: dict[str, list[CitizenFacts]] = defaultdict(list)
    for citizen in facts:
        by_group[citizen.target_group].append(citizen)
    groups = []
    for name, members in sorted(by_group.items()):
        base = assumptions.get(name, DEFAULT)
        benefits = [m.benefit_at_enrolment.monthly_amount for m in members if m.benefit_at_enrolment is not None]
        weeks = [(m.enrolled_on - m.since).days // 7 for m in members if m.since is not None]
        placed = sum(1 for m in members if placements(effective_events(m.events)))
        groups.append(
            GroupAssumptions(
                target_group=name,
                citizens=len(members),
                placement_probability=base.placement_probability,
                monthly_dropout=base.monthly_dropout,
                monthly_benefit=divide_half_away(sum(benefits), len(benefits)) if benefits else base.monthly_benefit,
                residual_benefit_share=base.residual_benefit_share,
                weeks_on_support_at_enrolment=max(0, round(mean(weeks)))
                if weeks
                else base.weeks_on_support_at_enrolment,
                hours_per_week=base.hours_per_week,
                monthly_exit_rate=float(exit_rates.get(name, base.monthly_exit_rate)),
                already_placed=placed,
            )
        )
    return groups


def observed_hire_share(facts: Sequence[CitizenFacts], company_id: str) -> float | None:
    """The share of the cohort's placements so far that are hires into the partnership's company."""
    made = [placement for citizen in facts for placement in placements(effective_events(citizen.events))]
    if not made:
        return None
    return sum(1 for placement in made if placement.organisation_id == company_id) / len(made)
