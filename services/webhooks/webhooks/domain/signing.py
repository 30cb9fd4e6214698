"""Standard Webhooks signatures (https://www.standardwebhooks.com), with the specification's own library.

Each delivery is sent with `webhook-id` (the delivery id: the same on every retry, so a receiver
can drop duplicates), `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>`
of `id.timestamp.body` under the subscription's secret).
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret in the specification's `whsec_<base64>` form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signed_headers(secret: str, *, message_id: str, timestamp: datetime, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for `body`."""
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }
