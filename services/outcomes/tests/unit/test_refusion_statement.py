"""The refusion statement file: parsing (whole file or nothing, errors by line) and reconciliation by hand."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from outcomes.domain.benefits import Benefit, benefit_path
from outcomes.domain.events import OutcomeEvent
from outcomes.domain.refusion import RefusionStaircase
from outcomes.domain.refusion_statement import (
    StatementRejected,
    computed_week,
    parse_statement,
    reconcile,
    summary,
)
from outcomes.domain.savings import BenefitPath

HEADER = "cpr;uge;ydelse;udbetalt;refusionsprocent;refusion\n"


def path() -> BenefitPath:
    """Kontanthjælp 12,770 kr. since 1 Jan 2025, enrolled 1 Mar, off benefit from 15 Apr."""
    return benefit_path(
        enrolled_on=date(2025, 3, 1),
        since=date(2025, 1, 1),
        at_enrolment=Benefit("kontanthjaelp_30plus", 1_277_000),
        events=[OutcomeEvent("e", "c", "benefit_ended", date(2025, 4, 15))],
    )


def test_parse_a_good_file() -> None:
    text = HEADER + "010190-1234;2025-W07;kontanthjaelp_30plus;3.192,50;40;1.277,00\n\n"
    (line,) = parse_statement(("\ufeff" + text).encode("utf-8"))
    assert (line.line, line.national_id, line.year, line.week) == (2, "0101901234", 2025, 7)
    assert (line.paid, line.share_percent, line.refund) == (319_250, Fraction(40), 127_700)
    assert parse_statement(text.encode("cp1252"))[0].monday == date(2025, 2, 10)


def test_a_bad_file_is_rejected_whole_with_line_numbers() -> None:
    text = (
        HEADER
        + "0101901234;2025-W07;kontanthjaelp_30plus;3.192,50;40;1.277,00\n"
        + "0101901234;2025-W54;kontanthjaelp_30plus;3.192,50;40;1.277,00\n"
        + "01019012;2025-W08;kontanthjaelp_30plus;3192.50;140;x\n"
        + "0101901234;2025-W07;kontanthjaelp_30plus;3.192,50;40;1.277,00\n"
        + "only;three;cells\n"
    )
    with pytest.raises(StatementRejected) as rejected:
        parse_statement(text)
    fields = [error.field for error in rejected.value.errors]
    assert fields == [
        "line 3: uge",
        "line 4: cpr",
        "line 4: udbetalt",
        "line 4: refusion",
        "line 4: refusionsprocent",
        "line 5: uge",
        "line 6: columns",
    ]
    assert rejected.value.status == 422


def test_a_wrong_header_names_line_one() -> None:
    with pytest.raises(StatementRejected) as rejected:
        parse_statement("cpr,uge,ydelse\n")
    assert rejected.value.errors[0].field == "line 1"


def test_computed_weeks_by_hand(staircase: RefusionStaircase) -> None:
    """W07 (10-16 Feb): 7/28 x 1,277,000 = 319,250 paid; support days before 10 Feb = 40 -> week 6 (40 %):
    refund 127,700.  W14 (31 Mar - 6 Apr): 1,277,000 x 1/31 + 1,277,000 x 6/30 = 41,193.55 + 255,400
    = 296,593.55 -> 296,594; weeks 13-14 (40 %): refund 118,637.42 -> 118,637.  W16 (14-20 Apr): only 14 Apr
    is paid: 1,277,000 / 30 = 42,566.67 -> 42,567, refund 17,026.67 -> 17,027."""
    assert computed_week(path(), staircase, date(2025, 2, 10)).paid == 319_250
    assert computed_week(path(), staircase, date(2025, 2, 10)).refund == 127_700
    w14 = computed_week(path(), staircase, date(2025, 3, 31))
    assert (w14.paid, w14.refund, w14.share_percent) == (296_594, 118_637, 40)
    w16 = computed_week(path(), staircase, date(2025, 4, 14))
    assert (w16.paid, w16.refund) == (42_567, 17_027)
    assert computed_week(path(), staircase, date(2025, 4, 21)).paid == 0


def test_reconciliation_report(staircase: RefusionStaircase) -> None:
    text = (
        HEADER
        + "0101901234;2025-W07;kontanthjaelp_30plus;3.192,50;40;1.277,00\n"
        + "0101901234;2025-W14;kontanthjaelp_30plus;2.965,94;80;2.372,75\n"
        + "0101901234;2025-W16;kontanthjaelp_30plus;425,67;40;200,00\n"
        + "0202021234;2025-W07;kontanthjaelp_30plus;3.192,50;40;1.277,00\n"
    )
    report = reconcile(parse_statement(text), {"0101901234": "c1"}, {"c1": path()}, staircase)
    assert [item.status for item in report] == ["match", "share_differs", "amount_differs", "unknown_citizen"]
    assert report[2].difference == 20_000 - 17_027
    assert report[3].citizen_id is None
    assert summary(report)["match"] == 1


def test_reconciliation_of_many_lines_equals_the_week_by_week_rule() -> None:
    """The vectorised reconciliation gives `computed_week`'s figures for every line: random histories with
    gaps long enough to restart the count (reset after 4 weeks here), weeks across month ends, unknown ids."""
    import random

    from outcomes.domain.refusion import RefusionBand
    from outcomes.domain.refusion_statement import StatementLine

    staircase = RefusionStaircase(
        [RefusionBand(1, Fraction(80)), RefusionBand(5, Fraction(40)), RefusionBand(27, Fraction(30))], reset_weeks=4
    )
    rng = random.Random(7)
    paths: dict[str, BenefitPath] = {}
    lines: list[StatementLine] = []
    for number in range(60):
        enrolled = date(2024, 1, 1).toordinal() + rng.randrange(0, 200)
        changes: list[OutcomeEvent] = []
        day = enrolled
        for step in range(rng.randrange(0, 6)):
            day += rng.randrange(1, 60)
            if rng.random() < 0.4:
                changes.append(OutcomeEvent(f"e{step}", "c", "benefit_ended", date.fromordinal(day)))
            else:
                data = {"type": "kontanthjaelp_30plus", "monthly_amount": rng.randrange(100_000, 2_000_000)}
                changes.append(OutcomeEvent(f"e{step}", "c", "benefit_resumed", date.fromordinal(day), data))
        since = date.fromordinal(enrolled - rng.randrange(0, 400)) if rng.random() < 0.9 else None
        citizen = f"c{number}"
        paths[citizen] = benefit_path(
            enrolled_on=date.fromordinal(enrolled),
            since=since,
            at_enrolment=Benefit("kontanthjaelp_30plus", 1_277_000),
            events=changes,
        )
        for week in rng.sample(range(1, 53), 5):
            lines.append(StatementLine(len(lines) + 2, f"{number:010d}", 2024, week, "b", 0, Fraction(40), 0))
    lines.append(StatementLine(len(lines) + 2, "9999999999", 2024, 3, "b", 0, Fraction(40), 0))
    citizen_of = {f"{number:010d}": f"c{number}" for number in range(60)}
    report = reconcile(lines, citizen_of, paths, staircase)
    assert report[-1].status == "unknown_citizen"
    for line, item in zip(lines[:-1], report[:-1], strict=True):
        expected = computed_week(paths[citizen_of[line.national_id]], staircase, line.monday)
        assert (item.computed_refund, item.computed_share_percent) == (expected.refund, expected.share_percent)
    # The sample reaches every band, weeks off benefit and restarted counts.
    assert {item.computed_share_percent for item in report[:-1]} >= {None, Fraction(80), Fraction(40), Fraction(30)}
