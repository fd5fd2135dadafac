"""The admin commands' answers as plain text: previews, the queue, the channels' status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from ..domain import Channel, Post
from ..format.describe import excerpt, one_line
from ..format.model import Request
from ..schedule.plan import JobSpec
from ..store.repo import ChannelStatus


def describe(moment: datetime) -> str:
    """``Fri 2026-12-04 18:00 JST``."""
    return moment.strftime("%a %Y-%m-%d %H:%M %Z").strip()


@dataclass(frozen=True)
class Preview:
    post: Post
    text: str  # a compact description for every platform
    requests: Mapping[str, list[Request]]  # the first channel's requests, by platform
    document: dict[str, Any]  # what `preview --json` prints


def preview_answer(post: Post, document: dict[str, Any], channels: Sequence[Channel]) -> Preview:
    lines = [f"Preview of «{post.title}» ({post.key})", f"Goes out {describe(post.due_at)}"]
    lines += [f"Note: {problem}" for problem in (*document["warnings"], *document["problems"])]
    by_platform: dict[str, list[Request]] = {}
    first: dict[str, str] = {}
    listed: dict[str, list[str]] = {}
    known = {c.name for c in channels}
    for item in document["requests"]:
        request, channel = Request.from_json(item), item["channel"]
        if channel in known and channel not in listed.setdefault(request.platform, []):
            listed[request.platform].append(channel)
        if first.setdefault(request.platform, channel) == channel:
            by_platform.setdefault(request.platform, []).append(request)
    for platform, requests in by_platform.items():
        names = ", ".join(listed.get(platform, [])) or "not sent there"
        lines.append(f"\n{platform.title()} ({names}): {len(requests)} message(s)")
        lines += [f"• {one_line(r)}" for r in requests]
    return Preview(post, "\n".join(lines), by_platform, document)


def _what(job: JobSpec, posts: Mapping[str, Post]) -> str:
    post = posts.get(job.post_key or "")
    title = f"«{excerpt(post.title, 70)}»" if post else str(job.post_key)
    if job.kind == "publish":
        return f"publish {title}"
    if job.kind == "remind":
        return f"{job.offset} reminder of {title}"
    return f"recurring reminder {job.name}"


def queue_text(jobs: Sequence[JobSpec], posts: Mapping[str, Post], waiting: int) -> str:
    lines = [f"{describe(j.run_at)} — {_what(j, posts)}\n  job: {j.id}" for j in jobs]
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
            lines.append(f"  last error: {excerpt(row.last_error, 200)}")
    return "\n".join(lines)
