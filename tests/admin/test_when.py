"""Times as admins type them, against a fixed clock in the association's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.admin.when import PastError, WhenError, describe, parse_when, split_when

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 25, 14, 30, tzinfo=TOKYO)  # a Wednesday


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01 18:00", at(2026, 12, 1, 18)),
        ("2026-12-01T18:00", at(2026, 12, 1, 18)),
        ("2026/12/01 6pm", at(2026, 12, 1, 18)),
        ("2026-12-01 6:30 pm", at(2026, 12, 1, 18, 30)),
        ("2026-12-01", at(2026, 12, 1, 9)),
        ("tomorrow 9:00", at(2026, 11, 26, 9)),
        ("Tomorrow", at(2026, 11, 26, 9)),
        ("today 18:00", at(2026, 11, 25, 18)),
        ("tonight", at(2026, 11, 25, 20)),
        ("18:00", at(2026, 11, 25, 18)),
        ("fri 18:00", at(2026, 11, 27, 18)),
        ("friday 18:00", at(2026, 11, 27, 18)),
        ("next fri 18:00", at(2026, 11, 27, 18)),
        ("wed 18:00", at(2026, 11, 25, 18)),  # today, still ahead
        ("wed 9:00", at(2026, 12, 2, 9)),  # today's has passed: next week
        ("in 2h", NOW + timedelta(hours=2)),
        ("in 1d 30m", NOW + timedelta(days=1, minutes=30)),
        ("tomorrow 12am", at(2026, 11, 26, 0)),
    ],
)
def test_readable_times(text: str, expected: datetime) -> None:
    moment = parse_when(text, now=NOW)
    assert moment == expected
    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(
    "text",
    ["", "someday", "2026-13-01 10:00", "2026-02-30", "25:00", "tomorrow 9:75", "in", "fri at 9"],
)
def test_unreadable_times_say_what_to_write(text: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=NOW)
    assert "for example" in str(caught.value)
    assert not isinstance(caught.value, PastError)


@pytest.mark.parametrize("text", ["2026-11-25 14:30", "2020-01-01 10:00", "9:00", "today 8:00"])
def test_past_times_are_rejected(text: str) -> None:
    with pytest.raises(PastError, match="already passed"):
        parse_when(text, now=NOW)


def test_default_hour_applies_to_dates_without_a_time() -> None:
    assert parse_when("2026-12-01", now=NOW, default_hour=18) == at(2026, 12, 1, 18)


def test_split_finds_the_time_at_the_end() -> None:
    assert split_when("70th-anniversary tomorrow 9:00", now=NOW) == (
        "70th-anniversary",
        at(2026, 11, 26, 9),
    )
    assert split_when("General meeting 2026-12-01 18:00", now=NOW) == (
        "General meeting",
        at(2026, 12, 1, 18),
    )
    assert split_when("Meet on fri tomorrow 9:00", now=NOW) == ("Meet on fri", at(2026, 11, 26, 9))
    assert split_when("in 2h", now=NOW) == ("", NOW + timedelta(hours=2))


def test_split_reports_a_past_time_instead_of_a_shorter_match() -> None:
    with pytest.raises(PastError):
        split_when("party 2020-01-01 18:00", now=NOW)
    with pytest.raises(WhenError, match="no time found"):
        split_when("party soon", now=NOW)


def test_needs_an_aware_clock() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("tomorrow", now=datetime(2026, 1, 1))


def test_describe_names_the_zone() -> None:
    assert describe(at(2026, 12, 4, 18)) == "Fri 2026-12-04 18:00 JST"
