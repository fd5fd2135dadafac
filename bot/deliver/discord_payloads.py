"""Request data → discord.py message parameters: embeds, files, replies, mentions, flags, link
buttons. Nothing the request does not hold is sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord

from ..format.discord import SUPPRESS_NOTIFICATIONS
from ..format.model import Request


def view_of(components: Sequence[Mapping[str, Any]] | None) -> discord.ui.View | None:
    """Buttons (action rows given as API JSON) as discord.py takes them: link buttons, and the
    admins' buttons with their custom ids; None for no buttons."""
    if not components:
        return None
    view = discord.ui.View(timeout=None)
    for row, action_row in enumerate(components):
        for b in action_row.get("components", []):
            button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
                style=discord.ButtonStyle(int(b.get("style", 2))), label=b.get("label"),
                custom_id=b.get("custom_id"), url=b.get("url"), row=row,
            )  # fmt: skip
            view.add_item(button)
    return view


def flags_of(params: Mapping[str, Any]) -> discord.MessageFlags | None:
    value = int(params.get("flags") or 0)
    if not value:
        return None
    flags = discord.MessageFlags()
    flags.value = value
    return flags


def _embeds(params: Mapping[str, Any]) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in params.get("embeds", [])]


def _files(request: Request) -> list[discord.File]:
    return [discord.File(u.path, filename=u.filename) for u in request.uploads]


def reference(params: Mapping[str, Any]) -> discord.MessageReference | None:
    ref = params.get("message_reference")
    if not ref:
        return None
    return discord.MessageReference(
        message_id=int(ref["message_id"]),
        channel_id=int(ref["channel_id"]),
        fail_if_not_exists=False,
    )


def _mentions(params: Mapping[str, Any]) -> discord.AllowedMentions:
    """Exactly the pings the request allows: none unless it lists role or user ids."""
    allowed = params.get("allowed_mentions") or {}
    roles = [discord.Object(id=int(r)) for r in allowed.get("roles", [])]
    users = [discord.Object(id=int(u)) for u in allowed.get("users", [])]
    return discord.AllowedMentions(
        everyone=False, users=users or False, roles=roles or False, replied_user=False
    )


def _message(p: Mapping[str, Any], request: Request) -> dict[str, Any]:
    """What a new message carries, passed explicitly: nothing the request does not hold."""
    kwargs: dict[str, Any] = {"allowed_mentions": _mentions(p)}
    if p.get("content"):
        kwargs["content"] = str(p["content"])
    if embeds := _embeds(p):
        kwargs["embeds"] = embeds
    if files := _files(request):
        kwargs["files"] = files
    if (view := view_of(p.get("components"))) is not None:
        kwargs["view"] = view
    return kwargs


def create_kwargs(request: Request) -> dict[str, Any]:
    """A new message in a channel, as `send`'s parameters."""
    kwargs = _message(request.params, request)
    if int(request.params.get("flags") or 0) & SUPPRESS_NOTIFICATIONS:
        kwargs["silent"] = True
    return kwargs


def thread_message(request: Request) -> dict[str, Any]:
    """A forum post's first message, as discord.py's message parameters."""
    kwargs = _message(request.params["message"], request)
    if (flags := flags_of(request.params["message"])) is not None:
        kwargs["flags"] = flags
    return kwargs


def edit_kwargs(request: Request) -> dict[str, Any]:
    """An edit replaces the whole message: absent content, embeds or files are cleared."""
    p = request.params
    return {
        "content": p.get("content"),
        "embeds": _embeds(p),
        "attachments": _files(request),
        "allowed_mentions": _mentions(p),
        "view": view_of(p.get("components")),
    }
