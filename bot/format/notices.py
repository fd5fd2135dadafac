"""Reminders and recurring notices: short posts that answer an announcement where there is one.

Their texts come from `reminders.py`, in each channel's language; they are rendered like any
post, through the profile of each channel, and the first message replies to the announcement it
reminds of (in a forum, they go into the announcement's thread). A notice has no page of its
own on the website: it links only where its text does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from ..domain import Channel, Post
from .layout import FormatOptions, post_url
from .model import Request
from .profiles import profile_for, render


def notice_post(key: str, source: str, text: str, now: datetime, lang: str | None = None) -> Post:
    digest = hashlib.sha256(f"{key}:{now.isoformat()}:{text}".encode()).hexdigest()
    return Post(
        key=key, source=source, title="", date=now, body=text, digest=digest, lang=lang,
        page=False,
    )  # fmt: skip


def reminder_post(post: Post, opts: FormatOptions, now: datetime, lang: str = "en") -> Post:
    from .reminders import reminder_markdown  # Jinja2 only when a reminder is due

    text = reminder_markdown(post, now=now, tz=opts.tz, post_url=post_url(post, opts), lang=lang)
    return notice_post(post.key, post.source, text, now, lang)


def recurring_post(
    name: str, text: str, opts: FormatOptions, now: datetime, lang: str = "en"
) -> Post:
    from .reminders import recurring_markdown

    body = recurring_markdown(text, now=now, tz=opts.tz, lang=lang)
    return notice_post(f"recurring-{name}", f"config:{name}", body, now, lang)


def notice_requests(
    notice: Post, opts: FormatOptions, channel: Channel, answering: Sequence[str] = ()
) -> list[Request]:
    """The notice's messages in `channel`; they answer the message `answering[0]`."""
    requests = list(render(notice, (), opts, channel).requests)
    if requests and answering:
        return profile_for(channel).answer(requests, channel, answering[0])
    return requests
