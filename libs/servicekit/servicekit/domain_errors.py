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


class InvalidTokenRequest(BadRequest, slug="invalid-token-request", title="Invalid token request"):
    """RFC 6749 §5.2 errors other than invalid_client; `error=` carries the OAuth2 code."""


class Unauthenticated(DomainError, status=401, slug="unauthenticated", title="Authentication required"): ...


class Forbidden(DomainError, status=403, slug="forbidden", title="Forbidden"): ...


class NotFound(DomainError, status=404, slug="not-found", title="Not found"):
    """Absent, or another tenant's: the two are indistinguishable on purpose."""


class MethodNotAllowed(DomainError, status=405, slug="method-not-allowed", title="Method not allowed"):
    """The path exists; `Allow` names its methods."""


class Conflict(DomainError, status=409, slug="conflict", title="Conflict"): ...


class Gone(DomainError, status=410, slug="gone", title="Gone"):
    """It was there and is no more, on purpose (an erased citizen's stored answer)."""


class StaleVersion(DomainError, status=412, slug="precondition-failed", title="Precondition failed"):
    """An `If-Match` that no longer matches the stored version."""


class PayloadTooLarge(DomainError, status=413, slug="payload-too-large", title="Payload too large"):
    @classmethod
    def over(cls, limit: int) -> PayloadTooLarge:
        return cls(f"The body exceeds {limit} bytes.")


class UnsupportedMediaType(DomainError, status=415, slug="unsupported-media-type", title="Unsupported media type"): ...


def _naming(errors: Sequence[FieldError]) -> str:
    return "Invalid fields: " + ", ".join(error.field for error in errors[:5])


class ValidationFailed(DomainError, status=422, slug="validation-failed", title="Validation failed"):
    @classmethod
    def naming(cls, errors: Sequence[FieldError], **extra: Any) -> ValidationFailed:
        """`detail` names the first five fields; `errors` holds every one."""
        return cls(_naming(errors), errors=errors, **extra)


class InvalidField(ValidationFailed):
    """One named field is wrong: `InvalidField("benefit.since", "must not be in the future")`."""

    def __init__(self, field: str, message: str, *, code: str = "invalid", **extra: Any) -> None:
        errors = [FieldError(field, message, code)]
        super().__init__(_naming(errors), errors=errors, **extra)


class RefusionStatementRejected(
    ValidationFailed, slug="refusion-statement-rejected", title="Refusion statement rejected"
):
    """The state's refusion statement file cannot be imported; `errors` name its lines."""


class VersionRequired(DomainError, status=428, slug="precondition-required", title="Precondition required"):
    """A change that must name the version it was based on (`If-Match`) and did not."""


class TooManyRequests(DomainError, status=429, slug="rate-limited", title="Too many requests"):
    """Pass `retry_after=<seconds>`; the handler turns it into a Retry-After header."""


class InternalError(DomainError, status=500, slug="internal", title="Internal error"):
    """Never raised on purpose: the answer to a bug, which the log records."""


class ServiceUnavailable(DomainError, status=503, slug="service-unavailable", title="Service unavailable"):
    """Pass `retry_after=<seconds>` where the caller should simply try again."""


class UpstreamUnavailable(ServiceUnavailable, slug="upstream-unavailable"):
    """The gateway cannot reach the service behind the path."""


class CircuitOpen(ServiceUnavailable, slug="circuit-open"):
    """The gateway stopped calling a failing service for a while."""


class UpstreamTimeout(DomainError, status=504, slug="upstream-timeout", title="Gateway timeout"):
    """The service behind the path did not answer (or finish answering) in time."""


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


def _catalogue() -> dict[str, type[DomainError]]:
    types: dict[str, type[DomainError]] = {}
    pending = DomainError.__subclasses__()
    while pending:
        cls = pending.pop(0)
        types.setdefault(cls.slug, cls)
        pending.extend(cls.__subclasses__())
    return types


# Every problem type an answer can carry, by slug: the API guide lists them (a test compares).
# A service's own error subclasses one of these; it does not make up a type of its own.
PROBLEM_TYPES: dict[str, type[DomainError]] = _catalogue()
# The type answered for a bare status (a route Starlette did not find, a method it does not allow):
# the first class declared with that status.
ERROR_FOR_STATUS: dict[int, type[DomainError]] = {}
for _declared in PROBLEM_TYPES.values():
    ERROR_FOR_STATUS.setdefault(_declared.status, _declared)
