"""The tamper-evident ledger: a SHA-256 hash chain per contract over each line's canonical content.

Each ledger line stores the hash of the contract's previous line (`prev_hash`, 64 zeros for the
first) and its own `row_hash` = SHA-256(prev_hash + "\\n" + canonical content). Changing, removing
or reordering any stored line breaks every hash after it, so an auditor recomputing the chain from
the rows alone finds the first line that no longer matches. The canonical content is a JSON array
of the fields below in this order (dates ISO 8601, ids as lower-case UUID text, amounts integer
øre, absent values null), UTF-8, no spaces: version 1 of the form, named in the hash input.
"""

from __future__ import annotations

import hashlib
import json
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
_FORM = b"brobygger-ledger-v1\n"


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # UUIDs


def canonical_content(values: Sequence[Any]) -> bytes:
    """The canonical bytes of one line: its CANONICAL_FIELDS values, in that order."""
    return json.dumps([_plain(value) for value in values], separators=(",", ":"), ensure_ascii=False).encode()


def line_hash(prev_hash: str, values: Sequence[Any]) -> str:
    """SHA-256 over the previous line's hash and this line's canonical content."""
    return hashlib.sha256(_FORM + prev_hash.encode() + b"\n" + canonical_content(values)).hexdigest()


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
