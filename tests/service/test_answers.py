"""The admins' answers, as text (pure)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.i18n import words
from bot.ingest.parse import ParseContext, parse_post
from bot.schedule.plan import JobSpec, unpin_id
from bot.service.answers import queue_text
from tests.helpers import write_post

TOKYO = ZoneInfo("Asia/Tokyo")


def test_queue_names_the_unpin_of_a_post_after_its_event(tmp_path: Path) -> None:
    path = write_post(tmp_path / "party.md", "Year-end party", "Food and music.")
    when = datetime(2026, 12, 1, tzinfo=TOKYO)
    post = parse_post(path.read_bytes(), "party.md", mtime=when, ctx=ParseContext(tz=TOKYO))
    job = JobSpec(unpin_id(post.key), "unpin", datetime(2026, 12, 24, 23, tzinfo=TOKYO),
                  post_key=post.key)  # fmt: skip
    text = queue_text([job], {post.key: post}, 0, words("en"))
    assert "unpin «Year-end party»: its event is over" in text
    assert "None" not in text
