"""The ledger check: the hash chain of a contract's lines, recomputed."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ChainBreakRead(BaseModel):
    row_id: int = Field(description="The first ledger line whose hashes do not match the lines before it")
    expected: str = Field(description="The hash recomputed from the stored lines")
    found: str | None = Field(description="The hash stored on the line")


class LedgerCheckRead(BaseModel):
    ok: bool
    rows: int = Field(description="Lines checked (up to and including the first broken one)")
    first_broken: ChainBreakRead | None
    head: str | None = Field(
        default=None, description="The last line's hash when the chain holds: keep it outside to anchor the chain"
    )
