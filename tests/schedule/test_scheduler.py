"""The persistent scheduler on SQLite and PostgreSQL, with an injected clock."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.config import RecurringCfg
from bot.domain import Event, Post
from bot.schedule import scheduler as scheduler_module
from bot.schedule.plan import JobSpec
from bot.schedule.scheduler import fire

from .support import NOW, PG_URL, TOKYO, Db, LogFlag, postgres_unavailable

START = datetime(2030, 2, 1, 18, 0, tzinfo=TOKYO)
OFFSETS = ["7d", "1d", "2h"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Db]:
    if request.param == "postgres":
        reason = postgres_unavailable()
        if reason:
            pytest.skip(reason)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path}/bot.sqlite3"
    found = Db(url, f"test_jobs_{uuid.uuid4().hex[:12]}")
    yield found
    for made in found.made:
        made.shutdown()
    await asyncio.sleep(0)  # let the job stores close
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'drop table if exists "{found.table}"'))
    engine.dispose()


def event_post(key: str = "gm", start: datetime = START) -> Post:
    return Post(
        key=key,
        source=f"{key}.md",
        title="General meeting",
        date=datetime(2030, 1, 1, 9, 0, tzinfo=TOKYO),
        body="Come!",
        event=Event(start=start, location="Room 101"),
    )


async def test_sync_post_stores_deterministic_jobs(db: Db) -> None:
    sched = db.scheduler()
    sched.start(paused=True)
    planned = sched.sync_post(event_post(), published=True, offsets=OFFSETS)
    assert [job.id for job in planned] == [
        "post:gm:remind:7d",
        "post:gm:remind:1d",
        "post:gm:remind:2h",
    ]
    assert sched.jobs() == planned
    assert sched.jobs()[0].run_at == datetime(2030, 1, 25, 18, 0, tzinfo=TOKYO)
    assert sched.jobs()[0].run_at.tzinfo == TOKYO
    rows = db.rows()
    assert sorted(rows) == sorted(job.id for job in planned)
    state = rows["post:gm:remind:1d"]
    assert state["func"] == "bot.schedule.scheduler:fire"
    assert state["misfire_grace_time"] is None and state["coalesce"] is True
    assert json.loads(json.dumps(state["kwargs"])) == state["kwargs"]
    assert state["kwargs"]["not_after"] == START.isoformat()


async def test_resync_is_idempotent(db: Db) -> None:
    sched = db.scheduler()
    sched.start(paused=True)
    first = sched.sync_post(event_post(), published=True, offsets=OFFSETS)
    again = sched.sync_post(event_post(), published=True, offsets=OFFSETS)
    assert first == again == sched.jobs()
    assert len(db.rows()) == 3


async def test_moved_event_and_dropped_offset_update_the_jobs(db: Db) -> None:
    sched = db.scheduler()
    sched.start(paused=True)
    sched.sync_post(event_post(), published=True, offsets=OFFSETS)
    moved = START + timedelta(days=3)
    sched.sync_post(event_post(start=moved), published=True, offsets=["1d", "2h"])
    assert [(job.id, job.run_at, job.not_after) for job in sched.jobs()] == [
        ("post:gm:remind:1d", moved - timedelta(days=1), moved),
        ("post:gm:remind:2h", moved - timedelta(hours=2), moved),
    ]


async def test_remove_post_and_cancel(db: Db) -> None:
    sched = db.scheduler()
    sched.start(paused=True)
    sched.sync_post(event_post("gm"), published=True, offsets=OFFSETS)
    sched.sync_post(event_post("gm-party"), published=True, offsets=["1d"])
    sched.remove_post("gm")
    assert [job.id for job in sched.jobs()] == ["post:gm-party:remind:1d"]
    assert sched.cancel("post:gm-party:remind:1d") is True
    assert sched.cancel("post:gm-party:remind:1d") is False
    assert sched.jobs() == []


async def test_sync_recurring_adds_keeps_and_removes(db: Db) -> None:
    sched = db.scheduler()
    sched.start(paused=True)
    monthly = RecurringCfg(name="gm", cron="0 19 1 * *", text="General meeting tonight")
    weekly = RecurringCfg(name="lunch", cron="0 12 * * 5", text="Lunch")
    sched.sync_recurring([monthly, weekly])
    assert [(job.id, job.run_at) for job in sched.jobs()] == [
        ("recurring:lunch", datetime(2030, 1, 11, 12, 0, tzinfo=TOKYO)),  # a Friday
        ("recurring:gm", datetime(2030, 2, 1, 19, 0, tzinfo=TOKYO)),
    ]
    sched.sync_recurring([monthly])
    assert [job.id for job in sched.jobs()] == ["recurring:gm"]
    assert sched.jobs()[0].name == "gm"


async def test_a_new_scheduler_sees_every_job(db: Db) -> None:
    first = db.scheduler()
    first.start(paused=True)
    first.sync_post(event_post(), published=True, offsets=OFFSETS)
    first.sync_recurring([RecurringCfg(name="gm", cron="0 19 1 * *", text="GM")])
    first.add_job(JobSpec("post:later:publish", "publish", NOW + timedelta(days=2), "later"))
    before = first.jobs()
    first.shutdown()
    second = db.scheduler()
    second.start(paused=True)
    assert second.jobs() == before
    assert len(before) == 5


async def test_jobs_missed_while_down_fire_at_start(db: Db) -> None:
    real_now = datetime.now(UTC)
    past = real_now - timedelta(seconds=0.05)
    first = db.scheduler(clock=lambda: real_now)
    first.start(paused=True)
    first.add_job(JobSpec("post:a:publish", "publish", past, post_key="a"))
    ok = JobSpec(
        "post:b:remind:2h", "remind", past, "b", "2h", not_after=real_now + timedelta(hours=1)
    )
    gone = replace(
        ok, id="post:c:remind:2h", post_key="c", not_after=real_now - timedelta(seconds=1)
    )
    first.add_job(ok)
    first.add_job(gone)
    first.shutdown()
    await asyncio.sleep(0)

    dropped = LogFlag("post:c:remind:2h dropped")
    logging.getLogger("bot.schedule.scheduler").addHandler(dropped)
    second = db.scheduler(clock=lambda: real_now)
    try:
        second.start()
        async with asyncio.timeout(5):
            await db.wait_for(2)
            await dropped.seen.wait()
    finally:
        logging.getLogger("bot.schedule.scheduler").removeHandler(dropped)
    assert sorted(spec.id for spec in db.delivered) == ["post:a:publish", "post:b:remind:2h"]
    assert second.jobs() == []


async def test_recurring_fires_late_only_within_its_grace(db: Db) -> None:
    real_now = datetime.now(UTC)
    daily = (real_now + timedelta(minutes=30)).astimezone(TOKYO).replace(second=0, microsecond=0)
    entries = [
        RecurringCfg(name="daily", cron=f"{daily.minute} {daily.hour} * * *", text="Daily"),
        RecurringCfg(name="minutely", cron="* * * * *", text="Every minute"),
    ]
    first = db.scheduler(clock=lambda: real_now - timedelta(days=2))
    first.start(paused=True)
    first.sync_recurring(entries)
    first.shutdown()
    await asyncio.sleep(0)

    missed = LogFlag("recurring:daily")  # the executor logs the missed run time
    executor_log = logging.getLogger("apscheduler.executors.default")
    executor_log.addHandler(missed)
    second = db.scheduler(clock=lambda: real_now)
    try:
        second.start()
        async with asyncio.timeout(5):
            await db.wait_for(1)
            await missed.seen.wait()
    finally:
        executor_log.removeHandler(missed)
    assert [(spec.id, spec.run_at) for spec in db.delivered] == [("recurring:minutely", real_now)]
    assert [job.run_at for job in second.jobs() if job.name == "daily"] == [daily]


async def test_fire_checks_the_reminder_deadline(db: Db) -> None:
    sched = db.scheduler()
    sched.start(paused=True)
    base = {"kind": "remind", "run_at": NOW.isoformat(), "post_key": "gm", "offset": "1d"}
    await fire(id="post:gm:remind:1d", **base, not_after=(NOW + timedelta(hours=1)).isoformat())
    await fire(id="post:gm:remind:2h", **base, not_after=NOW.isoformat())
    assert [spec.id for spec in db.delivered] == ["post:gm:remind:1d"]
    assert db.delivered[0].not_after == NOW + timedelta(hours=1)
    await fire(id="recurring:gm", kind="recurring", run_at="2000-01-01T00:00:00+00:00", name="gm")
    assert db.delivered[-1].run_at == NOW  # recurring messages speak of the moment they fire


async def test_fire_without_a_running_scheduler_drops(caplog: pytest.LogCaptureFixture) -> None:
    assert scheduler_module._running is None
    await fire(id="post:x:publish", kind="publish", run_at=NOW.isoformat(), post_key="x")
    assert "no scheduler is running" in caplog.text


async def test_needs_start_and_refuses_misuse(db: Db) -> None:
    sched = db.scheduler()
    with pytest.raises(RuntimeError, match=r"start\(\)"):
        sched.jobs()
    sched.start(paused=True)
    with pytest.raises(ValueError, match="sync_recurring"):
        sched.add_job(JobSpec("recurring:x", "recurring", NOW, name="x"))
    with pytest.raises(ValueError, match="timezone-aware"):
        sched.add_job(JobSpec("post:x:publish", "publish", datetime(2030, 1, 1), "x"))
    other = db.scheduler()
    with pytest.raises(RuntimeError, match="already running"):
        other.start(paused=True)
