"""Rate cards by validity period: one card per country and period, never overwritten, each day priced with its card.

A card's period is `[valid_from, valid_to)` from its document (`valid_to` absent: open-ended); a card
without them covers its `year`. Two cards of one country may not overlap. A day is priced with the card
valid on it; a day no card covers is priced with the nearest card (the last one before it, or the first
one after it) and the period says so (`carried`), so an evaluation of this month does not fail the day
a new year starts before its card is published.

The savings engine prices a whole month at once; with several cards in a month the municipal line is
Σ over cards of the kept-share numerator over the days that card covers, still rounded once per month.
The refusion counter of each card follows that card's own `refusion_reset_weeks` (in the public
cards the reset is the same in every period, so the counter is one counter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from servicekit.domain_errors import Conflict, InvalidField, NotFound

from .calendar import Month
from .comparison import Pricer
from .money import IntArray, divide_half_away_array
from .ratecard import RateCard
from .refusion import BASIS_POINTS, RefusionStaircase
from .savings import CHUNK, LINES, MonthlySavings, PathArrays, _actual_cumulative, deadweight_municipal, monthly_savings


@dataclass(frozen=True)
class CardPeriod:
    """The days a card is valid: [valid_from, valid_to); valid_to None = open-ended."""

    card_id: str
    country: str
    valid_from: date
    valid_to: date | None

    def overlaps(self, other: CardPeriod) -> bool:
        """True when the two periods share a day."""
        self_end = self.valid_to or date.max
        other_end = other.valid_to or date.max
        return self.valid_from < other_end and other.valid_from < self_end

    def covers(self, day: date) -> bool:
        """True when the card is valid on `day`."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def period_of(card: RateCard) -> CardPeriod:
    """The validity period a card states (`valid_from` / `valid_to`), or its calendar year."""
    document = card.document
    try:
        valid_from = date.fromisoformat(str(document["valid_from"])) if document.get("valid_from") else None
        valid_to = date.fromisoformat(str(document["valid_to"])) if document.get("valid_to") else None
    except ValueError as error:
        raise InvalidField("valid_from", f"not a date: {error}") from error
    if valid_from is None:
        valid_from = date(card.year, 1, 1)
        valid_to = valid_to or date(card.year + 1, 1, 1)
    if valid_to is not None and valid_to <= valid_from:
        raise InvalidField("valid_to", "valid_to must be after valid_from")
    return CardPeriod(card.id, card.country, valid_from, valid_to)


def check_new_period(existing: Sequence[CardPeriod], new: CardPeriod) -> None:
    """A new card may not replace a card (409) nor overlap another card of its country (422)."""
    for period in existing:
        if period.card_id == new.card_id:
            raise Conflict(f"Rate card {new.card_id!r} exists; cards are never overwritten: add a new period.")
    for period in existing:
        if period.country == new.country and period.overlaps(new):
            raise InvalidField(
                "valid_from",
                f"[{new.valid_from}, {new.valid_to or '…'}) overlaps {period.card_id} "
                f"[{period.valid_from}, {period.valid_to or '…'}) of {new.country}",
                code="overlap",
            )


def card_on(periods: Sequence[CardPeriod], country: str, day: date) -> str:
    """The id of the card valid on `day` in `country` (NotFound when none covers it)."""
    for period in periods:
        if period.country == country and period.covers(day):
            return period.card_id
    raise NotFound(f"No rate card of {country} is valid on {day}.")


@dataclass(frozen=True)
class PricedSpan:
    """Days [start, end) priced with one card; `carried` when no card covers them and the nearest was used."""

    start: date
    end: date
    card_id: str
    carried: bool = False


def spans(periods: Sequence[CardPeriod], country: str, start: date, end: date) -> list[PricedSpan]:
    """Cover [start, end) with the country's cards, in order; gaps take the nearest card (carried)."""
    own = sorted((period for period in periods if period.country == country), key=lambda period: period.valid_from)
    if not own:
        raise NotFound(f"No rate card of {country}.")
    result: list[PricedSpan] = []
    day = start
    while day < end:
        current = next((period for period in own if period.covers(day)), None)
        if current is not None:
            stop = min(end, current.valid_to or end)
            result.append(PricedSpan(day, stop, current.card_id))
        else:
            following = next((period for period in own if period.valid_from > day), None)
            earlier = [period for period in own if period.valid_from <= day]
            nearest = earlier[-1] if earlier else following
            assert nearest is not None
            stop = min(end, following.valid_from) if following else end
            result.append(PricedSpan(day, stop, nearest.card_id, carried=True))
        day = stop
    return result


def monthly_savings_by_card(
    paths: PathArrays,
    months: Sequence[Month],
    cards: Sequence[tuple[date, date, RefusionStaircase]],
    *,
    deadweight: bool = False,
) -> MonthlySavings:
    """Monthly lines with each day's kept share from the card covering it (cards: [start, end) spans).

    With `deadweight` (a contract's option, §2) the baseline's kept share is multiplied by (1 - h)^k too."""
    if len(cards) == 1:
        return monthly_savings(paths, months, cards[0][2], deadweight=deadweight)
    if len(paths.enrolled) > CHUNK:
        parts = [
            monthly_savings_by_card(paths.slice(first, first + CHUNK), months, cards, deadweight=deadweight)
            for first in range(0, len(paths.enrolled), CHUNK)
        ]
        return MonthlySavings(
            tuple(months), *(np.concatenate([getattr(part, name) for part in parts]) for name in LINES)
        )
    plain = monthly_savings(paths, months, cards[0][2], deadweight=deadweight)
    base_kept_line = np.zeros((len(paths.enrolled), len(months)), dtype=np.int64)
    actual_kept_line = np.zeros((len(paths.enrolled), len(months)), dtype=np.int64)
    enrolled, since, base_cost = paths.enrolled[:, None], paths.since[:, None], paths.baseline_cost[:, None]
    for first, last, staircase in cards:
        low, high = first.toordinal(), last.toordinal()
        starts = [min(max(month.first_day.toordinal(), low), high) for month in months]
        ends = [min(max(month.end.toordinal(), low), high) for month in months]
        boundaries = sorted(set(starts) | set(ends))
        column = {day: index for index, day in enumerate(boundaries)}
        points = np.array(boundaries, dtype=np.int64)[None, :]
        covered_to = np.maximum(points, enrolled)
        base_kept = base_cost * (staircase.kept_sum(covered_to - since) - staircase.kept_sum(enrolled - since))
        _, actual_kept = _actual_cumulative(paths, points, staircase)
        at_ends, at_starts = [column[day] for day in ends], [column[day] for day in starts]
        base_kept_line += base_kept[:, at_ends] - base_kept[:, at_starts]
        actual_kept_line += actual_kept[:, at_ends] - actual_kept[:, at_starts]
    if deadweight:
        municipal = deadweight_municipal(paths, months, base_kept_line, actual_kept_line)
    else:
        days_in_month = np.array([month.days for month in months], dtype=np.int64)[None, :]
        kept = base_kept_line - actual_kept_line
        municipal = divide_half_away_array(kept, np.broadcast_to(days_in_month * BASIS_POINTS, kept.shape))
    return MonthlySavings(tuple(months), plain.baseline, plain.actual, plain.gross, municipal, plain.gross - municipal)


def card_pricer(cards: Sequence[tuple[date, date, RefusionStaircase]]) -> Pricer:
    """A §7 pricer that prices each day with the card covering it."""

    def price(arrays: PathArrays, months: Sequence[Month]) -> tuple[IntArray, IntArray]:
        lines = monthly_savings_by_card(arrays, months, cards)
        return lines.gross, lines.municipal

    return price


@dataclass(frozen=True)
class Pricing:
    """How the days of [start, end) are priced: (start, end, staircase) spans in order, the card of each span."""

    spans: list[tuple[date, date, RefusionStaircase]]
    span_card_ids: list[str]

    @property
    def card_ids(self) -> list[str]:
        """The ids of the cards used, in order."""
        return list(dict.fromkeys(self.span_card_ids))

    def card_ids_between(self, start: date, end: date) -> list[str]:
        """The ids of the cards that priced a day of [start, end), in order."""
        return list(
            dict.fromkeys(
                card_id
                for (first, last, _), card_id in zip(self.spans, self.span_card_ids, strict=True)
                if first < end and start < last
            )
        )


def staircases_for(
    periods: Sequence[CardPeriod], cards: dict[str, RateCard], country: str, start: date, end: date
) -> Pricing:
    """The (start, end, staircase) spans for [start, end) and the card of each, in order."""
    covered = spans(periods, country, start, end)
    return Pricing(
        [(span.start, span.end, cards[span.card_id].staircase) for span in covered],
        [span.card_id for span in covered],
    )
