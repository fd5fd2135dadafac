"""The admin commands' answers as plain text: previews, the queue, the channels' status.

Every text is in the admin's language (`Words`); English where no catalogue has it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from ..domain import Channel, Post
from ..format.describe import excerpt, one_line
from ..format.model import Request
from ..i18n import Words, words
from ..schedule.plan import JobSpec
from ..store.repo import ChannelStatus

ENGLISH = words("en")


def quoted(title: str) -> str:
    """A title as answers quote it: ``«Sports day»`` (the quotes are no translator's)."""
    return f"«{title}»"


def describe(moment: datetime, w: Words = ENGLISH) -> str:
    """``Fri 2026-12-04 18:00 JST``; in another language its own date, clock and zone name."""
    if w.lang == "en":
        return moment.strftime("%a %Y-%m-%d %H:%M %Z").strip()
    return f"{w.date(moment)} {w.time(moment)} ({w.zone_name(moment)})"


@dataclass(frozen=True)
class Preview:
    post: Post
    text: str  # a compact description for every platform
    requests: Mapping[str, list[Request]]  # the first channel's requests, by platform
    document: dict[str, Any]  # what `preview --json` prints


def preview_heading(post: Post, document: dict[str, Any], w: Words = ENGLISH) -> list[str]:
    """The first lines of a preview: which post, when it goes out, the notes about it."""
    # TRANSLATORS: first line of a preview; «» quote the post's title, then its key.
    lines = [w._("Preview of {title} ({key})").format(title=quoted(post.title), key=post.key)]
    # TRANSLATORS: when the previewed post reaches members (a date and time follow).
    lines.append(w._("Goes out {when}").format(when=describe(post.due_at, w)))
    for problem in (*document["warnings"], *document["problems"]):
        # TRANSLATORS: a problem found in a post, as the checks write it (in English).
        lines.append(w._("Note: {problem}").format(problem=problem))
    return lines


def preview_answer(
    post: Post, document: dict[str, Any], channels: Sequence[Channel], w: Words = ENGLISH
) -> Preview:
    lines = preview_heading(post, document, w)
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
        # TRANSLATORS: instead of channel names, when a platform has no channel for the post.
        names = ", ".join(listed.get(platform, [])) or w._("not sent there")
        count = w.n_("{count} message", "{count} messages", len(requests))
        lines.append(f"\n{platform.title()} ({names}): {count.format(count=len(requests))}")
        lines += [f"• {one_line(r)}" for r in requests]
    return Preview(post, "\n".join(lines), by_platform, document)


def _what(job: JobSpec, posts: Mapping[str, Post], w: Words) -> str:
    post = posts.get(job.post_key or "")
    title = quoted(excerpt(post.title, 70)) if post else str(job.post_key)
    if job.kind == "publish":
        # TRANSLATORS: a scheduled job in /queue; {title} is the post's title in «».
        return w._("publish {title}").format(title=title)
    if job.kind == "remind":
        # TRANSLATORS: a scheduled job in /queue; {offset} is like 1d or 2h.
        return w._("{offset} reminder of {title}").format(offset=job.offset, title=title)
    if job.kind == "unpin":
        # TRANSLATORS: a scheduled job in /queue: a pinned announcement comes down after its event.
        return w._("unpin {title}: its event is over").format(title=title)
    # TRANSLATORS: a scheduled job in /queue; {name} is the reminder's name in the configuration.
    return w._("recurring reminder {name}").format(name=job.name)


def queue_text(
    jobs: Sequence[JobSpec], posts: Mapping[str, Post], waiting: int, w: Words = ENGLISH
) -> str:
    # TRANSLATORS: under each job of /queue: its id, which /cancel takes.
    job_line = w._("job: {id}")
    lines = [
        f"{describe(j.run_at, w)} — {_what(j, posts, w)}\n  {job_line.format(id=j.id)}"
        for j in jobs
    ]
    if jobs:
        head = w.n_("{count} scheduled job:", "{count} scheduled jobs:", len(jobs))
        head = head.format(count=len(jobs))
    else:
        head = w._("Nothing is scheduled.")
    tail = []
    if waiting:
        left = w.n_(
            "{count} delivery waiting in the outbox.", "{count} deliveries waiting in the outbox.",
            waiting,
        )  # fmt: skip
        tail = ["\n" + left.format(count=waiting)]
    return "\n".join([head, *lines, *tail])


def status_text(
    rows: Sequence[ChannelStatus], channels: Mapping[str, Channel], tz: tzinfo,
    w: Words = ENGLISH,
) -> str:  # fmt: skip
    by_name = {row.channel: row for row in rows}
    names = [*channels, *(n for n in by_name if n not in channels)]
    if not names:
        return w._("No channels are configured.")
    lines: list[str] = []
    for name in names:
        row = by_name.get(name)
        # TRANSLATORS: /status, a channel that is no longer in the configuration.
        platform = channels[name].platform if name in channels else w._("not configured")
        if row is None:
            # TRANSLATORS: /status; {name} is a channel, {platform} telegram or discord.
            lines.append(w._("{name} ({platform}): nothing sent yet").format(
                name=name, platform=platform))  # fmt: skip
            continue
        # TRANSLATORS: /status, the last delivery of a channel that never sent anything.
        last = describe(row.last_sent_at.astimezone(tz), w) if row.last_sent_at else w._("never")
        # TRANSLATORS: /status, one channel; the counts are of deliveries (posts, reminders).
        line = w._("{name} ({platform}): last delivery {last}; "
                   "{pending} pending, {failed} failed, {sent} sent")  # fmt: skip
        lines.append(line.format(name=name, platform=platform, last=last, pending=row.pending,
                                 failed=row.failed, sent=row.sent))  # fmt: skip
        if row.last_error and (row.failed or row.pending):
            # TRANSLATORS: /status; the error is the platform's, in English.
            error = w._("last error: {error}").format(error=excerpt(row.last_error, 200))
            lines.append(f"  {error}")
    return "\n".join(lines)
