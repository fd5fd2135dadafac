"""Reminders and recurring notices: short posts that point back at an announcement."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from .domain import Channel, Post
from .format.layout import FormatOptions, post_url
from .format.model import Request
from .format.model_io import request_to_json
from .render import Prepared, Renderer
from .store.repo import Sent


def notice_post(key: str, source: str, text: str, now: datetime) -> Post:
    digest = hashlib.sha256(f"{key}:{now.isoformat()}:{text}".encode()).hexdigest()
    return Post(key=key, source=source, title="", date=now, body=text, digest=digest)


def reminder_post(post: Post, opts: FormatOptions, now: datetime) -> Post:
    from .schedule.reminders import reminder_markdown  # Jinja2 only when a reminder is due

    text = reminder_markdown(post, now=now, tz=opts.tz, post_url=post_url(post, opts))
    return notice_post(post.key, post.source, text, now)


def recurring_post(name: str, text: str, opts: FormatOptions, now: datetime) -> Post:
    from .schedule.reminders import recurring_markdown

    return notice_post(
        f"recurring-{name}", f"config:{name}", recurring_markdown(text, now=now, tz=opts.tz), now
    )


def reply_to(request: Request, channel: Channel, announcement: list[Sent]) -> Request:
    """Make the first request answer the announcement it reminds of."""
    if not announcement or not announcement[0].ids:
        return request
    target = announcement[0].ids[0]
    params: dict[str, Any] = dict(request.params)
    if channel.platform == "telegram":
        params["reply_parameters"] = {
            "message_id": int(target),
            "allow_sending_without_reply": True,
        }
    elif channel.platform == "discord":
        params["message_reference"] = {
            "message_id": target,
            "channel_id": channel.channel_id,
            "fail_if_not_exists": False,
        }
    else:
        return request
    return Request(
        request.platform, request.method, params, request.path, request.uploads, request.purpose
    )


def notice_requests(
    renderer: Renderer, notice: Post, channel: Channel, announcement: list[Sent]
) -> list[dict[str, Any]]:
    rendering = renderer.render(Prepared(notice, (), ()), channel)
    requests = list(rendering.requests)
    if requests:
        requests[0] = reply_to(requests[0], channel, announcement)
    return [request_to_json(r) for r in requests]
