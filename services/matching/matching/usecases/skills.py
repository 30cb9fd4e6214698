"""Search the skill vocabulary by label (for front ends)."""

from __future__ import annotations

from taxonomy import Skill, Taxonomy


def search_skills(taxonomy: Taxonomy, q: str, *, limit: int) -> list[Skill]:
    """Skills whose label contains `q` (case-insensitive), shortest label first."""
    needle = q.casefold()
    found = sorted(
        (s for s in taxonomy.skills.values() if needle in s.label.casefold()),
        key=lambda s: (len(s.label), s.label),
    )
    return found[:limit]
