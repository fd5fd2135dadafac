"""Plain-text answers: the queue, the channel status and compact previews."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from ..domain import Channel, Post
from ..format.model import Request
from ..render import Renderer, channels_for
from ..schedule.plan import JobSpec
from ..store.repo import ChannelStatus, Store
from ..tools import PLACEHOLDERS
from .when import describe

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Preview:
    post: Post
    text: str  # a compact rendering for every platform
    telegram_html: str | None  # the HTML text of the first Telegram message
    discord: Request | None  # the first Discord message


def visible(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def _excerpt(text: str, size: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= size else line[: size - 1] + "…"


def describe_request(request: Request) -> str:
    p = request.params
    if request.platform == "telegram":
        if request.method == "sendMediaGroup":
            caption = visible(p["media"][0].get("caption") or "")
            return f"album of {len(p['media'])} photos, caption of {len(caption)} characters"
        if request.method == "sendMessage":
            text = visible(p.get("text", ""))
            return f"text of {len(text)} characters: {_excerpt(text)}"
        if request.method == "sendDocument":
            names = ", ".join(u.filename for u in request.uploads) or str(p.get("document"))
            return f"file {names}"
        caption = visible(p.get("caption") or "")
        kind = request.method.removeprefix("send").lower()
        return f"{kind} with a caption of {len(caption)} characters"
    parts: list[str] = []
    for embed in p.get("embeds", []):
        size = len(embed.get("description", ""))
        parts.append(f"embed «{_excerpt(embed.get('title', ''), 50)}» ({size} characters)")
    if p.get("content"):
        parts.append(f"text {_excerpt(p['content'])}")
    if request.uploads:
        names = ", ".join(u.filename for u in request.uploads)
        parts.append(f"{len(request.uploads)} file(s): {names}")
    return "; ".join(parts) or "empty message"


def _first_html(requests: Sequence[Request]) -> str | None:
    for request in requests:
        p = request.params
        if request.method == "sendMessage":
            return str(p["text"])
        if request.method == "sendMediaGroup" and p["media"][0].get("caption"):
            return str(p["media"][0]["caption"])
        if p.get("caption"):
            return str(p["caption"])
    return None


def build_preview(renderer: Renderer, post: Post, channels: Mapping[str, Channel]) -> Preview:
    prepared = renderer.prepare(post)
    targets = channels_for(post, list(channels.values()))
    lines = [f"Preview of «{post.title}» ({post.key})", f"Goes out {describe(post.due_at)}"]
    lines += [f"Note: {problem}" for problem in (*post.warnings, *prepared.problems)]
    telegram_html: str | None = None
    discord: Request | None = None
    for platform in ("telegram", "discord"):
        chosen = [c for c in targets if (c.platform == "telegram") == (platform == "telegram")]
        rendering = renderer.render(prepared, chosen[0] if chosen else PLACEHOLDERS[platform])
        names = ", ".join(c.name for c in chosen) or "not sent there"
        lines.append(f"\n{platform.title()} ({names}): {len(rendering.requests)} message(s)")
        lines += [f"• {describe_request(r)}" for r in rendering.requests]
        if platform == "telegram":
            telegram_html = _first_html(rendering.requests)
        else:
            discord = next((r for r in rendering.requests if r.method == "POST"), None)
    return Preview(post, "\n".join(lines), telegram_html, discord)


def _what(job: JobSpec, posts: Mapping[str, Post]) -> str:
    post = posts.get(job.post_key or "")
    title = f"«{_excerpt(post.title, 70)}»" if post else str(job.post_key)
    if job.kind == "publish":
        return f"publish {title}"
    if job.kind == "remind":
        return f"{job.offset} reminder of {title}"
    return f"recurring reminder {job.name}"


def queue_text(jobs: Sequence[JobSpec], posts: Mapping[str, Post], store: Store) -> str:
    lines = [f"{describe(j.run_at)} — {_what(j, posts)}\n  job: {j.id}" for j in jobs]
    waiting = len(store.deliveries(state="pending"))
    head = f"{len(jobs)} scheduled job(s):" if jobs else "Nothing is scheduled."
    tail = [f"\n{waiting} deliveries waiting in the outbox."] if waiting else []
    return "\n".join([head, *lines, *tail])


def status_text(rows: Sequence[ChannelStatus], channels: Mapping[str, Channel], tz: tzinfo) -> str:
    by_name = {row.channel: row for row in rows}
    names = [*channels, *(n for n in by_name if n not in channels)]
    if not names:
        return "No channels are configured."
    lines: list[str] = []
    for name in names:
        row = by_name.get(name)
        platform = channels[name].platform if name in channels else "not configured"
        if row is None:
            lines.append(f"{name} ({platform}): nothing sent yet")
            continue
        last = describe(row.last_sent_at.astimezone(tz)) if row.last_sent_at else "never"
        lines.append(f"{name} ({platform}): last delivery {last}; "
                     f"{row.pending} pending, {row.failed} failed, {row.sent} sent")  # fmt: skip
        if row.last_error and (row.failed or row.pending):
            lines.append(f"  last error: {_excerpt(row.last_error, 200)}")
    return "\n".join(lines)
