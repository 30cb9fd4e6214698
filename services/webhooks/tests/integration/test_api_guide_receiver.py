"""The webhook receiver printed in docs/api.md verifies a real delivery and refuses a tampered one."""

import re
import threading
from datetime import UTC, datetime
from http.server import HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from webhooks.domain.signing import new_secret, signed_headers

GUIDE = Path(__file__).resolve().parents[4] / "docs" / "api.md"


@pytest.fixture
def guide_receiver(monkeypatch: pytest.MonkeyPatch) -> Any:
    snippet = re.search(r"```python\n(# receiver\.py.*?)```", GUIDE.read_text(), re.DOTALL)
    assert snippet, "docs/api.md has lost its receiver snippet"
    secret = new_secret()
    monkeypatch.setenv("BROBYGGER_WEBHOOK_SECRET", secret)
    namespace: dict[str, Any] = {"__name__": "guide_receiver"}
    exec(compile(snippet.group(1), "docs/api.md", "exec"), namespace)  # the snippet as printed
    server = HTTPServer(("127.0.0.1", 0), namespace["Receiver"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", secret, namespace
    server.shutdown()
    server.server_close()


def test_the_guides_receiver_accepts_a_signed_delivery_and_refuses_a_tampered_one(guide_receiver: Any) -> None:
    url, secret, namespace = guide_receiver
    body = b'{"data":{"citizen_id":"c1"},"timestamp":"2026-12-07T10:00:00+00:00","type":"citizen.enrolled"}'
    headers = signed_headers(secret, message_id="d1", timestamp=datetime.now(UTC), body=body)
    assert httpx.post(url, content=body, headers=headers).status_code == 204
    assert httpx.post(url, content=body, headers=headers).status_code == 204  # a retry: handled once
    assert namespace["seen"] == {"d1"}
    tampered = body.replace(b"c1", b"c2")
    assert httpx.post(url, content=tampered, headers=headers).status_code == 400
