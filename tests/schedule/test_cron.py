"""Crontab expressions for recurring reminders, in the association's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import RecurringCfg
from bot.schedule.cron import weekday_names
from bot.schedule.plan import JobSpec, next_fire, recurring_jobs

TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")


def test_next_fire_monthly_meeting() -> None:
    after = datetime(2026, 11, 23, 12, 0, tzinfo=TOKYO)
    assert next_fire("0 19 1 * *", after, TOKYO) == datetime(2026, 12, 1, 19, 0, tzinfo=TOKYO)
    exactly = datetime(2026, 12, 1, 19, 0, tzinfo=TOKYO)
    assert next_fire("0 19 1 * *", exactly, TOKYO) == datetime(2027, 1, 1, 19, 0, tzinfo=TOKYO)


def test_next_fire_keeps_local_time_across_dst() -> None:
    march = next_fire("0 19 1 * *", datetime(2026, 3, 2, tzinfo=PARIS), PARIS)
    assert (march.month, march.hour, march.utcoffset()) == (4, 19, timedelta(hours=2))
    autumn = next_fire("0 19 1 * *", datetime(2026, 10, 2, tzinfo=PARIS), PARIS)
    assert (autumn.month, autumn.hour, autumn.utcoffset()) == (11, 19, timedelta(hours=1))
    gap = next_fire("30 2 * * *", datetime(2026, 3, 28, 12, 0, tzinfo=PARIS), PARIS)
    assert gap == datetime(2026, 3, 29, 3, 30, tzinfo=PARIS)


def test_cron_weekdays_count_from_sunday() -> None:
    monday = datetime(2026, 11, 23, 0, 0, tzinfo=TOKYO)
    assert next_fire("0 18 * * 5", monday, TOKYO).strftime("%a %d") == "Fri 27"
    assert next_fire("0 18 * * 0", monday, TOKYO).strftime("%a %d") == "Sun 29"
    assert next_fire("0 18 * * 7", monday, TOKYO).strftime("%a %d") == "Sun 29"
    assert weekday_names("1-5") == "mon,tue,wed,thu,fri"
    assert weekday_names("*/2") == "tue,thu,sat,sun"
    assert weekday_names("fri-sun") == "fri,sat,sun"


def test_cron_day_and_weekday_match_either() -> None:
    after = datetime(2026, 11, 23, 20, 0, tzinfo=TOKYO)  # a Monday evening
    first = next_fire("0 19 1 * 1", after, TOKYO)
    assert first == datetime(2026, 11, 30, 19, 0, tzinfo=TOKYO)  # next Monday
    assert next_fire("0 19 1 * 1", first, TOKYO) == datetime(2026, 12, 1, 19, 0, tzinfo=TOKYO)


@pytest.mark.parametrize("cron", ["0 19 * *", "61 * * * *", "0 0 * * funday", "0 0 30 2 *"])
def test_bad_cron_is_a_value_error(cron: str) -> None:
    with pytest.raises(ValueError, match="cron"):
        next_fire(cron, datetime(2026, 11, 23, tzinfo=TOKYO), TOKYO)


def test_recurring_jobs() -> None:
    entries = [
        RecurringCfg(name="general-meeting", cron="0 19 1 * *", text="GM tonight"),
        RecurringCfg(name="weekly", cron="0 12 * * 1", text="Lunch"),
    ]
    now = datetime(2026, 11, 23, 12, 0, tzinfo=TOKYO)
    assert recurring_jobs(entries, TOKYO, now=now) == [
        JobSpec("recurring:general-meeting", "recurring",
                datetime(2026, 12, 1, 19, 0, tzinfo=TOKYO), name="general-meeting"),
        JobSpec("recurring:weekly", "recurring",
                datetime(2026, 11, 30, 12, 0, tzinfo=TOKYO), name="weekly"),
    ]  # fmt: skip
