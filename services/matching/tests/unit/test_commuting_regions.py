"""The national run's commuting regions: an official table where one is loaded, the approximation elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.domain.national import CommutingRegions, blocks, exhaustive_top, rank_block
from matching.domain.skill_space import SkillSpace
from matching.usecases.ranking_runs import commuting_regions

from .test_national import MODEL, lists_of, population

# Copenhagen (DK-0101) and Stevns (DK-0336) fall into different approximate regions; a table can
# put them into one commuting area.
ONE_AREA = CommutingRegions({"DK-0101": "hovedstaden", "DK-0336": "hovedstaden"}, source="test")


def test_the_table_decides_and_the_approximation_covers_what_it_does_not_list() -> None:
    assert ONE_AREA("DK-0101") == ONE_AREA("DK-0336") == "hovedstaden"
    assert ONE_AREA("DK-0461") == CommutingRegions()("DK-0461") == "DK-4"
    assert CommutingRegions()("DK-0101") != CommutingRegions()("DK-0336")


def test_a_table_read_from_csv_ignores_other_columns(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(
        "municipality,region,source\nDK-0101,hovedstaden,DST\nSE-0180,la-stockholm,SCB LA 2023\n", encoding="utf-8"
    )
    regions = commuting_regions(path)
    assert regions.source == "areas.csv"
    assert (regions("DK-0101"), regions("SE-0180"), regions("SE-0114")) == ("hovedstaden", "la-stockholm", "SE-01")
    assert commuting_regions(None)("DK-0101") == "DK-capital"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"municipality": "DK-0101", "region": ""}], "row 1: needs a municipality and a region"),
        ([{"municipality": "DK-0101", "region": "a"}, {"municipality": "DK-0101", "region": "b"}], "row 2: DK-0101"),
    ],
)
def test_a_bad_table_is_refused_naming_the_row(rows: list[dict[str, str]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CommutingRegions.from_rows(rows, source="areas.csv")


def test_blocks_follow_the_table_and_stay_exact(space: SkillSpace) -> None:
    citizens, openings = population(space, 1)
    work = blocks(space, citizens, openings, ONE_AREA)
    assert {b.region for b in work} == {"hovedstaden", "DK-4", "DK-8"}
    ours = lists_of(work, [rank_block(space, MODEL, block, top_n=20) for block in work])
    reference = exhaustive_top(space, MODEL, citizens, openings, top_n=20, regions=ONE_AREA)
    assert ours == reference
    # Stevns citizens now meet Copenhagen openings, which the approximation keeps apart.
    assert ours != exhaustive_top(space, MODEL, citizens, openings, top_n=20)
