import uuid
from datetime import date

import pytest

from outcomes.domain.contracts import PartnershipParties, contract_company
from outcomes.domain.settlement import require_settlement_period
from servicekit.domain_errors import ValidationFailed

PROVIDER, COMPANY, STRANGER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
PARTIES = PartnershipParties("DK-0336", PROVIDER, COMPANY)


def fields(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [item.field for item in error.value.errors]


def test_company_side_defaults_to_the_partnerships_company() -> None:
    company = contract_company(
        parties=PARTIES, municipality="DK-0336", side="company_accelerator", payee_id=COMPANY, company_id=None
    )
    assert company == COMPANY


def test_citizen_side_names_no_company_unless_asked() -> None:
    assert (
        contract_company(
            parties=PARTIES, municipality="DK-0336", side="citizen_course", payee_id=PROVIDER, company_id=None
        )
        is None
    )


def test_another_municipalitys_partnership_is_unknown() -> None:
    with pytest.raises(ValidationFailed) as error:
        contract_company(
            parties=PARTIES, municipality="DK-0849", side="citizen_course", payee_id=PROVIDER, company_id=None
        )
    assert fields(error) == ["partnership_id"]


def test_a_payee_outside_the_partnership_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        contract_company(
            parties=PARTIES, municipality="DK-0336", side="citizen_course", payee_id=STRANGER, company_id=None
        )
    assert fields(error) == ["payee_id"]


def test_a_foreign_company_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        contract_company(
            parties=PARTIES, municipality="DK-0336", side="citizen_course", payee_id=PROVIDER, company_id=STRANGER
        )
    assert fields(error) == ["company_id"]


def test_settlement_periods_are_whole_ended_months() -> None:
    require_settlement_period(date(2024, 1, 1), date(2024, 4, 1), date(2024, 4, 1))
    with pytest.raises(ValidationFailed) as error:
        require_settlement_period(date(2024, 1, 2), date(2024, 4, 1), date(2025, 1, 1))
    assert fields(error) == ["from"]
    with pytest.raises(ValidationFailed) as error:
        require_settlement_period(date(2024, 4, 1), date(2024, 4, 1), date(2025, 1, 1))
    assert fields(error) == ["to"]
    with pytest.raises(ValidationFailed) as error:
        require_settlement_period(date(2024, 1, 1), date(2024, 6, 1), date(2024, 4, 1))
    assert [item.code for item in error.value.errors] == ["future"]
