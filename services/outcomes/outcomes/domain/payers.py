"""Who saves: each benefit type's payer from the rate card, and savings per payer (issue 15 §4).

Denmark: the municipality pays every benefit and the state refunds part of it (§3), so the payers are
`kommune` (the municipal saving) and `staten` (the state saving). Sweden: several payers finance work
integration (kommun, region, Försäkringskassan, Arbetsförmedlingen, jointly in a samordningsförbund);
the SE card maps each benefit type to its payer (`payers` {type: payer}, `default_payer`). A citizen's
saving is split by pricing, per payer, the part of the benefit history that payer pays; each payer's
monthly line is rounded on its own (§1), so payers' lines can differ from the total line by an øre.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from servicekit.domain_errors import InvalidField

from .benefits import Benefit, benefit_after
from .events import OutcomeEvent
from .savings import BenefitPath

MUNICIPAL_PAYER = "kommun"
"""The Swedish payer whose savings are the municipal saving of §6 (the others are reported beside it)."""
SWEDISH_PAYERS = ("kommun", "region", "forsakringskassan", "arbetsformedlingen")
DANISH_PAYERS = ("kommune", "staten")
BENEFIT_EVENTS = ("benefit_changed", "benefit_ended", "benefit_resumed")


def payer_map(document: Mapping[str, Any]) -> tuple[dict[str, str], str | None]:
    """A card's {benefit type: payer} and its default payer; values may be {"value": …, "source": …}."""
    raw = document.get("payers") or {}
    mapping: dict[str, str] = {}
    for benefit_type, entry in raw.items():
        payer = entry.get("value") if isinstance(entry, Mapping) else entry
        if not isinstance(payer, str) or not payer:
            raise InvalidField(f"payers.{benefit_type}", "a payer is a non-empty name")
        mapping[str(benefit_type)] = payer
    default = document.get("default_payer")
    if isinstance(default, Mapping):
        default = default.get("value")
    return mapping, (str(default) if default else None)


def payer_of(mapping: Mapping[str, str], default: str | None) -> Callable[[str], str]:
    """The payer of a benefit type; a type the card does not name goes to the default payer."""

    def payer(benefit_type: str) -> str:
        found = mapping.get(benefit_type, default)
        if found is None:
            raise InvalidField("payers", f"the rate card names no payer for {benefit_type!r} and no default_payer")
        return found

    return payer


def paths_by_payer(
    *,
    enrolled_on: date,
    since: date | None,
    at_enrolment: Benefit | None,
    events: Sequence[OutcomeEvent],
    payer: Callable[[str], str],
    payers: Sequence[str],
) -> dict[str, BenefitPath]:
    """One benefit path per payer: the costs that payer bears (0 on days another payer pays)."""
    changes = [
        (max(event.occurred_on, enrolled_on), benefit_after(event)) for event in events if event.type in BENEFIT_EVENTS
    ]
    on_support = at_enrolment is not None and since is not None
    result: dict[str, BenefitPath] = {}
    for name in payers:

        def cost(benefit: Benefit | None, name: str = name) -> int:
            return benefit.monthly_cost if benefit is not None and payer(benefit.type) == name else 0

        result[name] = BenefitPath(
            enrolled_on=enrolled_on,
            since=since if on_support else None,
            baseline_monthly=cost(at_enrolment) if on_support else 0,
            changes=tuple((day, cost(benefit)) for day, benefit in changes),
        )
    return result
