from datetime import date

from outcomes.domain.calendar import Month, add_months, iso_week_monday, months_between, overlap_days


def test_add_months_rolls_the_31st_back_to_the_months_last_day() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 31), 3) == date(2024, 4, 30)
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)


def test_months_between_is_start_inclusive_end_exclusive() -> None:
    assert [str(m) for m in months_between(date(2024, 1, 15), date(2024, 3, 1))] == ["2024-01", "2024-02"]
    assert months_between(date(2024, 1, 1), date(2024, 1, 1)) == []


def test_month_days_and_order() -> None:
    assert Month(2024, 2).days == 29
    assert Month(2024, 12).next() == Month(2025, 1)
    assert Month(2025, 2).index_from(Month(2024, 12)) == 2
    assert Month.parse("2024-07") == Month(2024, 7)


def test_overlap_days_counts_half_open_ranges() -> None:
    assert overlap_days(date(2024, 4, 15), date(2024, 6, 1), date(2024, 4, 1), date(2024, 5, 1)) == 16


def test_iso_week_monday() -> None:
    assert iso_week_monday(date(2024, 1, 3)) == date(2024, 1, 1)
