"""The steps every batch upsert shares: per-item bookkeeping, admitting valid items, writing what changed.

A batch runs in the caller's transaction: each item is validated in Python (no database), the
valid ones are checked against the database in a few set-wise queries, and only the items whose
content differs from the stored row are written, with one statement for the rows and one for
their change-feed entries.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.violations import Violation, field_errors
from registry.feed import publish
from registry.store import municipalities as municipality_store
from registry.usecases.references import UNKNOWN_MUNICIPALITY
from registry.usecases.validation import pydantic_field_errors
from servicekit.batch import BatchItemResult, BatchResult, ItemStatus, ProblemDetails
from servicekit.errors import Conflict, DomainError, FieldError, ValidationFailed, problem_document

M = TypeVar("M", bound=BaseModel)
Key = tuple[str, str]  # (municipality, external_ref): what a batch item upserts by
# How a batch learns an item's municipality: the caller's own, or the one a national client names.
MunicipalityFor = Callable[[str | None], str]


def _validation_problem(errors: Sequence[FieldError]) -> dict[str, Any]:
    return problem_document(ValidationFailed.naming(errors))


def violations_problem(violations: Sequence[Violation]) -> dict[str, Any]:
    return _validation_problem(field_errors(violations))


def pydantic_problem(exc: ValidationError) -> dict[str, Any]:
    """Field errors without the rejected input (it may be a national id)."""
    return _validation_problem(pydantic_field_errors(exc, unnamed="item"))


def domain_problem(error: DomainError) -> dict[str, Any]:
    return problem_document(error)


def conflict_problem(detail: str, field_name: str) -> dict[str, Any]:
    return problem_document(Conflict(detail, errors=[FieldError(field_name, detail, "conflict")]))


@dataclass
class Pending:
    """A valid item waiting to be written: its place in the batch and its row values."""

    index: int
    values: dict[str, Any]

    @property
    def key(self) -> Key:
        return self.values["municipality"], self.values["external_ref"]


@dataclass
class BatchLedger:
    """Results by item index (an item is decided once: first error wins) and the items still pending."""

    size: int
    refs: dict[int, str | None] = field(default_factory=dict)
    results: dict[int, BatchItemResult] = field(default_factory=dict)
    pending: dict[Key, Pending] = field(default_factory=dict)

    # Results are built with model_construct: every value is ours and of the right type already, and
    # validating a thousand of them again per batch is measurable.
    def fail(self, index: int, problem: dict[str, Any]) -> None:
        if index not in self.results:
            self.results[index] = BatchItemResult.model_construct(
                index=index,
                external_ref=self.refs.get(index),
                status="error",
                id=None,
                problem=ProblemDetails.model_validate(problem),
            )

    def done(self, index: int, status: ItemStatus, row_id: uuid.UUID) -> None:
        self.results[index] = BatchItemResult.model_construct(
            index=index, external_ref=self.refs.get(index), status=status, id=str(row_id), problem=None
        )

    def failed(self, index: int) -> bool:
        return index in self.results and self.results[index].status == "error"

    def admit(self, index: int, values: dict[str, Any], violations: Sequence[Violation]) -> Pending | None:
        """Queue a valid item; fail one that breaks a rule or repeats an external_ref of this batch."""
        if violations:
            self.fail(index, violations_problem(violations))
            return None
        item = Pending(index, values)
        if item.key in self.pending:
            self.fail(index, conflict_problem("The external_ref appears twice in this batch.", "external_ref"))
            return None
        self.pending[item.key] = item
        return item

    def drop(self, key: Key, problem: dict[str, Any]) -> None:
        """Fail a pending item (a check against the database refused it)."""
        self.fail(self.pending.pop(key).index, problem)

    def result(self) -> BatchResult:
        return BatchResult.of([self.results[i] for i in range(self.size)])


def external_ref_of(raw: Any) -> str | None:
    value = raw.get("external_ref") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and len(value) <= 100 else None


def validated(
    items: Sequence[Any], ledger: BatchLedger, model: type[M], municipality_for: MunicipalityFor
) -> Iterator[tuple[int, M, str]]:
    """Each item that fits `model` and the caller's tenancy, with its municipality; the others fail."""
    for index, raw in enumerate(items):
        try:
            body = model.model_validate(raw)
            municipality = municipality_for(getattr(body, "municipality", None))
        except ValidationError as exc:
            ledger.fail(index, pydantic_problem(exc))
            continue
        except DomainError as exc:
            ledger.fail(index, domain_problem(exc))
            continue
        yield index, body, municipality


async def drop_unknown_municipalities(session: AsyncSession, ledger: BatchLedger) -> None:
    """Items naming a municipality the registry does not hold fail with 422."""
    known = await municipality_store.existing_codes(session, {key[0] for key in ledger.pending})
    for key in [key for key in ledger.pending if key[0] not in known]:
        ledger.drop(key, violations_problem([UNKNOWN_MUNICIPALITY]))


def settle_unchanged(
    ledger: BatchLedger, current: Mapping[Key, Any], same: Callable[[Pending, Any], bool]
) -> list[Pending]:
    """Record the items whose stored row holds their content already; the others, in batch order, to write."""
    to_write = []
    for item in sorted(ledger.pending.values(), key=lambda p: p.index):
        row = current.get(item.key)
        if row is not None and same(item, row):
            ledger.done(item.index, "unchanged", row.id)
        else:
            to_write.append(item)
    return to_write


Upsert = Callable[[AsyncSession, list[dict[str, Any]]], Awaitable[list[sa.Row[Any]]]]
Announce = Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[None]]


@dataclass(frozen=True)
class Collection:
    """What a batch writes: the entity's name on the feed, its bulk upsert, and (where the feed entry
    holds more than the item's values) how the store announces the written rows itself."""

    entity: str
    upsert: Upsert
    announce: Announce | None = None


async def write_changes(
    session: AsyncSession,
    ledger: BatchLedger,
    to_write: Sequence[Pending],
    *,
    current: Mapping[Key, Any],
    collection: Collection,
) -> None:
    """Upsert the items in one statement, record each result and put each change on the feed."""
    stored = await collection.upsert(session, [{**item.values, "id": uuid.uuid4()} for item in to_write])
    by_key = {(row.municipality, row.external_ref): row for row in stored}
    changes = []
    written_ids = []
    for item in to_write:
        row = by_key.get(item.key)
        if row is None:  # the statement found the content stored already (its own content-hash check)
            ledger.done(item.index, "unchanged", current[item.key].id)
            continue
        ledger.done(item.index, "created" if row.inserted else "updated", row.id)
        written_ids.append(row.id)
        if collection.announce is None:
            # The feed's data comes from the values just written (no need to read the rows back).
            written = SimpleNamespace(**item.values, id=row.id, updated_at=row.updated_at)
            changes.append(publish.upsert_change(collection.entity, written))
    if collection.announce is not None:
        await collection.announce(session, written_ids)
    else:
        await publish.upserted_many(session, changes)
