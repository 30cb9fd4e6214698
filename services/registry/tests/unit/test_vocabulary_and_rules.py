from __future__ import annotations

import datetime as dt

from registry.domain.asf import asf_violations
from registry.domain.codes import unknown_support_needs
from registry.domain.enrolment_rules import MilestoneDates, milestone_violations, participant_violations
from registry.domain.vocabulary import CORE_SUPPORT_NEEDS, is_support_need


def test_support_need_vocabulary_is_core_plus_custom_x_codes() -> None:
    assert all(is_support_need(code) for code in CORE_SUPPORT_NEEDS)
    assert is_support_need("x-sign-language")
    for bad in ("sign-language", "x-", "X-Caps", "x-" + "a" * 80, "mentor "):
        assert not is_support_need(bad)
    assert [v.field for v in unknown_support_needs("support_needs.{}.code", ["mentor", "nope"])] == [
        "support_needs.1.code"
    ]


def test_asf_criteria_belong_to_social_enterprises_only() -> None:
    all_met = dict.fromkeys(
        ("work_integration_purpose", "reinvests_profits", "participant_involvement", "independent_of_public_sector"),
        True,
    )
    assert asf_violations("social_enterprise", all_met) == []
    assert [v.field for v in asf_violations("social_enterprise", {**all_met, "reinvests_profits": False})] == [
        "asf_criteria.reinvests_profits"
    ]
    assert [v.code for v in asf_violations("company", all_met)] == ["not_allowed"]


def test_programme_decides_who_is_enrolled() -> None:
    assert participant_violations(programme="citizen_course", has_citizen=True, has_organisation=False) == []
    assert participant_violations(programme="company_accelerator", has_citizen=False, has_organisation=True) == []
    assert len(participant_violations(programme="company_accelerator", has_citizen=True, has_organisation=False)) == 2


def test_milestones_in_order() -> None:
    start = dt.date(2026, 2, 1)
    ok = [MilestoneDates("a", dt.date(2026, 3, 1), dt.date(2026, 2, 20))]
    assert milestone_violations(started_on=start, milestones=ok, today=dt.date(2026, 11, 1)) == []
    early = [MilestoneDates("a", dt.date(2026, 1, 1), dt.date(2026, 1, 5))]
    fields = [v.field for v in milestone_violations(started_on=start, milestones=early, today=dt.date(2026, 11, 1))]
    assert fields == ["milestones.0.due_on", "milestones.0.reached_on"]
