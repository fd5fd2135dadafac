"""Telegram's command syntax → admin use-cases. Free of python-telegram-bot: plain values in,
plain answers out.

A command's arguments are the text after it, new lines included. ``/announce`` and ``/schedule``
take the title on the first line and the text below; when the command replies to a message,
that message gives the text (and the title too, when the command names none).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import OFFSET_RE
from ..errors import AdminError
from ..format.describe import first_html
from ..ingest.writer import Photo
from ..service.admin import AdminOps
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


async def _announce(admin: AdminOps, msg: Incoming) -> str:
    first, _, below = msg.args.partition("\n")
    channels, first = _channels_prefix(first)
    title, text = title_and_text(first, below, msg.reply_text)
    return await admin.announce(title, text, msg.photos, channels)


async def _schedule(admin: AdminOps, msg: Incoming) -> str:
    first, _, below = msg.args.partition("\n")
    channels, first = _channels_prefix(first)
    if not first:
        raise AdminError(
            "Say when: /schedule <post> <when>, or /schedule <when> with the title and text below."
        )
    head, when = split_when(first, now=admin.clock(), default_hour=admin.publish_hour)
    if below.strip() or msg.reply_text or msg.photos:
        title, text = title_and_text(head, below, msg.reply_text)
        return await admin.schedule_text(title, text, when, msg.photos, channels)
    if not head:
        raise AdminError(
            "Schedule what? Name a post before the time, or put a title and text on the next lines."
        )
    return await admin.schedule_post(head, when)


async def _remind(admin: AdminOps, msg: Incoming) -> str:
    words = msg.args.split()
    count = 0
    while count < len(words) and OFFSET_RE.match(words[len(words) - 1 - count]):
        count += 1
    if count == 0:
        raise AdminError("Say how long before the event, like: /remind <post> 1d 2h")
    return await admin.remind(" ".join(words[: len(words) - count]), words[len(words) - count :])


async def _resend(admin: AdminOps, msg: Incoming) -> str:
    words = msg.args.split()
    if len(words) > 1 and words[-1].lstrip("#") in admin.channel_names:
        return await admin.resend(" ".join(words[:-1]), words[-1].lstrip("#"))
    return await admin.resend(msg.args)


async def handle(admin: AdminOps, msg: Incoming) -> list[Answer]:
    """Carry out one command; AdminError escapes with the message for the admin."""
    match msg.command:
        case "announce":
            return [Answer(await _announce(admin, msg))]
        case "schedule":
            return [Answer(await _schedule(admin, msg))]
        case "preview":
            preview = admin.preview(msg.args)
            answers = [Answer(preview.text)]
            if shown := first_html(preview.requests.get("telegram", [])):
                answers.append(Answer(shown, html=True))
            return answers
        case "remind":
            return [Answer(await _remind(admin, msg))]
        case "queue":
            return [Answer(admin.queue())]
        case "cancel":
            return [Answer(await admin.cancel(msg.args))]
        case "status":
            return [Answer(admin.status())]
        case "resend":
            return [Answer(await _resend(admin, msg))]
    raise AdminError(f"/{msg.command} is not a command I know; /help lists them.")
