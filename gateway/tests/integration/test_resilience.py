"""Timeouts, the circuit breaker and rate limits, against upstreams that stop and hang."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return dict(response.json())


async def poll_until(
    request: Callable[[], Any], done: Callable[[httpx.Response], bool], *, within: float = 10.0
) -> httpx.Response:
    """Bounded poll for a state the gateway reaches on its own (a breaker's cool-down)."""
    deadline = time.monotonic() + within
    while True:
        response: httpx.Response = await request()
        if done(response) or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.05)


def problem_type(response: httpx.Response) -> str:
    if response.headers.get("content-type") != "application/problem+json":
        return ""
    return str(response.json()["type"]).rsplit("/", 1)[-1]


def metric_value(exposition: str, sample: str) -> float:
    """The value of one sample line of a Prometheus text exposition (0 when absent)."""
    for line in exposition.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


PROBE_PATHS = {
    "registry": "/v1/citizens",
    "matching": "/v1/recommendations",
    "outcomes": "/v1/contracts",
    "webhooks": "/v1/webhooks",
}


@pytest.fixture(scope="module")
def resilient_gateway(start_gateway: Any, module_stubs: dict[str, Any]) -> Any:
    return start_gateway(
        module_stubs, breaker_failure_threshold="3", breaker_reset_seconds="0.5", upstream_timeout="1.0"
    )


@pytest.fixture
def headers(mint: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint()}"}


@pytest.fixture
async def fresh_stubs(resilient_gateway: Any, module_stubs: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """Every stub running and every breaker closed again, whatever the previous test did."""
    async with httpx.AsyncClient(base_url=resilient_gateway.url) as http:
        for name, stub in module_stubs.items():
            if stub.process is None:
                stub.start()
            healthy = await poll_until(
                lambda p=PROBE_PATHS[name]: http.get(p, headers=headers), lambda r: r.status_code == 200
            )
            assert healthy.status_code == 200
    return module_stubs


async def test_stopped_upstream_is_503_within_the_timeout(
    resilient_gateway: Any, fresh_stubs: dict[str, Any], headers: dict[str, str]
) -> None:
    fresh_stubs["matching"].stop()
    async with httpx.AsyncClient(base_url=resilient_gateway.url) as http:
        started = time.monotonic()
        response = await http.get("/v1/recommendations", headers=headers)
        elapsed = time.monotonic() - started
        problem = assert_problem(response, 503)
        assert problem["type"].endswith("/upstream-unavailable")
        assert elapsed < 1.0
        # The other services are unaffected.
        assert (await http.get("/v1/citizens", headers=headers)).status_code == 200


async def test_hanging_upstream_is_504_after_the_read_timeout(
    resilient_gateway: Any, fresh_stubs: dict[str, Any], headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=resilient_gateway.url, timeout=10) as http:
        started = time.monotonic()
        response = await http.get("/v1/evaluations/hang", headers=headers)
        elapsed = time.monotonic() - started
    assert assert_problem(response, 504)["type"].endswith("/upstream-timeout")
    assert 0.9 <= elapsed < 3.0


async def test_hanging_post_is_504_and_not_retried(
    resilient_gateway: Any, fresh_stubs: dict[str, Any], headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=resilient_gateway.url, timeout=10) as http:
        started = time.monotonic()
        response = await http.post("/v1/contracts/hang", json={"a": 1}, headers=headers)
        elapsed = time.monotonic() - started
    assert_problem(response, 504)
    assert elapsed < 1.9


async def test_requests_beyond_the_upstream_concurrency_wait_their_turn(
    start_gateway: Any, module_stubs: dict[str, Any], headers: dict[str, str]
) -> None:
    gateway = start_gateway(module_stubs, upstream_concurrency="2", upstream_timeout="1.0")
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as http:
        registry = module_stubs["registry"]
        hanging_before = httpx.get(f"{registry.url}/hanging").json()["hanging"]
        hanging = [asyncio.create_task(http.get(f"/v1/citizens/{i}/hang", headers=headers)) for i in range(2)]
        await poll_until(  # both hangs admitted: the registry's two places are taken
            lambda: http.get(f"{registry.url}/hanging"), lambda r: r.json()["hanging"] == hanging_before + 2
        )
        queued = asyncio.create_task(http.get("/v1/citizens", headers=headers))
        other = await http.get("/v1/contracts", headers=headers)  # another upstream is not held up
        assert other.status_code == 200
        # Unlimited, the echo answers in milliseconds; limited, not before a hang times out (1 s).
        answered_early, _ = await asyncio.wait({queued}, timeout=0.3)
        assert not answered_early
        assert [r.status_code for r in await asyncio.gather(*hanging)] == [504, 504]
        answered = await queued  # admitted once a hang timed out
    assert answered.status_code == 200
    assert answered.json()["service"] == "registry"


async def test_breaker_opens_after_repeated_failures_and_closes_after_recovery(
    resilient_gateway: Any, fresh_stubs: dict[str, Any], headers: dict[str, str]
) -> None:
    registry = fresh_stubs["registry"]
    async with httpx.AsyncClient(base_url=resilient_gateway.url) as http:
        registry.stop()
        for _ in range(2):  # two requests, each tried twice (GET retries once): 4 failures ≥ 3
            assert_problem(await http.get("/v1/citizens", headers=headers), 503)
        opened = assert_problem(await http.get("/v1/citizens", headers=headers), 503)
        assert opened["type"].endswith("/circuit-open")
        assert int((await http.get("/v1/citizens", headers=headers)).headers["retry-after"]) >= 1
        metrics = (await http.get("/metrics")).text
        assert 'gateway_breaker_open{upstream="registry"} 1.0' in metrics
        assert metric_value(metrics, 'gateway_refusals_total{reason="circuit-open",upstream="registry"}') >= 2
        assert metric_value(metrics, 'gateway_refusals_total{reason="upstream-unavailable",upstream="registry"}') >= 2
        registry.start()
        recovered = await poll_until(lambda: http.get("/v1/citizens", headers=headers), lambda r: r.status_code == 200)
        assert recovered.status_code == 200
        assert 'gateway_breaker_open{upstream="registry"} 0.0' in (await http.get("/metrics")).text
        for _ in range(5):
            assert (await http.get("/v1/citizens", headers=headers)).status_code == 200


async def test_failed_probe_opens_the_breaker_again(
    resilient_gateway: Any, fresh_stubs: dict[str, Any], headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=resilient_gateway.url) as http:
        fresh_stubs["outcomes"].stop()
        for _ in range(2):
            await http.get("/v1/contracts", headers=headers)
        assert assert_problem(await http.get("/v1/contracts", headers=headers), 503)["type"].endswith("/circuit-open")
        probe = await poll_until(
            lambda: http.get("/v1/contracts", headers=headers), lambda r: problem_type(r) == "upstream-unavailable"
        )
        assert problem_type(probe) == "upstream-unavailable"
        again = assert_problem(await http.get("/v1/contracts", headers=headers), 503)
        assert again["type"].endswith("/circuit-open")


@pytest.fixture(scope="module")
def limited_gateway(start_gateway: Any, stubs: dict[str, Any]) -> Any:
    return start_gateway(stubs, rate_limit="5/minute", token_failure_limit="2/minute")


async def test_rate_limit_answers_429_with_retry_after(limited_gateway: Any, mint: Callable[..., str]) -> None:
    limited = limited_gateway
    mine = {"Authorization": f"Bearer {mint(sub='busy-client')}"}
    other = {"Authorization": f"Bearer {mint(sub='quiet-client')}"}
    async with httpx.AsyncClient(base_url=limited.url) as http:
        statuses = [(await http.get("/v1/citizens", headers=mine)).status_code for _ in range(5)]
        assert statuses == [200] * 5
        refused = await http.get("/v1/citizens", headers=mine)
        assert_problem(refused, 429)
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert (await http.get("/v1/citizens", headers=other)).status_code == 200


async def test_failed_token_requests_are_limited_per_address(
    limited_gateway: Any, admin_credentials: tuple[str, str]
) -> None:
    form = {"grant_type": "client_credentials"}
    async with httpx.AsyncClient(base_url=limited_gateway.url) as http:
        for _ in range(3):  # successes do not count
            assert (await http.post("/v1/auth/token", data=form, auth=admin_credentials)).status_code == 200
        for _ in range(2):
            assert (await http.post("/v1/auth/token", data=form, auth=("nobody", "wrong"))).status_code == 401
        refused = await http.post("/v1/auth/token", data=form, auth=admin_credentials)
        assert_problem(refused, 429)
        assert int(refused.headers["retry-after"]) >= 1


async def test_readyz_fails_and_openapi_degrades_when_a_service_is_down(
    resilient_gateway: Any, fresh_stubs: dict[str, Any]
) -> None:
    fresh_stubs["outcomes"].stop()
    async with httpx.AsyncClient(base_url=resilient_gateway.url) as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["upstream:outcomes"].startswith("unreachable")
        document = (await http.get("/openapi.json")).json()
        assert document["info"]["x-unavailable-services"] == ["outcomes"]
        assert "/v1/models/{code}" in document["paths"]


async def test_only_idempotent_requests_are_retried(
    resilient_gateway: Any, fresh_stubs: dict[str, Any], headers: dict[str, str]
) -> None:
    """Seen through the breaker (threshold 3): a GET to a stopped service fails twice (one retry),
    a POST once, so two GETs open the breaker but three POSTs are needed."""
    fresh_stubs["matching"].stop()
    async with httpx.AsyncClient(base_url=resilient_gateway.url) as http:
        for _ in range(2):
            assert problem_type(await http.post("/v1/assignments", json={}, headers=headers)) == "upstream-unavailable"
        assert problem_type(await http.post("/v1/assignments", json={}, headers=headers)) == "upstream-unavailable"
        assert problem_type(await http.post("/v1/assignments", json={}, headers=headers)) == "circuit-open"

    fresh_stubs["outcomes"].stop()
    async with httpx.AsyncClient(base_url=resilient_gateway.url) as http:
        assert problem_type(await http.get("/v1/contracts", headers=headers)) == "upstream-unavailable"
        assert problem_type(await http.get("/v1/contracts", headers=headers)) == "upstream-unavailable"
        assert problem_type(await http.get("/v1/contracts", headers=headers)) == "circuit-open"
