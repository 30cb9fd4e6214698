"""ISO 20022 pain.001.001.03 (customer credit transfer initiation) for a statement, made with sepaxml.

Presentation, like the CSV of a statement: the rules of what may be paid are domain/payments.py.
Not SEPA (DKK and SEK), so no SEPA service level; sepaxml validates the document against the ISO
schema it ships (the official pain.001.001.03 XSD) before it is returned.
"""

from __future__ import annotations

from sepaxml import SepaTransfer

from outcomes.domain.payments import CreditTransfer


def pain001(transfer: CreditTransfer) -> bytes:
    """One payment information block with one transaction: municipality -> payee."""
    document = SepaTransfer(
        {
            "name": transfer.debtor.name,
            "IBAN": transfer.debtor.account.iban,
            "BIC": transfer.debtor.account.bic,
            "batch": False,
            "currency": transfer.currency,
            "domestic": True,
        },
        schema="pain.001.001.03",
    )
    document.add_payment(
        {
            "name": transfer.creditor.name,
            "IBAN": transfer.creditor.account.iban,
            "BIC": transfer.creditor.account.bic,
            "amount": transfer.amount,
            "currency": transfer.currency,
            "execution_date": transfer.execution_date,
            "description": transfer.remittance,
            "endtoend_id": transfer.reference,
        }
    )
    xml: bytes = document.export(validate=True)
    return xml
