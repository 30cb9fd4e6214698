from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from webhooks.domain.signing import new_secret, signed_headers


def test_a_receiver_verifies_the_signature_with_the_standard_library() -> None:
    secret = new_secret()
    body = b'{"data":{"citizen_id":"c1"},"type":"citizen.enrolled"}'
    headers = signed_headers(secret, message_id="msg_1", timestamp=datetime.now(UTC), body=body)
    assert Webhook(secret).verify(body, headers) == {"data": {"citizen_id": "c1"}, "type": "citizen.enrolled"}


def test_a_changed_body_fails_verification() -> None:
    secret = new_secret()
    headers = signed_headers(secret, message_id="msg_1", timestamp=datetime.now(UTC), body=b'{"a":1}')
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"a":2}', headers)


def test_another_secret_fails_verification() -> None:
    headers = signed_headers(new_secret(), message_id="msg_1", timestamp=datetime.now(UTC), body=b"{}")
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(b"{}", headers)


def test_headers_follow_the_specification() -> None:
    moment = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    headers = signed_headers(new_secret(), message_id="msg_1", timestamp=moment, body=b"{}")
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == str(int(moment.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")


def test_secrets_are_fresh_and_in_whsec_form() -> None:
    first, second = new_secret(), new_secret()
    assert first != second
    assert first.startswith("whsec_")
