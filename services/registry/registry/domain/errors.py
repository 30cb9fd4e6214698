"""The registry's own domain errors (servicekit maps each by its base class: 409, 404 …)."""

from __future__ import annotations

from servicekit.domain_errors import Conflict, Gone

TAKEN_NATIONAL_ID = "This national id belongs to another citizen of the municipality."


class RegistrationNumberTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("An organisation of this kind with this registration number exists in the municipality.")


class OrganisationReferenced(Conflict):
    def __init__(self) -> None:
        super().__init__("The organisation is still referenced by a partnership, opening or enrolment.")


class PartnershipHasEnrolments(Conflict):
    def __init__(self) -> None:
        super().__init__("The partnership still has enrolments.")


class StoredAnswerGone(Gone):
    """What a replayed Idempotency-Key answers once the citizen its stored answer named is erased."""

    def __init__(self) -> None:
        super().__init__("The stored answer for this Idempotency-Key named a citizen who has since been erased.")


class WriteRace(Conflict):
    """A concurrent writer got there first (a unique violation or a deadlock inside a savepoint).

    Never answered as such: the citizen batch catches it and decides item by item under a lock.
    """

    def __init__(self) -> None:
        super().__init__("A concurrent write met this one; decide again under a lock.")
