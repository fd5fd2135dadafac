"""Small helpers for service-level tests."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import Settings


async def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Poll until `condition()` is truthy; fail with a clear message after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


def write_post(
    path: Path, title: str, body: str, *, date: str = "2026-11-20", extra: str = ""
) -> Path:
    """Write a post the way editors do: a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(
        f"---\ntitle: '{title}'\ndate: '{date}'\n{extra}---\n\n{body}\n", encoding="utf-8"
    )
    os.replace(tmp, path)
    return path


def preview_document(settings: Settings, path: Path, platform: str | None) -> dict[str, Any]:
    """What `python -m bot preview PATH --json` prints."""
    from bot.app import content_of, queries_of

    return queries_of(settings).preview(content_of(settings).load_path(path), platform)


def queue_rows(settings: Settings, now: datetime) -> list[tuple[str, str, str]]:
    """What `python -m bot queue` lists: (local time, job, what it sends)."""
    from bot.app import open_store, queries_of
    from bot.schedule.scheduler import stored_jobs

    tz = settings.association.tz
    store = open_store(settings)
    try:
        rows = queries_of(settings).queue(store, stored_jobs(settings.database_url, tz), now)
    finally:
        store.close()
    fmt = "%a %Y-%m-%d %H:%M %Z"
    return [(r.when.astimezone(tz).strftime(fmt), r.job, r.what) for r in rows]


async def publish_now(settings: Settings, path: Path, only: list[str] | None, out: Any) -> int:
    """`python -m bot publish`: the number of deliveries that did not go out."""
    from bot.app import publish_once

    results = await publish_once(settings, path, only, out)
    return sum(1 for d in results if d.state != "sent")
