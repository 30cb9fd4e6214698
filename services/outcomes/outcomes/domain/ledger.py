"""The tamper-evident ledger: a SHA-256 hash chain per contract over each line's canonical content.

Each ledger line stores the hash of the contract's previous line (`prev_hash`, 64 zeros for the
first) and its own `row_hash` = hex SHA-256 of UTF-8 "brobygger-ledger-v1\n" + prev_hash + "\n" +
canonical content. Changing, removing or reordering any stored line breaks the chain at that line,
so an auditor recomputing it from the rows alone finds the first line that no longer matches.

The canonical content lists CANONICAL_FIELDS in order, each as `<length>:<text>;` (length in
characters) or `N;` when absent: ids as lower-case UUID text, dates ISO 8601, amounts integer øre
in decimal. Length-prefixing makes it unambiguous whatever a text holds, and it is as easy to
produce in SQL as in Python, so the database can check a million lines itself (store/settlements.py
does, with the same definition; this module is the reference the tests hold it to).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

GENESIS = "0" * 64
CANONICAL_FIELDS = (
    "settlement_id",
    "municipality",
    "contract_id",
    "citizen_id",
    "target_group",
    "name",
    "reached_on",
    "kind",
    "entitled",
    "amount",
    "reason",
    "period_from",
)
FORM = "brobygger-ledger-v1"


def _text(value: Any) -> str:
    if value is None:
        return "N;"
    text = value.isoformat() if isinstance(value, date) else str(value)
    return f"{len(text)}:{text};"


def canonical_content(values: Sequence[Any]) -> str:
    """The canonical text of one line: its CANONICAL_FIELDS values, in that order."""
    return "".join(_text(value) for value in values)


def line_hash(prev_hash: str, values: Sequence[Any]) -> str:
    """SHA-256 over the form, the previous line's hash and this line's canonical content."""
    return hashlib.sha256(f"{FORM}\n{prev_hash}\n{canonical_content(values)}".encode()).hexdigest()


def chain(prev_hash: str, lines: Iterable[Sequence[Any]]) -> list[tuple[str, str]]:
    """(prev_hash, row_hash) for lines appended after a line whose hash is `prev_hash`."""
    hashes = []
    for values in lines:
        row_hash = line_hash(prev_hash, values)
        hashes.append((prev_hash, row_hash))
        prev_hash = row_hash
    return hashes


@dataclass(frozen=True)
class ChainBreak:
    """The first stored line that does not match the chain recomputed from the lines before it."""

    row_id: int
    expected: str
    found: str | None


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    rows: int
    first_broken: ChainBreak | None


def verify_chain(rows: Iterable[tuple[int, str | None, str | None, Sequence[Any]]]) -> ChainCheck:
    """Recompute a contract's chain from (id, prev_hash, row_hash, canonical values) in id order."""
    expected_prev = GENESIS
    count = 0
    for row_id, prev_hash, row_hash, values in rows:
        count += 1
        if prev_hash != expected_prev:
            return ChainCheck(False, count, ChainBreak(row_id, expected_prev, prev_hash))
        expected = line_hash(expected_prev, values)
        if row_hash != expected:
            return ChainCheck(False, count, ChainBreak(row_id, expected, row_hash))
        expected_prev = expected
    return ChainCheck(True, count, None)
