import uuid
from datetime import date

from outcomes.domain.ledger import GENESIS, chain, verify_chain

CONTRACT = uuid.UUID("5b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d")


def line(amount: int, citizen: int = 1) -> list[object]:
    return [
        uuid.UUID(int=99),
        "DK-0336",
        CONTRACT,
        uuid.UUID(int=citizen),
        "cash_benefit",
        "placement_started",
        date(2024, 4, 15),
        "new",
        amount,
        amount,
        None,
        None,
    ]


def stored(lines: list[list[object]]) -> list[tuple[int, str | None, str | None, list[object]]]:
    hashes = chain(GENESIS, lines)
    return [
        (index + 1, prev, row, values) for index, ((prev, row), values) in enumerate(zip(hashes, lines, strict=True))
    ]


def test_an_untouched_chain_verifies() -> None:
    rows = stored([line(500_000), line(1_000_000, 2), line(-500_000)])
    check = verify_chain(rows)
    assert (check.ok, check.rows, check.first_broken) == (True, 3, None)


def test_a_changed_amount_breaks_the_chain_at_that_row() -> None:
    rows = stored([line(500_000), line(1_000_000, 2), line(-500_000)])
    row_id, prev, row_hash, values = rows[1]
    rows[1] = (row_id, prev, row_hash, [*values[:9], 9_999_999, *values[10:]])
    check = verify_chain(rows)
    assert not check.ok
    assert check.first_broken is not None
    assert check.first_broken.row_id == 2
    assert check.first_broken.found == row_hash


def test_a_removed_row_breaks_the_next_link() -> None:
    rows = stored([line(1), line(2), line(3)])
    check = verify_chain([rows[0], rows[2]])
    assert check.first_broken is not None
    assert check.first_broken.row_id == 3


def test_hashes_are_stable_across_runs() -> None:
    (prev, row_hash), *_ = chain(GENESIS, [line(500_000)])
    assert prev == GENESIS
    assert row_hash == chain(GENESIS, [line(500_000)])[0][1]
    assert len(row_hash) == 64
