"""Citizens as columns: built a chunk at a time or at once, encoded whole or a slice at a time, the same."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from matching.domain.blocks import citizen_block, opening_block
from matching.domain.citizen_columns import CitizenColumnsBuilder, citizen_columns
from matching.domain.skill_space import SkillSpace

from .conftest import citizen, opening
from .test_national import population


def assert_same_matrix(got: sparse.csr_matrix, expected: sparse.csr_matrix) -> None:
    assert got.shape == expected.shape
    assert (got != expected).nnz == 0


def code_sets(matrix: sparse.csr_matrix, codes: tuple[str, ...]) -> list[frozenset[str]]:
    return [frozenset(codes[j] for j in matrix[i].indices) for i in range(matrix.shape[0])]


def test_columns_built_in_chunks_equal_columns_built_at_once(space: SkillSpace) -> None:
    citizens, _ = population(space, 1)
    builder = CitizenColumnsBuilder(space)
    for start in range(0, len(citizens), 11):
        builder.add(citizens[start : start + 11])
    chunked, whole = builder.build(), citizen_columns(space, citizens)
    assert chunked.ids.tolist() == whole.ids.tolist() == [c.id for c in citizens]
    assert_same_matrix(chunked.skills, whole.skills)
    for name, codes in (("essential_needs", "supports"), ("other_needs", "supports"), ("interests", "occupations")):
        # Codes are numbered as they are met, so the columns may differ; what each citizen names may not.
        got = code_sets(getattr(chunked, name), getattr(chunked, codes))
        assert got == code_sets(getattr(whole, name), getattr(whole, codes))
    assert code_sets(whole.other_needs, whole.supports) == [
        c.other_support_needs - c.essential_support_needs for c in citizens
    ]
    for name in ("capacity", "flexjob", "lat", "lon"):
        np.testing.assert_array_equal(getattr(chunked, name), getattr(whole, name))


def test_a_slice_of_columns_encodes_as_those_rows_of_the_whole(space: SkillSpace) -> None:
    citizens, openings = population(space, 2)
    obox = opening_block(space, openings)
    columns = citizen_columns(space, citizens)
    whole = citizen_block(space, obox, columns)
    part = citizen_block(space, obox, columns.rows(30, 70))
    assert part.ids == whole.ids[30:70]
    for name in ("skills", "credit", "tfidf", "interests"):
        assert_same_matrix(getattr(part, name), sparse.csr_matrix(getattr(whole, name)[30:70]))
    for name in ("essential_needs", "other_needs"):  # the openings' support codes only grow
        width = getattr(part, name).shape[1]
        assert_same_matrix(getattr(part, name), sparse.csr_matrix(getattr(whole, name)[30:70, :width]))
    np.testing.assert_array_equal(part.specificity_mass, whole.specificity_mass[30:70])


def test_needs_join_the_openings_support_codes_and_unknown_interests_are_dropped(space: SkillSpace) -> None:
    obox = opening_block(space, [opening(support_offered=frozenset({"mentor"}))])
    person = citizen(
        essential_support_needs=frozenset({"quiet_environment"}),
        other_support_needs=frozenset({"mentor", "quiet_environment"}),
        interests=frozenset({"bb:occupation:kitchen-porter", "bb:occupation:unheard-of"}),
    )
    cbox = citizen_block(space, obox, [person])
    mentor, quiet = obox.support_index.index["mentor"], obox.support_index.index["quiet_environment"]
    assert cbox.essential_needs[0].indices.tolist() == [quiet]
    assert cbox.other_needs[0].indices.tolist() == [mentor]
    assert cbox.interests.shape[1] == len(obox.occupation_index)
    assert cbox.interests[0].indices.tolist() == [obox.occupation_index.index["bb:occupation:kitchen-porter"]]
