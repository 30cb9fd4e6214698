"""Pieces several registry resources share: locations, skill references, pages of results."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# Danish postcodes have 4 digits, Swedish 5 (written "791 31" or "79131").
POSTCODE_PATTERN = r"^\d{4}$|^\d{3} ?\d{2}$"
CODE_MAX = 300
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$"


class Strict(BaseModel):
    """Request bodies reject unknown fields, so `id`, timestamps etc. cannot be mass-assigned."""

    model_config = ConfigDict(extra="forbid")


class BankAccount(Strict):
    """An account for payment files: IBAN (ISO 13616) and BIC (ISO 9362), checked with python-stdnum."""

    iban: str = Field(min_length=15, max_length=42, examples=["DK5000400440116243"])
    bic: str = Field(min_length=8, max_length=11, examples=["DABADKKK"])


class Location(Strict):
    postcode: str = Field(pattern=POSTCODE_PATTERN, examples=["4660"])
    lat: float = Field(ge=-90, le=90, examples=[55.42])
    lon: float = Field(ge=-180, le=180, examples=[12.30])
