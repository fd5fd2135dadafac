"""The one-shot commands: check, preview, publish, queue."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from .config import Settings
from .deliver.console import summary
from .domain import Channel, Post
from .errors import ContentError
from .format.model import Request
from .format.model_io import request_from_json
from .ingest.loader import load_all, load_file
from .ingest.parse import ParseContext
from .render import Renderer, channels_for

PLACEHOLDERS = {
    "telegram": Channel("telegram", "telegram", chat_id="{chat_id}"),
    "discord": Channel("discord", "discord", channel_id="{channel_id}"),
}


def _ctx(settings: Settings) -> ParseContext:
    return ParseContext(settings.association.tz, settings.content.publish_hour)


def read_post(settings: Settings, path: Path) -> Post:
    content_dir = Path(settings.content.dir).resolve()
    path = path.resolve()
    base = content_dir if path.is_relative_to(content_dir) else path.parent
    if not path.is_file():
        raise ContentError(str(path), "no such file")
    return load_file(path, base, _ctx(settings), settings.content.max_file_bytes)


def check_all(settings: Settings) -> tuple[list[str], list[str], int]:
    """Every problem (file: reason) that would keep a post or an image from going out."""
    loaded = load_all(Path(settings.content.dir).resolve(), _ctx(settings), settings.content.max_file_bytes)
    problems = [str(e) for e in loaded.errors]
    warnings: list[str] = []
    renderer = Renderer(settings)
    for post in loaded.posts:
        warnings.extend(f"{post.source}: {w}" for w in post.warnings)
        prepared = renderer.prepare(post)
        problems.extend(f"{post.source}: {p}" for p in prepared.problems)
        unknown = set(post.channels or ()) - {c.name for c in settings.channel_list()}
        problems.extend(f"{post.source}: unknown channel {name!r}" for name in sorted(unknown))
        for channel in channels_for(post, settings.channel_list()) or list(PLACEHOLDERS.values()):
            renderer.render(prepared, channel)
    return problems, warnings, len(loaded.posts) + len(loaded.errors)


def preview_document(settings: Settings, path: Path, platform: str | None) -> dict[str, Any]:
    post = read_post(settings, path)
    renderer = Renderer(settings)
    prepared = renderer.prepare(post)
    targets = channels_for(post, settings.channel_list())
    out: list[dict[str, Any]] = []
    for name in ("telegram", "discord") if platform is None else (platform,):
        chosen = [c for c in targets if (c.platform == "telegram") == (name == "telegram")]
        for channel in chosen or [PLACEHOLDERS[name]]:
            for request in renderer.render(prepared, channel).requests:
                out.append({"channel": channel.name, **request.to_json()})
    return {
        "post": {
            "key": post.key,
            "source": post.source,
            "title": post.title,
            "date": post.date.isoformat(),
            "due_at": post.due_at.isoformat(),
            "images": list(post.images),
            "event": None if post.event is None else {"start": post.event.start.isoformat()},
        },
        "warnings": list(post.warnings),
        "problems": list(prepared.problems),
        "requests": out,
    }


def print_preview(document: dict[str, Any], out: Console) -> None:
    post = document["post"]
    out.print(Text(f"{post['title']}  ({post['source']}, {post['date']})", style="bold"))
    for line in document["warnings"] + document["problems"]:
        out.print(Text(f"note: {line}", style="yellow"))
    for item in document["requests"]:
        request: Request = request_from_json(item)
        title = f"{item['channel']} · {request.method} {request.path}".strip()
        out.print(Panel(Text(summary(request)), title=Text(title), title_align="left"))


async def publish_now(settings: Settings, path: Path, only: list[str] | None, out: Console) -> int:
    """Send one post now, wait for the deliveries, and return how many failed."""
    from .app import App

    post = read_post(settings, path)
    known = {c.name for c in settings.channel_list()}
    for name in only or []:
        if name not in known:
            raise ContentError(str(path), f"unknown channel {name!r}")
    app = App(settings, console=out, watch=False)
    try:
        for publisher in app.publishers.values():
            await publisher.start()
        app.outbox.start()
        saved = app.store.save_post(post, "published", app.clock())
        ids = await app.service.publish(post, version=saved.version, only=only, kind="resend")
        await app.outbox.drain(timeout=600)
        results = [d for d in app.store.deliveries(post_key=post.key) if d.id in ids]
        for d in results:
            out.print(f"{d.channel}: {d.state}" + (f" ({d.last_error})" if d.last_error else ""), markup=False)
        return sum(1 for d in results if d.state != "sent")
    finally:
        await app.outbox.stop(5)
        for publisher in app.publishers.values():
            await publisher.close()
        app.store.close()


def queue_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """Upcoming jobs with what each will send, and deliveries waiting in the outbox."""
    from .schedule.scheduler import Scheduler
    from .store.repo import Store

    tz = settings.association.tz
    rows: list[tuple[str, str, str]] = []
    store = Store(settings.database_url)
    titles = {k: s.source for k, s in store.posts().items()}

    async def jobs() -> None:
        async def nothing(_: object) -> None:
            return None

        scheduler = Scheduler(settings.database_url, tz=tz, on_due=nothing)
        scheduler.start(paused=True)
        try:
            for job in scheduler.jobs():
                what = {
                    "publish": f"publish {titles.get(job.post_key or '', job.post_key)}",
                    "remind": f"reminder {job.offset} before the event of {titles.get(job.post_key or '', job.post_key)}",
                    "recurring": f"recurring reminder {job.name}",
                }[job.kind]
                rows.append((job.run_at.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z"), job.id, what))
        finally:
            scheduler.shutdown()

    try:
        asyncio.run(jobs())
        for d in store.deliveries(state="pending"):
            when = d.next_attempt_at.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z")
            rows.append((when, f"outbox #{d.id}", f"{d.kind} {d.post_key or ''} → {d.channel}"))
    finally:
        store.close()
    return rows
