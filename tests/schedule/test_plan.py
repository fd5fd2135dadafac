"""Planning of publications and reminders, with an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import Event, Post
from bot.schedule.plan import (
    JobSpec,
    due_reminder_is_valid,
    local_date_to_publish_time,
    parse_offset,
    plan_post,
    reminder_time,
)

TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")
OFFSETS = ("7d", "1d", "2h")
START = datetime(2026, 12, 5, 18, 0, tzinfo=TOKYO)


def make_post(
    *,
    key: str = "gm",
    date: datetime = datetime(2026, 11, 1, 9, 0, tzinfo=TOKYO),
    publish_at: datetime | None = None,
    start: datetime | None = START,
    reminders: tuple[str, ...] | None = None,
) -> Post:
    event = Event(start=start, reminders=reminders) if start else None
    return Post(
        key=key, source=f"{key}.md", title="General meeting", date=date, body="Come!",
        publish_at=publish_at, event=event,
    )  # fmt: skip


def by_id(jobs: list[JobSpec]) -> dict[str, JobSpec]:
    return {job.id: job for job in jobs}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("1d", timedelta(days=1)),
        ("2h", timedelta(hours=2)),
        ("30m", timedelta(minutes=30)),
        ("1w", timedelta(weeks=1)),
        (" 3 h ", timedelta(hours=3)),
    ],
)
def test_parse_offset(text: str, expected: timedelta) -> None:
    assert parse_offset(text) == expected


@pytest.mark.parametrize("text", ["", "d", "1y", "-1d", "1.5h", "2 days", "h2"])
def test_parse_offset_rejects_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"like 7d, 1d, 2h, 30m or 1w"):
        parse_offset(text)


def test_future_post_gets_a_publish_job() -> None:
    now = datetime(2026, 10, 1, tzinfo=TOKYO)
    at = datetime(2026, 11, 20, 12, 0, tzinfo=TOKYO)
    jobs = plan_post(
        make_post(publish_at=at, start=None), now=now, offsets=OFFSETS, published=False
    )
    assert jobs == [JobSpec("post:gm:publish", "publish", at, post_key="gm")]


def test_due_or_published_post_has_no_publish_job() -> None:
    post = make_post(start=None)
    now = datetime(2026, 11, 2, tzinfo=TOKYO)
    assert plan_post(post, now=now, offsets=OFFSETS, published=False) == []
    early = datetime(2026, 10, 1, tzinfo=TOKYO)
    assert plan_post(post, now=early, offsets=OFFSETS, published=True) == []


def test_one_reminder_per_offset_before_the_start() -> None:
    now = datetime(2026, 11, 2, tzinfo=TOKYO)
    jobs = plan_post(make_post(), now=now, offsets=OFFSETS, published=True)
    assert [job.id for job in jobs] == [
        "post:gm:remind:7d",
        "post:gm:remind:1d",
        "post:gm:remind:2h",
    ]
    assert [job.run_at for job in jobs] == [
        datetime(2026, 11, 28, 18, 0, tzinfo=TOKYO),
        datetime(2026, 12, 4, 18, 0, tzinfo=TOKYO),
        datetime(2026, 12, 5, 16, 0, tzinfo=TOKYO),
    ]
    assert all(j.kind == "remind" and j.not_after == START and j.post_key == "gm" for j in jobs)
    assert [job.offset for job in jobs] == ["7d", "1d", "2h"]


def test_post_reminders_override_the_configured_offsets() -> None:
    now = datetime(2026, 11, 2, tzinfo=TOKYO)
    jobs = plan_post(make_post(reminders=("3h", "30m")), now=now, offsets=OFFSETS, published=True)
    assert [job.id for job in jobs] == ["post:gm:remind:3h", "post:gm:remind:30m"]
    assert plan_post(make_post(reminders=()), now=now, offsets=OFFSETS, published=True) == []


def test_no_reminder_before_the_announcement() -> None:
    announced = START - timedelta(days=3)
    post = make_post(date=announced)
    jobs = plan_post(post, now=announced, offsets=OFFSETS, published=True)
    assert [job.offset for job in jobs] == ["1d", "2h"]


def test_scheduled_announcement_skips_reminders_before_it() -> None:
    now = datetime(2026, 10, 1, tzinfo=TOKYO)
    post = make_post(publish_at=START - timedelta(days=3))
    jobs = plan_post(post, now=now, offsets=OFFSETS, published=False)
    assert [job.id for job in jobs] == ["post:gm:publish", "post:gm:remind:1d", "post:gm:remind:2h"]


def test_reminders_at_or_after_the_start_are_skipped() -> None:
    now = datetime(2026, 11, 2, tzinfo=TOKYO)
    jobs = plan_post(make_post(reminders=("0h", "2h")), now=now, offsets=OFFSETS, published=True)
    assert [job.offset for job in jobs] == ["2h"]


def test_moved_event_moves_its_reminders() -> None:
    now = datetime(2026, 11, 2, tzinfo=TOKYO)
    before = by_id(plan_post(make_post(), now=now, offsets=OFFSETS, published=True))
    moved = make_post(start=START + timedelta(days=7))
    after = by_id(plan_post(moved, now=now, offsets=OFFSETS, published=True))
    assert before.keys() == after.keys()
    for job_id, job in after.items():
        assert job.run_at == before[job_id].run_at + timedelta(days=7)
        assert job.not_after == START + timedelta(days=7)


def test_removed_event_has_no_reminders() -> None:
    now = datetime(2026, 11, 2, tzinfo=TOKYO)
    assert plan_post(make_post(start=None), now=now, offsets=OFFSETS, published=True) == []


def test_downtime_across_a_reminder_sends_the_latest_one_late() -> None:
    now = START - timedelta(hours=20)  # 7d and 1d moments passed while down
    jobs = plan_post(make_post(), now=now, offsets=OFFSETS, published=True)
    assert [(job.offset, job.run_at) for job in jobs] == [
        ("1d", now),
        ("2h", START - timedelta(hours=2)),
    ]
    assert jobs[0].not_after == START


def test_late_reminder_already_sent_is_not_repeated() -> None:
    now = START - timedelta(hours=20)
    jobs = plan_post(make_post(), now=now, offsets=OFFSETS, published=True, sent={"1d"})
    assert [job.offset for job in jobs] == ["2h"]


def test_announcement_going_out_late_replaces_missed_reminders() -> None:
    post = make_post(publish_at=START - timedelta(days=10))
    now = START - timedelta(hours=20)
    jobs = plan_post(post, now=now, offsets=OFFSETS, published=False)
    assert [job.id for job in jobs] == ["post:gm:remind:2h"]


def test_downtime_across_the_event_sends_nothing() -> None:
    planned = plan_post(make_post(), now=START - timedelta(days=8), offsets=OFFSETS, published=True)
    for now in (START, START + timedelta(hours=1)):
        assert plan_post(make_post(), now=now, offsets=OFFSETS, published=True) == []
        assert not any(due_reminder_is_valid(job, now) for job in planned)
    assert all(due_reminder_is_valid(job, START - timedelta(seconds=1)) for job in planned)


def test_times_compare_as_instants_in_the_repeated_hour() -> None:
    start = datetime(2026, 10, 25, 2, 50, tzinfo=PARIS)  # first 02:50, CEST: 00:50 UTC
    now = datetime(2026, 10, 25, 2, 45, fold=1, tzinfo=PARIS)  # second 02:45, CET: 01:45 UTC
    assert plan_post(make_post(start=start), now=now, offsets=OFFSETS, published=True) == []
    job = JobSpec("post:gm:remind:2h", "remind", now, post_key="gm", not_after=start)
    assert not due_reminder_is_valid(job, now)


def test_publish_job_is_always_valid() -> None:
    job = JobSpec("post:gm:publish", "publish", START, post_key="gm")
    assert due_reminder_is_valid(job, START + timedelta(days=365))


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_post(make_post(), now=datetime(2026, 11, 2), offsets=OFFSETS, published=True)


def test_days_are_calendar_days_across_spring_forward() -> None:
    start = datetime(2026, 3, 29, 19, 0, tzinfo=PARIS)  # clocks went forward at 02:00 that day
    day_before = reminder_time(start, "1d", PARIS)
    assert day_before == datetime(2026, 3, 28, 19, 0, tzinfo=PARIS)
    assert day_before.utcoffset() == timedelta(hours=1)
    assert start.astimezone(UTC) - day_before.astimezone(UTC) == timedelta(hours=23)
    week_before = reminder_time(start, "1w", PARIS)
    assert week_before == datetime(2026, 3, 22, 19, 0, tzinfo=PARIS)


def test_days_are_calendar_days_across_fall_back() -> None:
    start = datetime(2026, 10, 25, 19, 0, tzinfo=PARIS)
    day_before = reminder_time(start, "1d", PARIS)
    assert (day_before.hour, day_before.utcoffset()) == (19, timedelta(hours=2))
    assert start.astimezone(UTC) - day_before.astimezone(UTC) == timedelta(hours=25)


def test_hours_are_real_durations_across_a_dst_change() -> None:
    start = datetime(2026, 3, 29, 3, 30, tzinfo=PARIS)  # 01:30 UTC, just after the jump
    before = reminder_time(start, "2h", PARIS)
    assert before.astimezone(UTC) == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert (before.hour, before.minute) == (0, 30)


def test_skipped_wall_time_moves_forward() -> None:
    start = datetime(2026, 3, 30, 2, 30, tzinfo=PARIS)
    assert reminder_time(start, "1d", PARIS) == datetime(2026, 3, 29, 3, 30, tzinfo=PARIS)


def test_tokyo_has_no_dst_so_a_day_is_24_hours() -> None:
    for month in range(1, 13):
        start = datetime(2026, month, 15, 19, 0, tzinfo=TOKYO)
        assert start.astimezone(UTC) - reminder_time(start, "1d", TOKYO) == timedelta(hours=24)


def test_plan_uses_the_association_zone_for_days() -> None:
    start_utc = datetime(2026, 3, 29, 17, 0, tzinfo=UTC)  # 19:00 in Paris
    post = make_post(start=start_utc, date=datetime(2026, 3, 1, tzinfo=UTC))
    now = datetime(2026, 3, 2, tzinfo=UTC)
    jobs = by_id(plan_post(post, now=now, offsets=["1d"], published=True, tz=PARIS))
    run_at = jobs["post:gm:remind:1d"].run_at
    assert (run_at.tzinfo, run_at.day, run_at.hour) == (PARIS, 28, 19)


def test_local_date_publishes_at_the_configured_hour() -> None:
    moment = local_date_to_publish_time(date(2026, 12, 5), TOKYO, 9)
    assert moment == datetime(2026, 12, 5, 9, 0, tzinfo=TOKYO)
    assert moment.utcoffset() == timedelta(hours=9)
    gap = local_date_to_publish_time(date(2026, 3, 29), PARIS, 2)
    assert gap == datetime(2026, 3, 29, 3, 0, tzinfo=PARIS)
