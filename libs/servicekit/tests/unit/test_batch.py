"""The one batch result shape: a summary that counts what the items say, problems as single writes have them."""

from __future__ import annotations

from servicekit.batch import BatchItemResult, BatchResult, problem_details
from servicekit.domain_errors import InvalidField, NotFound, problem_document


def test_summary_counts_each_status() -> None:
    items = [
        BatchItemResult(index=0, id="a", status="created"),
        BatchItemResult(index=1, id="b", status="created"),
        BatchItemResult(index=2, status="error", problem=problem_details(NotFound("Citizen not found."))),
        BatchItemResult(index=3, id="c", status="unchanged"),
    ]
    summary = BatchResult.of(items).summary
    assert (summary.created, summary.updated, summary.unchanged, summary.error) == (2, 0, 1, 1)


def test_item_problem_names_the_field_like_a_single_write() -> None:
    error = InvalidField("benefit.monthly_amount", "must not be negative")
    problem = problem_details(error)
    assert problem.model_dump(exclude_none=True) == problem_document(error)
    assert problem.status == 422
    assert [e.field for e in problem.errors] == ["benefit.monthly_amount"]


def test_retry_after_is_a_header_not_part_of_the_document() -> None:
    from servicekit.domain_errors import ServiceUnavailable

    assert "retry_after" not in problem_document(ServiceUnavailable("later", retry_after=2))
