from datetime import date

import pytest

from outcomes.domain.approval import StatementState, decide, lines_digest, require_same_facts
from outcomes.domain.settlement import StatementLine
from servicekit.domain_errors import Conflict, Forbidden, ValidationFailed

DRAFT = StatementState("draft", "maker")


def test_a_second_client_approves_a_draft() -> None:
    transition = decide(DRAFT, "approve", actor="checker")
    assert transition is not None
    assert (transition.from_status, transition.to_status, transition.actor) == ("draft", "approved", "checker")


def test_the_maker_cannot_decide_its_own_statement() -> None:
    with pytest.raises(Forbidden):
        decide(DRAFT, "approve", actor="maker")
    with pytest.raises(Forbidden):
        decide(DRAFT, "reject", actor="maker", reason="no")


def test_approving_twice_changes_nothing() -> None:
    assert decide(StatementState("approved", "maker"), "approve", actor="checker") is None


def test_an_approved_statement_cannot_be_rejected() -> None:
    with pytest.raises(Conflict):
        decide(StatementState("approved", "maker"), "reject", actor="checker", reason="late")


def test_a_rejection_needs_a_reason() -> None:
    with pytest.raises(ValidationFailed) as error:
        decide(DRAFT, "reject", actor="checker", reason="  ")
    assert [item.field for item in error.value.errors] == ["reason"]


def test_changed_lines_are_changed_facts() -> None:
    line = StatementLine("c1", "placement_started", date(2024, 4, 1), "new", 500_000, 500_000, None, None)
    same = lines_digest([line])
    require_same_facts(same, lines_digest([line]))
    with pytest.raises(Conflict) as error:
        require_same_facts(same, lines_digest([]))
    assert error.value.extra["code"] == "facts-changed"
