"""Scheduling from Telegram: publications, reminders, the queue and cancelling."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from bot.app import App
from bot.ingest.writer import read_frontmatter
from tests.admin.support import (
    ADMIN,
    ARTICLE,
    KEY,
    StartApp,
    eventually,
    tg_command,
    watch_batches,
)
from tests.conftest import TG_CHAT
from tests.fakes.telegram_api import FakeTelegram


def _tomorrow_at_nine(app: App) -> datetime:
    tz = app.settings.association.tz
    return datetime.combine(datetime.now(tz).date() + timedelta(days=1), time(9), tzinfo=tz)


async def test_schedule_queue_and_cancel(start_app: StartApp, tg: FakeTelegram, site: Path) -> None:
    app = await start_app(admin={"confirm": False})
    batches = watch_batches(app)
    [answer] = await tg_command(tg, f"/schedule {KEY} tomorrow 9:00")
    when = _tomorrow_at_nine(app)
    assert answer.text.startswith("«70th Anniversary") and f"Job: post:{KEY}:publish" in answer.text
    assert f"publish_at: '{when.isoformat()}'" in (site / ARTICLE).read_text(encoding="utf-8")
    jobs = {j.id: j for j in app.scheduler.jobs()}
    assert (
        jobs[f"post:{KEY}:publish"].run_at == when and jobs[f"post:{KEY}:publish"].kind == "publish"
    )

    reply_to = tg.make_command_update(text="All members are welcome.", user_id=ADMIN, chat_id=ADMIN)
    [answer] = await tg_command(tg, "/schedule General meeting in 2h", reply_to=reply_to["message"])
    [path] = (site / "content" / "announcements").glob("*general-meeting.md")
    meta = read_frontmatter(path.read_text(encoding="utf-8"))
    assert meta["title"] == "General meeting" and "publish_at" in meta
    assert path.read_text(encoding="utf-8").endswith("\n\nAll members are welcome.\n")
    assert f"post:{path.stem}:publish" in {j.id for j in app.scheduler.jobs()}

    [queue] = await tg_command(tg, "/queue")
    assert queue.text.startswith("2 scheduled jobs:")
    assert queue.text.index(f"post:{path.stem}:publish") < queue.text.index(f"post:{KEY}:publish")
    assert "publish «General meeting»" in queue.text

    [cancelled] = await tg_command(tg, f"/cancel post:{KEY}:publish")
    assert cancelled.text.startswith("Cancelled: «70th Anniversary")
    article = (site / ARTICLE).resolve()
    await eventually(lambda: any(article in batch for batch in batches))  # the edit's echo
    assert f"post:{KEY}:publish" not in {j.id for j in app.scheduler.jobs()}
    state = app.store.post(KEY)
    assert state is not None and state.state == "archived"
    assert tg.messages_in(TG_CHAT) == []


async def test_remind_adds_reminders_to_an_event(
    start_app: StartApp, tg: FakeTelegram, site: Path
) -> None:
    app = await start_app()
    tz = app.settings.association.tz
    today = datetime.now(tz).replace(microsecond=0)
    start = datetime.combine(today.date() + timedelta(days=10), time(18), tzinfo=tz)
    path = site / "content" / "events" / "film-night.md"
    path.parent.mkdir()
    header = (
        f"title: Film night\ndate: '{today.isoformat()}'\nevent:\n  start: '{start.isoformat()}'\n"
    )
    path.write_text(f"---\n{header}  location: Community hall\n---\n\nPopcorn included.\n", "utf-8")
    await eventually(lambda: "film-night" in app.lifecycle.posts)

    [answer] = await tg_command(tg, "/remind film night 3h 30m")
    assert answer.text.startswith("Reminders of «Film night»:") and "3h: " in answer.text
    reminders = {
        j.offset for j in app.scheduler.jobs() if j.post_key == "film-night" and j.kind == "remind"
    }
    assert reminders == {"7d", "1d", "2h", "3h", "30m"}
    assert read_frontmatter(path.read_text(encoding="utf-8"))["event"] == {
        "start": start.isoformat(),
        "location": "Community hall",
        "reminders": ["7d", "1d", "2h", "3h", "30m"],
    }

    [cancelled] = await tg_command(tg, "/cancel post:film-night:remind:1d")
    assert cancelled.text == "Cancelled the 1d reminder of «Film night»."
    assert read_frontmatter(path.read_text(encoding="utf-8"))["event"]["reminders"] == [
        "7d",
        "2h",
        "3h",
        "30m",
    ]
    assert "post:film-night:remind:1d" not in {j.id for j in app.scheduler.jobs()}
