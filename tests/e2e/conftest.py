"""End-to-end fixtures: every service started as a real process on loopback, through the gateway."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.databases import drop_database
from devstack.postgres import free_port
from devstack.stack import SERVICES, Stack, StackConfig


@pytest.fixture(scope="session")
def stack(postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    prefix = f"e2e_{uuid.uuid4().hex[:8]}"
    log_dir: Path = tmp_path_factory.mktemp("service-logs")
    config = StackConfig(
        gateway_port=free_port(),
        database_prefix=prefix,
        admin_url=postgres_admin_url,
        log_dir=log_dir,
        admin_client_id="e2e-admin",
        admin_client_secret="e2e-admin-secret-0123456789",
        esco_dir=os.environ.get("ESCO_DIR"),
        redis_url=os.environ.get("REDIS_URL"),
        extra_env={"gateway": {"GATEWAY_RATE_LIMIT": "100000/minute"}},
    )
    running = Stack(config).start()
    try:
        yield running
    finally:
        running.stop()
        for name in ("gateway", *SERVICES):
            asyncio.run(drop_database(postgres_admin_url, f"{prefix}_{name}"))


@pytest.fixture(scope="session")
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def admin_headers(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.admin_token()}"}


def service_logs(stack: Stack) -> str:
    """Everything every service wrote to its log so far (for the personal-data checks)."""
    return "\n".join(p.read_text(errors="replace") for p in stack.config.log_dir.glob("*.log"))
