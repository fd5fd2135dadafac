"""The application commands on Discord: options, autocompletion and answers.

Handlers raise :class:`AdminError` for anything the admin can fix; the tree's error handler
answers it (see ``bot.admin.discord``). Every answer is ephemeral: only the admin sees it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice

from ..errors import AdminError
from ..format.model import Request
from ..ingest.writer import MAX_PHOTO_BYTES, Photo
from ..service.admin import AdminOps
from .commands import COMMANDS
from .discord_form import Submit, TextForm, answer
from .when import describe, parse_when

_INFO = {c.name: c.summary for c in COMMANDS}
_PREVIEW_UPLOAD_LIMIT = 8 * 1024 * 1024


async def download(attachments: Sequence[discord.Attachment | None]) -> list[Photo]:
    photos: list[Photo] = []
    for item in attachments:
        if item is None:
            continue
        if item.size > MAX_PHOTO_BYTES:
            size = f"{item.size / 2**20:.1f} MiB"
            raise AdminError(f"{item.filename} is {size}; the limit is 10 MiB.")
        if item.content_type and not item.content_type.startswith("image/"):
            raise AdminError(f"{item.filename} is not an image.")
        try:
            photos.append(Photo(await item.read(), item.filename))
        except discord.HTTPException as exc:
            raise AdminError(f"{item.filename} could not be downloaded ({exc.status}).") from None
    return photos


def preview_message(request: Request) -> tuple[list[discord.Embed], list[discord.File]]:
    """The embeds of a rendered message, with its images attached when they are small enough."""
    size = 0
    for upload in request.uploads:
        try:
            size += os.path.getsize(upload.path)
        except OSError:
            size = _PREVIEW_UPLOAD_LIMIT + 1
    attach = 0 < size <= _PREVIEW_UPLOAD_LIMIT
    raw: list[dict[str, Any]] = [dict(e) for e in request.params.get("embeds", [])]
    if not attach:
        for embed in raw:
            for key in ("image", "thumbnail"):
                if str((embed.get(key) or {}).get("url", "")).startswith("attachment://"):
                    embed.pop(key)
    files = [discord.File(u.path, filename=u.filename) for u in request.uploads] if attach else []
    return [discord.Embed.from_dict(e) for e in raw], files


def _split_channels(value: str | None) -> list[str] | None:
    return None if value is None else [n for n in value.replace(" ", ",").split(",") if n]


class Suggest:
    """Autocompletion of posts, jobs and channel names."""

    def __init__(self, admin: AdminOps) -> None:
        self.admin = admin

    async def posts(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return [Choice(name=label, value=key) for label, key in self.admin.suggest_posts(current)]

    async def jobs(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return [Choice(name=label, value=job) for label, job in self.admin.suggest_jobs(current)]

    async def channels(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        head, _, last = current.rpartition(",")
        names = [n for n in self.admin.channel_names if n.startswith(last.strip())]
        values = [f"{head},{n}" if head else n for n in names][:25]
        return [Choice(name=v, value=v) for v in values]


Tree = app_commands.CommandTree[discord.Client]
ADMINS_ONLY = app_commands.default_permissions(manage_guild=True)


def install(tree: Tree, admin: AdminOps) -> None:
    """Add the admin commands to ``tree``; only members with Manage Server see them by default."""
    suggest = Suggest(admin)
    for add in (_announce, _preview, _schedule, _remind, _simple, _cancel, _resend):
        add(tree, admin, suggest)


def _announce(tree: Tree, admin: AdminOps, suggest: Suggest) -> None:
    @tree.command(name="announce", description=_INFO["announce"])
    @app_commands.describe(
        title="The headline (up to 256 characters)",
        text="The announcement (Markdown); leave it out to write it in a form with line breaks",
        channels="Only these channels, comma-separated (default: every channel)",
        image1="A photo", image2="Another photo", image3="Another photo",
    )  # fmt: skip
    @app_commands.autocomplete(channels=suggest.channels)
    @ADMINS_ONLY
    async def announce(
        interaction: discord.Interaction, title: str | None = None, text: str | None = None,
        channels: str | None = None, image1: discord.Attachment | None = None,
        image2: discord.Attachment | None = None, image3: discord.Attachment | None = None,
    ) -> None:  # fmt: skip
        chosen = admin.check_channels(_split_channels(channels))

        async def publish(answering: discord.Interaction, title: str, text: str) -> None:
            admin.check_text(title, text)
            if image1 or image2 or image3:
                await answering.response.defer(ephemeral=True, thinking=True)
            photos = await download([image1, image2, image3])
            await answer(answering, await admin.announce(title, text, photos, chosen))

        await _with_text(interaction, "New announcement", title, text, admin, publish)


async def _with_text(
    interaction: discord.Interaction, heading: str, title: str | None, text: str | None,
    admin: AdminOps, then: Submit,
) -> None:  # fmt: skip
    """Go on with the text given, or open a form with a multi-line field to write it."""
    if text:
        await then(interaction, title or "", text)
        return
    if title:
        admin.check_title(title)
    await interaction.response.send_modal(TextForm(heading, title, interaction.user.id, then))


def _preview(tree: Tree, admin: AdminOps, suggest: Suggest) -> None:
    @tree.command(name="preview", description=_INFO["preview"])
    @app_commands.describe(post="The post: its key or title")
    @app_commands.autocomplete(post=suggest.posts)
    @ADMINS_ONLY
    async def preview(interaction: discord.Interaction, post: str) -> None:
        found = admin.find_post(post)
        await interaction.response.defer(ephemeral=True, thinking=True)  # images take a while
        shown = admin.preview(found.key)
        first = next((r for r in shown.requests.get("discord", []) if r.method == "POST"), None)
        embeds, files = preview_message(first) if first else ([], [])
        await answer(interaction, shown.text, embeds=embeds, files=files)


def _schedule(tree: Tree, admin: AdminOps, suggest: Suggest) -> None:
    @tree.command(name="schedule", description=_INFO["schedule"])
    @app_commands.describe(
        when="Like 2026-12-01 18:00, tomorrow 9:00, fri 18:00 or in 2h",
        post="An existing post to publish then", title="Or a new announcement: its title",
        text="The new announcement's text", image="A photo for the new announcement",
        channels="Only these channels, comma-separated",
    )  # fmt: skip
    @app_commands.autocomplete(post=suggest.posts, channels=suggest.channels)
    @ADMINS_ONLY
    async def schedule(
        interaction: discord.Interaction, when: str, post: str | None = None,
        title: str | None = None, text: str | None = None,
        image: discord.Attachment | None = None, channels: str | None = None,
    ) -> None:  # fmt: skip
        moment = parse_when(when, now=admin.clock(), default_hour=admin.publish_hour)
        if post and (title or text or image):
            raise AdminError("Give either a post or a new title and text, not both.")
        if post:
            await answer(interaction, await admin.schedule_post(post, moment))
            return
        chosen = admin.check_channels(_split_channels(channels))

        async def plan(answering: discord.Interaction, title: str, text: str) -> None:
            admin.check_text(title, text)
            photos = await download([image])
            await answer(answering, await admin.schedule_text(title, text, moment, photos, chosen))

        heading = f"Announcement for {describe(moment)}"[:45]
        await _with_text(interaction, heading, title, text, admin, plan)


def _remind(tree: Tree, admin: AdminOps, suggest: Suggest) -> None:
    @tree.command(name="remind", description=_INFO["remind"])
    @app_commands.describe(post="The event post", offsets="How long before the start, like: 1d 2h")
    @app_commands.autocomplete(post=suggest.posts)
    @ADMINS_ONLY
    async def remind(interaction: discord.Interaction, post: str, offsets: str) -> None:
        await answer(interaction, await admin.remind(post, offsets.replace(",", " ").split()))


def _simple(tree: Tree, admin: AdminOps, suggest: Suggest) -> None:
    @tree.command(name="queue", description=_INFO["queue"])
    @ADMINS_ONLY
    async def queue(interaction: discord.Interaction) -> None:
        await answer(interaction, admin.queue())

    @tree.command(name="status", description=_INFO["status"])
    @ADMINS_ONLY
    async def status(interaction: discord.Interaction) -> None:
        await answer(interaction, admin.status())


def _cancel(tree: Tree, admin: AdminOps, suggest: Suggest) -> None:
    @tree.command(name="cancel", description=_INFO["cancel"])
    @app_commands.describe(job="The job, as /queue lists it")
    @app_commands.autocomplete(job=suggest.jobs)
    @ADMINS_ONLY
    async def cancel(interaction: discord.Interaction, job: str) -> None:
        await answer(interaction, await admin.cancel(job))


def _resend(tree: Tree, admin: AdminOps, suggest: Suggest) -> None:
    @tree.command(name="resend", description=_INFO["resend"])
    @app_commands.describe(post="The post", channel="Only this channel (default: every channel)")
    @app_commands.autocomplete(post=suggest.posts, channel=suggest.channels)
    @ADMINS_ONLY
    async def resend(
        interaction: discord.Interaction, post: str, channel: str | None = None
    ) -> None:
        await answer(interaction, await admin.resend(post, channel))
