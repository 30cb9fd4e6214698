import random

from webhooks.domain.backoff import RetryPolicy


def test_delays_double_until_the_cap() -> None:
    policy = RetryPolicy(base_seconds=5, max_seconds=60, max_attempts=8, jitter=0)
    assert policy.schedule() == [5, 10, 20, 40, 60, 60, 60]
    assert [policy.delay(n) for n in range(1, 8)] == policy.schedule()


def test_jitter_stays_within_its_spread() -> None:
    policy = RetryPolicy(base_seconds=10, max_seconds=1000, jitter=0.1)
    rng = random.Random(7)
    delays = [policy.delay(3, rng=rng) for _ in range(200)]
    assert all(36 <= d <= 44 for d in delays)
    assert len(set(delays)) > 1


def test_the_last_attempt_sends_the_delivery_to_the_dead_letter_list() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert not policy.exhausted(2)
    assert policy.exhausted(3)


def test_default_schedule_gives_up_after_about_ten_minutes() -> None:
    assert sum(RetryPolicy().schedule()) == 5 + 10 + 20 + 40 + 80 + 160 + 320
