"""Telegram's command syntax → admin use-cases. Free of python-telegram-bot: plain values in,
plain answers out.

A command's arguments are the text after it, new lines included. ``/announce`` and ``/schedule``
take the title on the first line and the text below; when the command replies to a message,
that message gives the text (and the title too, when the command names none).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..config import OFFSET_RE
from ..errors import AdminError
from ..format.admin import Buttons
from ..format.describe import first_html
from ..i18n import Words, words
from ..ingest.writer import Photo
from ..service.admin import AdminOps
from ..service.answers import Preview
from .when import split_when

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:[ \t]+|\n|$)(.*)$", re.S)


@dataclass(frozen=True)
class Incoming:
    command: str
    args: str = ""
    reply_text: str | None = None  # text or caption of the message the command replies to
    photos: Sequence[Photo] = ()


@dataclass(frozen=True)
class Answer:
    text: str
    html: bool = False  # Telegram HTML, shown as the channels would show it
    picture: Path | None = None  # a PNG sent as a photo, the text as its caption
    buttons: Buttons = ()  # an inline keyboard: rows of (label, callback data)
    draft: str | None = None  # the draft (its token) the message shows


# title, text, photos, channels, publish_at → the answers that show the new draft
Drafter = Callable[
    [str, str, Sequence[Photo], Sequence[str] | None, datetime | None], Awaitable[list[Answer]]
]
ENGLISH = words("en")


def split_command(text: str, bot_username: str | None) -> tuple[str, str] | None:
    """``("announce", "Title\\nText")`` for ``/announce@bot Title\\nText``; None if not ours."""
    match = _COMMAND.match(text)
    if match is None:
        return None
    if match[2] and bot_username and match[2].lower() != bot_username.lower():
        return None
    return match[1].lower(), match[3].strip()


def _channels_prefix(line: str) -> tuple[list[str] | None, str]:
    """``to:tg-news,dc-news Rest`` → (["tg-news", "dc-news"], "Rest")."""
    head, _, rest = line.strip().partition(" ")
    if not head.lower().startswith("to:"):
        return None, line.strip()
    return [n for n in head[3:].split(",") if n.strip()], rest.strip()


def title_and_text(first: str, below: str, reply_text: str | None) -> tuple[str, str]:
    body = below.strip() or (reply_text or "").strip()
    if first.strip():
        return first.strip(), body
    title, _, text = body.partition("\n")
    return title.strip(), text.strip()


def needs_photos(command: str) -> bool:
    return command in ("announce", "schedule")


async def _announce(
    admin: AdminOps, msg: Incoming, w: Words, drafter: Drafter | None
) -> list[Answer]:
    first, _, below = msg.args.partition("\n")
    channels, first = _channels_prefix(first)
    title, text = title_and_text(first, below, msg.reply_text)
    if drafter is not None:
        return await drafter(title, text, msg.photos, channels, None)
    return [Answer(await admin.announce(title, text, msg.photos, channels, w))]


async def _schedule(
    admin: AdminOps, msg: Incoming, w: Words, drafter: Drafter | None
) -> list[Answer]:
    first, _, below = msg.args.partition("\n")
    channels, first = _channels_prefix(first)
    if not first:
        message = w._("Say when: {first}, or {second} with the title and text below.")
        raise AdminError(message.format(first="/schedule <post> <when>", second="/schedule <when>"))
    head, when = split_when(first, now=admin.clock(), default_hour=admin.publish_hour, w=w)
    if below.strip() or msg.reply_text or msg.photos:
        title, text = title_and_text(head, below, msg.reply_text)
        if drafter is not None:
            return await drafter(title, text, msg.photos, channels, when)
        return [Answer(await admin.schedule_text(title, text, when, msg.photos, channels, w))]
    if not head:
        raise AdminError(w._("Schedule what? Name a post before the time, or put a title and "
                             "text on the next lines."))  # fmt: skip
    return [Answer(await admin.schedule_post(head, when, w))]


async def _remind(admin: AdminOps, msg: Incoming, w: Words) -> str:
    typed = msg.args.split()
    count = 0
    while count < len(typed) and OFFSET_RE.match(typed[len(typed) - 1 - count]):
        count += 1
    if count == 0:
        message = w._("Say how long before the event, like: {example}")
        raise AdminError(message.format(example="/remind <post> 1d 2h"))
    post, offsets = " ".join(typed[: len(typed) - count]), typed[len(typed) - count :]
    return await admin.remind(post, offsets, w)


async def _resend(admin: AdminOps, msg: Incoming, w: Words) -> str:
    typed = msg.args.split()
    if len(typed) > 1 and typed[-1].lstrip("#") in admin.channel_names:
        return await admin.resend(" ".join(typed[:-1]), typed[-1].lstrip("#"), w)
    return await admin.resend(msg.args, None, w)


def unknown_command(command: str, w: Words) -> str:
    message = w._("{command} is not a command I know; {help} lists them.")
    return message.format(command=f"/{command}", help="/help")


def preview_answers(preview: Preview) -> list[Answer]:
    """Today's text preview: a description, then the first message as Telegram shows it."""
    answers = [Answer(preview.text)]
    if shown := first_html(preview.requests.get("telegram", [])):
        answers.append(Answer(shown, html=True))
    return answers


async def handle(
    admin: AdminOps, msg: Incoming, w: Words = ENGLISH, drafter: Drafter | None = None
) -> list[Answer]:
    """Carry out one command but /preview (`TelegramAdmin` answers it, with its picture);
    AdminError escapes with the message for the admin. With a `drafter`, a new announcement
    becomes a draft instead of going out."""
    match msg.command:
        case "announce":
            return await _announce(admin, msg, w, drafter)
        case "schedule":
            return await _schedule(admin, msg, w, drafter)
        case "remind":
            return [Answer(await _remind(admin, msg, w))]
        case "queue":
            return [Answer(admin.queue(w))]
        case "cancel":
            return [Answer(await admin.cancel(msg.args, w))]
        case "status":
            return [Answer(admin.status(w))]
        case "resend":
            return [Answer(await _resend(admin, msg, w))]
    raise AdminError(unknown_command(msg.command, w))
