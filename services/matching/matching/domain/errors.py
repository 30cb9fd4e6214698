"""Matching's own domain errors (servicekit maps them to problem+json; the slug stays `conflict`,
the `reason` field tells them apart)."""

from __future__ import annotations

from servicekit.domain_errors import Conflict


class NoMatchingConsent(Conflict):
    """Citizens are never scored without consent to matching."""

    def __init__(self) -> None:
        super().__init__(
            "The citizen has not consented to matching (consent.matching is false or missing); "
            "citizens are never scored without it.",
            reason="no_matching_consent",
        )


class OpeningNotOpen(Conflict):
    """Only open openings are matched."""

    def __init__(self, status: str) -> None:
        super().__init__(f"The opening is {status}; only open openings are matched.", reason="opening_not_open")
