"""With Redis, every gateway replica counts against the same per-client window."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from devstack.postgres import free_port

REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # bounded readiness poll
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.02)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


async def test_replicas_share_the_window_in_redis(
    start_gateway: Any, stubs: dict[str, Any], redis_url: str, mint: Callable[..., str]
) -> None:
    first = start_gateway(stubs, rate_limit="3/minute", redis_url=redis_url, wait=False)
    second = start_gateway(stubs, rate_limit="3/minute", redis_url=redis_url, wait=False)
    first.wait_ready()
    second.wait_ready()
    headers = {"Authorization": f"Bearer {mint(sub='shared-client')}"}
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"{first.url}/v1/citizens", headers=headers)).status_code == 200
        assert (await http.get(f"{second.url}/v1/citizens", headers=headers)).status_code == 200
        assert (await http.get(f"{first.url}/v1/citizens", headers=headers)).status_code == 200
        refused = await http.get(f"{second.url}/v1/citizens", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1
