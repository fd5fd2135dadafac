"""The text of an announcement in one channel: the post's abstract and body, or the channel's
own template (Jinja2, sandboxed) filled with the post's values."""

from __future__ import annotations

from typing import Any

from ..domain import Channel, Post
from ..i18n import words
from .details import EventInfo, event_info
from .layout import FormatOptions, body_blocks, post_url
from .markdown import first_paragraph, to_blocks
from .model import Block
from .templates import TemplateProblem, render_template


def template_values(
    post: Post, opts: FormatOptions, lang: str, info: EventInfo | None = None
) -> dict[str, Any]:
    """What a channel template can use; `_` translates the bot's own labels into `lang`.
    `info` is the post's `event_info`, when already worded in `lang`."""
    say = words(lang)
    if info is None:
        info = event_info(post, opts, lang)
    event = None
    if info is not None:
        event = {
            "when": info.when,
            "start": info.start.astimezone(opts.tz),
            "end": info.end.astimezone(opts.tz) if info.end else None,
            "location": info.location,
            "map_url": info.map_url,
            "calendar_url": info.calendar_url,
            "url": info.url,
        }
    return {
        "title": post.title,
        "abstract": post.abstract,
        "summary": post.abstract or first_paragraph(post.body) or "",
        "body": post.body,
        "url": post_url(post, opts),
        "date": say.date(post.date.astimezone(opts.tz)),
        "lang": post.lang or opts.default_lang,
        "tags": list(post.tags),
        "event": event,
        "association": opts.association,
        "_": say._,
    }


def announcement_body(
    post: Post, opts: FormatOptions, channel: Channel, info: EventInfo | None = None
) -> tuple[list[Block], tuple[str, ...]]:
    """The blocks of the announcement's text in `channel`, and notes for the admins (`info`:
    the post's `event_info` in the channel's language, when already worded).

    A template that fails on this post is named in the notes (file and line), and the post's
    own text is used instead: an announcement never fails because of its template.
    """
    if channel.template_source is None:
        return body_blocks(post, opts), ()
    name = channel.template or "template"
    try:
        values = template_values(post, opts, channel.lang, info)
        text = render_template(channel.template_source, name, values)
    except TemplateProblem as exc:
        return body_blocks(post, opts), (f"template {exc}; the post's own text was used",)
    return to_blocks(text, base_url=opts.site_url), ()
