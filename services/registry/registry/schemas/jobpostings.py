"""schema.org `JobPosting` JSON-LD (media type application/ld+json) and the `openings:import` body."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from registry.domain.imported_ads import AdFormat

LD = ConfigDict(populate_by_name=True, serialize_by_alias=True)
JSON_LD = "application/ld+json"


IMPORT_EXAMPLES: list[JsonValue] = [
    {
        "format": "jobtech-jobstream-v2",
        "items": [{"id": "24681357", "removed": True, "removed_date": "2026-11-30T09:12:00"}],
    }
]


class ImportRequest(BaseModel):
    """Published ads in their source's own shape; each is decided on its own (a result per item)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": IMPORT_EXAMPLES})

    format: AdFormat = Field(description="The source's schema and version: `jobtech-jobstream-v2` or `jobnet-v1`")
    items: list[Any] = Field(
        min_length=1, max_length=1000, description="Ads as the source publishes them (each a JSON object)"
    )


class LdNode(BaseModel):
    model_config = LD

    type: str = Field(alias="@type")


class LdCodeSet(LdNode):
    id: str | None = Field(default=None, alias="@id")
    name: str | None = None


class LdCategoryCode(LdNode):
    id: str | None = Field(default=None, alias="@id", description="The ESCO occupation URI")
    codeValue: str
    name: str | None = None
    inCodeSet: LdCodeSet | str | None = None


class LdPropertyValue(LdNode):
    propertyID: str
    value: str


class LdOrganization(LdNode):
    name: str | None = None
    identifier: LdPropertyValue | None = None


class LdGeoCoordinates(LdNode):
    latitude: float
    longitude: float


class LdPostalAddress(LdNode):
    addressCountry: str
    postalCode: str | None = None


class LdPlace(LdNode):
    address: LdPostalAddress
    geo: LdGeoCoordinates | None = None


class LdDefinedTerm(LdNode):
    id: str | None = Field(default=None, alias="@id")
    termCode: str
    name: str
    description: str = Field(description="essential or optional")


class JobPosting(LdNode):
    """https://schema.org/JobPosting with an ESCO `occupationalCategory`."""

    context: str = Field(alias="@context", examples=["https://schema.org/"])
    id: str = Field(alias="@id")
    identifier: LdPropertyValue
    title: str
    datePosted: str
    validThrough: str | None = None
    hiringOrganization: LdOrganization
    jobLocation: LdPlace
    employmentType: list[str]
    workHours: str
    totalJobOpenings: int
    occupationalCategory: LdCategoryCode
    skills: list[LdDefinedTerm]
    jobImmediateStart: bool


class JobPostingList(LdNode):
    """A page of JobPostings as a schema.org ItemList; pass `next_cursor` back as `cursor`."""

    context: str = Field(alias="@context")
    numberOfItems: int
    itemListElement: list[JobPosting]
    next_cursor: str | None = None
