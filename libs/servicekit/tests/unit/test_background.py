from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from servicekit.background import BackgroundLoop


class Scripted(BackgroundLoop):
    """Plays a list of rounds: True/False is the step's answer, an exception is raised; then it ends."""

    def __init__(self, rounds: list[bool | Exception], **timing: float) -> None:
        super().__init__("scripted", **timing)
        self.rounds = rounds
        self.errors_seen: list[str | None] = []

    async def step(self) -> bool:
        self.errors_seen.append(self.last_error)
        if not self.rounds:
            raise asyncio.CancelledError
        answer = self.rounds.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def rests(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The loop's waits, recorded instead of slept."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", record)
    return waits


async def test_rests_idle_only_when_a_round_left_nothing_waiting(rests: list[float]) -> None:
    loop = Scripted([True, True, False, True, False], idle_seconds=0.5)
    with pytest.raises(asyncio.CancelledError):
        await loop.run_forever()
    assert rests == [0.5, 0.5]


async def test_failures_back_off_doubling_to_the_cap_and_a_good_round_resets(rests: list[float]) -> None:
    failures: list[bool | Exception] = [OSError("away")] * 4
    loop = Scripted([*failures, False, ValueError("again")], idle_seconds=1.0, max_backoff_seconds=5.0)
    with pytest.raises(asyncio.CancelledError):
        await loop.run_forever()
    assert rests == [1.0, 2.0, 4.0, 5.0, 1.0, 1.0]


async def test_last_error_is_kept_until_a_round_succeeds(rests: list[float]) -> None:
    loop = Scripted([OSError("away"), KeyError("bug"), False], idle_seconds=1.0)
    with pytest.raises(asyncio.CancelledError):
        await loop.run_forever()
    assert loop.errors_seen == [None, "OSError", "KeyError", None]
    assert rests == [1.0, 1.0, 1.0]  # no max_backoff_seconds: no doubling


class Waiting(BackgroundLoop):
    def __init__(self) -> None:
        super().__init__("waiting", idle_seconds=1.0)
        self.started = 0
        self.release = asyncio.Event()

    async def step(self) -> bool:
        self.started += 1
        await self.release.wait()
        return True


async def test_start_runs_one_task_and_stop_ends_it() -> None:
    loop = Waiting()
    loop.start()
    loop.start()
    await asyncio.wait_for(_until(lambda: loop.started == 1), timeout=5)
    task = loop._task
    assert task is not None
    await loop.stop()
    assert task.cancelled()
    assert loop.started == 1
    assert loop._task is None
    await loop.stop()  # stopping a stopped loop is harmless


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0)  # yield to the loop's task; the caller's wait_for is the deadline
