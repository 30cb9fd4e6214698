"""Who a contract may pay: the parties of the partnership it belongs to, never an id from elsewhere."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from servicekit.domain_errors import FieldError, ValidationFailed


@dataclass(frozen=True)
class PartnershipParties:
    """The organisations of a partnership as the registry feed reported them."""

    municipality: str
    provider_id: uuid.UUID | None
    company_id: uuid.UUID | None


def contract_company(
    *,
    parties: PartnershipParties | None,
    municipality: str,
    side: str,
    payee_id: uuid.UUID,
    company_id: uuid.UUID | None,
) -> uuid.UUID | None:
    """The company whose hires count (None on the citizen side unless named); 422 naming the field otherwise.

    The payee and the company are the partnership's own organisations: another municipality's
    organisation would otherwise be paid from this one's contract."""
    if parties is None or parties.municipality != municipality:
        raise ValidationFailed(
            "Unknown partnership.", errors=[FieldError("partnership_id", "unknown partnership", "unknown")]
        )
    if payee_id not in (parties.provider_id, parties.company_id):
        raise ValidationFailed(
            "The payee is not an organisation of the partnership.",
            errors=[FieldError("payee_id", "must be the partnership's provider or company", "unknown")],
        )
    if company_id is not None and company_id != parties.company_id:
        raise ValidationFailed(
            "The company is not the partnership's company.",
            errors=[FieldError("company_id", "must be the partnership's company", "unknown")],
        )
    company = company_id or (parties.company_id if side == "company_accelerator" else None)
    if side == "company_accelerator" and company is None:
        raise ValidationFailed(
            "The company side needs a company.", errors=[FieldError("company_id", "required", "missing")]
        )
    return company
