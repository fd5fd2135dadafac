"""Health bookkeeping and the monitor that tells the admins, on a clock moved by hand."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.service.health import Health, HealthMonitor
from tests.web.clock import TOKYO, ManualClock


def test_healthy_by_default_and_leader() -> None:
    health = Health()
    assert health.problems(ManualClock().now) == []
    assert health.role == "leader"


def test_pushed_problem_until_cleared() -> None:
    health, now = Health(), ManualClock().now
    health.set("telegram", "Telegram unreachable: connection refused")
    health.set("git", "git fetch failed: could not resolve host")
    assert health.problems(now) == [
        "git fetch failed: could not resolve host",
        "Telegram unreachable: connection refused",
    ]
    health.set("telegram", None)
    assert health.problems(now) == ["git fetch failed: could not resolve host"]
    health.set("never-set", None)  # clearing what is not there is fine


def test_worker_stuck_after_sixty_seconds() -> None:
    health, clock = Health(), ManualClock()
    health.busy("tg-news", clock.now)
    assert health.problems(clock.advance(60)) == []
    assert health.problems(clock.advance(15)) == ["outbox worker tg-news stuck for 75 s"]
    health.idle("tg-news")
    assert health.problems(clock.now) == []


def test_a_new_request_restarts_the_stuck_timer() -> None:
    health, clock = Health(), ManualClock()
    health.busy("dc-news", clock.now)
    clock.advance(50)
    health.busy("dc-news", clock.now)
    assert health.problems(clock.advance(50)) == []


def test_ended_worker_is_a_problem_until_it_runs_again() -> None:
    health, now = Health(), ManualClock().now
    health.ended("dc-news", "RuntimeError: database is locked")
    assert health.problems(now) == ["outbox worker dc-news ended: RuntimeError: database is locked"]
    health.idle("dc-news")
    assert health.problems(now) == []
    health.ended("dc-news", "gone")
    health.forget("dc-news")
    assert health.problems(now) == []


def test_probe_is_polled_with_the_time_asked() -> None:
    health, clock = Health(), ManualClock()
    last_run = clock.now

    def scheduler(now: datetime) -> str | None:
        return "scheduler stopped" if now - last_run > timedelta(minutes=5) else None

    health.register("scheduler", scheduler)
    assert health.problems(clock.advance(60)) == []
    assert health.problems(clock.advance(300)) == ["scheduler stopped"]
    health.unregister("scheduler")
    assert health.problems(clock.now) == []


def test_a_failing_probe_is_a_problem_not_a_crash() -> None:
    health = Health()

    def broken(now: datetime) -> str | None:
        raise KeyError("boom")

    health.register("scheduler", broken)
    assert health.problems(ManualClock().now) == [
        "scheduler: the health check itself failed (KeyError)"
    ]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.failures = 0

    async def __call__(self, text: str) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Telegram unreachable")
        self.messages.append(text)


def monitor(health: Health, clock: ManualClock, inbox: Inbox) -> HealthMonitor:
    return HealthMonitor(health, inbox, clock=clock, report_after=180.0, interval=15.0)


async def test_reported_once_after_180_seconds_and_recovery_once() -> None:
    health, clock, inbox = Health(), ManualClock(), Inbox()
    mon = monitor(health, clock, inbox)
    health.set("telegram", "Telegram unreachable: timed out")
    for _ in range(12):  # 0 … 165 s
        await mon.check(clock.now)
        clock.advance(15)
    assert inbox.messages == []
    await mon.check(clock.now)  # 180 s
    assert inbox.messages == ["⚠️ Health: Telegram unreachable: timed out since 12:03"]
    for _ in range(10):
        await mon.check(clock.advance(15))
    assert len(inbox.messages) == 1
    health.set("telegram", None)
    await mon.check(clock.advance(15))
    await mon.check(clock.advance(15))
    assert inbox.messages[1:] == [
        "✅ Recovered: Telegram unreachable: timed out (from 12:03 to 12:08)"
    ]


async def test_stuck_worker_reported_with_its_latest_duration() -> None:
    health, clock, inbox = Health(), ManualClock(), Inbox()
    mon = monitor(health, clock, inbox)
    health.busy("tg-news", clock.now)
    await mon.check(clock.advance(61))  # stuck from here
    await mon.check(clock.advance(179))
    assert inbox.messages == []
    await mon.check(clock.advance(1))
    assert inbox.messages == ["⚠️ Health: outbox worker tg-news stuck for 241 s since 12:04"]


async def test_flapping_problem_is_not_notified() -> None:
    health, clock, inbox = Health(), ManualClock(), Inbox()
    mon = monitor(health, clock, inbox)
    for _ in range(20):  # present 150 s, gone 15 s, over and over
        health.set("git", "git fetch failed")
        for _ in range(10):
            await mon.check(clock.now)
            clock.advance(15)
        health.set("git", None)
        await mon.check(clock.now)
        clock.advance(15)
    assert inbox.messages == []


async def test_a_problem_back_after_recovery_waits_180_seconds_again() -> None:
    health, clock, inbox = Health(), ManualClock(), Inbox()
    mon = monitor(health, clock, inbox)
    health.set("git", "git fetch failed")
    await mon.check(clock.now)
    await mon.check(clock.advance(180))
    health.set("git", None)
    await mon.check(clock.advance(15))
    assert len(inbox.messages) == 2
    health.set("git", "git fetch failed")
    await mon.check(clock.advance(15))
    await mon.check(clock.advance(100))
    health.set("git", None)
    await mon.check(clock.advance(15))
    assert len(inbox.messages) == 2  # came back for 115 s only
    health.set("git", "git fetch failed")
    await mon.check(clock.advance(15))
    await mon.check(clock.advance(180))
    assert len(inbox.messages) == 3
    assert inbox.messages[2].startswith("⚠️ Health: git fetch failed since ")


async def test_failing_notify_is_retried_at_the_next_pass() -> None:
    health, clock, inbox = Health(), ManualClock(), Inbox()
    mon = monitor(health, clock, inbox)
    health.set("discord", "Discord unreachable: 502")
    await mon.check(clock.now)
    inbox.failures = 2
    await mon.check(clock.advance(180))
    await mon.check(clock.advance(15))
    assert inbox.messages == []
    await mon.check(clock.advance(15))
    assert inbox.messages == ["⚠️ Health: Discord unreachable: 502 since 12:03"]
    await mon.check(clock.advance(15))
    assert len(inbox.messages) == 1
    health.set("discord", None)
    inbox.failures = 1
    await mon.check(clock.advance(15))
    assert len(inbox.messages) == 1
    await mon.check(clock.advance(15))
    assert inbox.messages[1].startswith("✅ Recovered: Discord unreachable: 502")
    await mon.check(clock.advance(15))
    assert len(inbox.messages) == 2


async def test_a_problem_back_before_its_recovery_was_told_is_not_told_again() -> None:
    health, clock, inbox = Health(), ManualClock(), Inbox()
    mon = monitor(health, clock, inbox)
    health.set("git", "git fetch failed")
    await mon.check(clock.now)
    await mon.check(clock.advance(180))
    health.set("git", None)
    inbox.failures = 1
    await mon.check(clock.advance(15))  # recovery could not be sent
    health.set("git", "git fetch failed")
    await mon.check(clock.advance(15))
    await mon.check(clock.advance(300))
    assert inbox.messages == ["⚠️ Health: git fetch failed since 12:03"]


async def test_since_names_the_day_when_it_is_not_today() -> None:
    health, inbox = Health(), Inbox()
    clock = ManualClock(datetime(2026, 5, 1, 23, 59, tzinfo=TOKYO))
    mon = monitor(health, clock, inbox)
    health.set("git", "git fetch failed")
    await mon.check(clock.now)
    await mon.check(clock.advance(180))
    assert inbox.messages == ["⚠️ Health: git fetch failed since 2026-05-01 23:59"]


async def test_run_checks_until_stopped() -> None:
    health, clock = Health(), ManualClock()
    passes: list[datetime] = []

    def probe(now: datetime) -> str | None:
        passes.append(now)
        clock.advance(200)
        if len(passes) == 3:
            mon.stop()
        return "scheduler stopped"

    health.register("scheduler", probe)
    inbox = Inbox()
    mon = HealthMonitor(health, inbox, clock=clock, report_after=180.0, interval=0.0)
    await asyncio.wait_for(mon.run(), timeout=10)
    assert len(passes) == 3
    assert inbox.messages == ["⚠️ Health: scheduler stopped since 12:03"]


@pytest.mark.parametrize("role", ["leader", "standby"])
def test_role_is_settable(role: str) -> None:
    health = Health()
    health.role = role
    assert health.role == role
