from __future__ import annotations

from matching.domain.exposure import exposure


def test_group_ranked_out_shows_a_low_ratio() -> None:
    population = ["flexjob"] * 50 + ["cash_benefit"] * 50
    top_lists = [["cash_benefit"] * 9 + ["flexjob"]] * 3
    result = {g.target_group: g for g in exposure(population, top_lists)}
    assert result["flexjob"].citizen_share == 0.5
    assert result["flexjob"].slot_share == 0.1
    assert result["flexjob"].ratio == 0.2
    assert result["cash_benefit"].ratio == 1.8


def test_empty_lists_give_zero_slot_shares() -> None:
    [group] = exposure(["integration"], [])
    assert group.slots == 0
    assert group.ratio == 0.0
