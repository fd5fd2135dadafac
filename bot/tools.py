"""The one-shot commands: check, preview, publish, queue."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from .config import Settings
from .deliver.console import summary
from .domain import Channel, Post
from .errors import ContentError
from .format.discord import stamp_nonces
from .format.model import Request
from .format.model_io import request_from_json
from .ingest.loader import load_all, load_file
from .ingest.parse import ParseContext
from .render import Renderer, channels_for
from .schedule.plan import JobSpec
from .store.repo import PostState, Store

HAND_OVER_WAIT = 600.0  # seconds `publish` waits for a running service to deliver
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
    loaded = load_all(
        Path(settings.content.dir).resolve(), _ctx(settings), settings.content.max_file_bytes
    )
    problems = [str(e) for e in loaded.errors]
    warnings: list[str] = [
        f"channel {c.name}: ${c.webhook_url_env} is not set, so nothing can be sent there"
        for c in settings.channel_list()
        if c.platform == "discord-webhook" and not settings.webhook_url(c)
    ]
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
            requests = [r.to_json() for r in renderer.render(prepared, channel).requests]
            # the nonces a first publication of this version would carry
            for data in stamp_nonces(requests, f"{post.key}:{channel.name}:publish:v1"):
                out.append({"channel": channel.name, **data})
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
    """Send one post now, wait for the deliveries, and return how many failed.

    With a service running on the same database, the deliveries are handed to it (one sender
    keeps the pacing whole); otherwise this command sends them, leading for the moment.
    """
    from .app import App
    from .leadership import Leadership

    post = read_post(settings, path)
    known = {c.name for c in settings.channel_list()}
    for name in only or []:
        if name not in known:
            raise ContentError(str(path), f"unknown channel {name!r}")
    tz = settings.association.tz
    store = Store(settings.database_url, migrate=settings.database.auto_migrate)
    leadership = Leadership(store, clock=lambda: datetime.now(tz))
    try:
        if leadership.try_take():
            app = App(settings, console=out, watch=False, store=store, leadership=leadership)
            ids = await _send_here(app, post, only)
        else:
            out.print(f"handing over to the running service: {leadership.holder()}", markup=False)
            ids = await _hand_over(settings, store, post, only)
        results = [d for d in store.deliveries(post_key=post.key) if d.id in ids]
    finally:
        await leadership.close()
        store.close()
    for d in results:
        out.print(
            f"{d.channel}: {d.state}" + (f" ({d.last_error})" if d.last_error else ""),
            markup=False,
        )
    return sum(1 for d in results if d.state != "sent")


async def _send_here(app: Any, post: Post, only: list[str] | None) -> list[int]:
    try:
        for publisher in app.publishers.values():
            await publisher.start()
        app.outbox.start()
        saved = app.store.save_post(post, "published", app.clock())
        ids: list[int] = await app.service.announcer.publish(
            post, version=saved.version, only=only, kind="resend"
        )
        await app.outbox.drain(timeout=600)
        return ids
    finally:
        await app.outbox.stop(5)
        await app.leadership.release()
        for publisher in app.publishers.values():
            await publisher.close()


async def _hand_over(
    settings: Settings, store: Store, post: Post, only: list[str] | None
) -> list[int]:
    """Queue the deliveries for the running service and wait until they are done."""
    from .announce import Announcer
    from .report import Reporter

    tz = settings.association.tz
    announcer = Announcer(
        settings, store, lambda _channel: None, Reporter([]), Renderer(settings),
        clock=lambda: datetime.now(tz),
    )  # fmt: skip
    saved = store.save_post(post, "published", datetime.now(tz))
    ids = await announcer.publish(post, version=saved.version, only=only, kind="resend")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HAND_OVER_WAIT
    while loop.time() < deadline:
        states = {d.id: d.state for d in store.deliveries(post_key=post.key)}
        if all(states.get(i) in ("sent", "failed", "cancelled") for i in ids):
            break
        await asyncio.sleep(0.2)
    return ids


def _describe(job: JobSpec, sources: dict[str, str]) -> str:
    source = sources.get(job.post_key or "", job.post_key or "")
    if job.kind == "publish":
        return f"publish {source}"
    if job.kind == "remind":
        return f"reminder {job.offset} before the event of {source}"
    return f"recurring reminder {job.name}"


def planned_jobs(
    settings: Settings, now: datetime, states: Mapping[str, PostState]
) -> tuple[list[JobSpec], dict[str, str]]:
    """Jobs from the job store, plus what the content folder implies for posts the service has not
    seen yet (so the queue is right even before the next start)."""
    from .schedule.plan import next_fire, plan_post, recurring_id
    from .schedule.scheduler import Scheduler

    tz = settings.association.tz
    jobs: dict[str, JobSpec] = {}

    async def stored() -> None:
        async def nothing(_: object) -> None:
            return None

        scheduler = Scheduler(settings.database_url, tz=tz, on_due=nothing)
        scheduler.start(paused=True)
        try:
            jobs.update((job.id, job) for job in scheduler.jobs())
        finally:
            scheduler.shutdown()

    # a fresh loop in a worker thread: callers may already be inside one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, stored()).result()
    loaded = load_all(
        Path(settings.content.dir).resolve(), _ctx(settings), settings.content.max_file_bytes
    )
    sources = {p.key: f"“{p.title}”" for p in loaded.posts}
    for rec in settings.reminders.recurring:
        job_id = recurring_id(rec.name)
        if job_id not in jobs:
            jobs[job_id] = JobSpec(job_id, "recurring", next_fire(rec.cron, now, tz), name=rec.name)
    for post in loaded.posts:
        state = states.get(post.key)
        if state is not None and state.digest == post.digest:
            continue  # the job store already holds what the service planned for it
        if state is not None and state.state == "archived":
            continue
        published = state is not None and state.state == "published"
        for job in plan_post(
            post, now=now, offsets=settings.reminders.offsets, published=published, tz=tz
        ):
            jobs.setdefault(job.id, job)
    return sorted(jobs.values(), key=lambda j: (j.run_at.timestamp(), j.id)), sources


def queue_rows(settings: Settings, now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Upcoming jobs with what each will send, then deliveries waiting in the outbox."""
    tz = settings.association.tz
    now = now or datetime.now(tz)
    fmt = "%a %Y-%m-%d %H:%M %Z"
    store = Store(settings.database_url, migrate=settings.database.auto_migrate)
    try:
        jobs, sources = planned_jobs(settings, now, store.posts())
        rows = [(j.run_at.astimezone(tz).strftime(fmt), j.id, _describe(j, sources)) for j in jobs]
        for d in store.deliveries(state="pending"):
            when = d.next_attempt_at.astimezone(tz).strftime(fmt)
            rows.append((when, f"outbox #{d.id}", f"{d.kind} {d.post_key or ''} → {d.channel}"))
    finally:
        store.close()
    return rows
