"""The errors every service's domain raises on purpose, in plain Python (no web framework).

`servicekit.errors` maps them to RFC 9457 problem+json in one place; `PROBLEM_TYPES` below is the
one catalogue of problem types shared by all services (the API guide lists it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

PROBLEM_BASE = "https://brobygger.dk/problems/"


@dataclass(frozen=True)
class FieldError:
    """One rejected field: a dotted location and what is wrong with it."""

    field: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, "code": self.code}


class DomainError(Exception):
    """Base of every error a service raises on purpose. A subclass names its problem type on its class
    line, `class Gone(DomainError, status=410, slug="gone", title="Gone")`; what it leaves out it
    inherits (a more precise `Conflict` keeps 409)."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init_subclass__(
        cls, *, status: int | None = None, slug: str | None = None, title: str | None = None, **kw: Any
    ) -> None:
        super().__init_subclass__(**kw)
        if status is not None:
            cls.status = status
        if slug is not None:
            cls.slug = slug
        if title is not None:
            cls.title = title

    def __init__(self, detail: str = "", *, errors: Sequence[FieldError] = (), **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = list(errors)
        self.extra = extra


class BadRequest(DomainError):
    """The request cannot be read at all (unparseable JSON, a malformed header)."""


class Unauthenticated(DomainError, status=401, slug="unauthenticated", title="Authentication required"): ...


class Forbidden(DomainError, status=403, slug="forbidden", title="Forbidden"): ...


class NotFound(DomainError, status=404, slug="not-found", title="Not found"):
    """Absent, or another tenant's: the two are indistinguishable on purpose."""


class Conflict(DomainError, status=409, slug="conflict", title="Conflict"): ...


class StaleVersion(DomainError, status=412, slug="precondition-failed", title="Precondition failed"):
    """An `If-Match` that no longer matches the stored version."""


class VersionRequired(DomainError, status=428, slug="precondition-required", title="Precondition required"):
    """A change that must name the version it was based on (`If-Match`) and did not."""


class ValidationFailed(DomainError, status=422, slug="validation-failed", title="Validation failed"): ...


class InvalidField(ValidationFailed):
    """One named field is wrong: `InvalidField("benefit.since", "must not be in the future")`."""

    def __init__(self, field: str, message: str, *, code: str = "invalid", **extra: Any) -> None:
        super().__init__(f"Invalid fields: {field}", errors=[FieldError(field, message, code)], **extra)


class PayloadTooLarge(DomainError, status=413, slug="payload-too-large", title="Payload too large"): ...


class TooManyRequests(DomainError, status=429, slug="rate-limited", title="Too many requests"):
    """Pass `retry_after=<seconds>`; the handler turns it into a Retry-After header."""


class ServiceUnavailable(DomainError, status=503, slug="service-unavailable", title="Service unavailable"):
    """Pass `retry_after=<seconds>` where the caller should simply try again."""


def problem_document(error: DomainError, instance: str | None = None) -> dict[str, Any]:
    """The RFC 9457 body of `error` (servicekit.errors sends it; batches embed it per item)."""
    document: dict[str, Any] = {
        "type": PROBLEM_BASE + error.slug,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    if instance:
        document["instance"] = instance
    if error.errors:
        document["errors"] = [e.as_dict() for e in error.errors]
    document.update({k: v for k, v in error.extra.items() if k != "retry_after"})
    return document


# Older names, kept so the HTTP layer reads as HTTP where it is HTTP.
PreconditionFailed = StaleVersion
PreconditionRequired = VersionRequired


def _catalogue() -> dict[str, tuple[int, str]]:
    types: dict[str, tuple[int, str]] = {}
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        types.setdefault(cls.slug, (cls.status, cls.title))
        pending.extend(cls.__subclasses__())
    return types


# slug -> (status, title). The statuses the HTTP layer answers on its own (405, 406, 415, 500)
# are added by servicekit.errors.
PROBLEM_TYPES: dict[str, tuple[int, str]] = _catalogue()
