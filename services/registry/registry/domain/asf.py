"""The four criteria of a Swedish work-integration social enterprise (ASF, Tillväxtverket).

An arbetsintegrerande socialt företag (1) has work integration of people far from the labour
market as its main purpose, (2) reinvests its profits in its own or similar activities,
(3) gives its employees a say through ownership, agreements or other documented means, and
(4) is organisationally independent of the public sector. The registry applies them to every
social enterprise, Danish (registreret socialøkonomisk virksomhed) or Swedish.
"""

from __future__ import annotations

from collections.abc import Mapping

from registry.domain.violations import Violation

ASF_CRITERIA = (
    "work_integration_purpose",
    "reinvests_profits",
    "participant_involvement",
    "independent_of_public_sector",
)


def asf_violations(kind: str, criteria: Mapping[str, bool] | None) -> list[Violation]:
    """Social enterprises meet all four criteria; other kinds carry none."""
    if kind != "social_enterprise":
        if criteria is not None:
            return [Violation("asf_criteria", "only social enterprises carry ASF criteria", "not_allowed")]
        return []
    if criteria is None:
        return [Violation("asf_criteria", "a social enterprise states the four ASF criteria", "missing")]
    return [
        Violation(f"asf_criteria.{name}", "a social enterprise meets this ASF criterion", "criterion_not_met")
        for name in ASF_CRITERIA
        if not criteria.get(name, False)
    ]
