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

from ..format.model import Request
from .commands import COMMANDS
from .discord_form import TextForm, answer
from .files import MAX_PHOTO_BYTES, Photo
from .lookup import AdminError
from .service import AdminService
from .when import describe

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


def install(tree: app_commands.CommandTree, admin: AdminService) -> None:
    """Add the admin commands to ``tree``; only members with Manage Server see them by default."""
    admins_only = app_commands.default_permissions(manage_guild=True)

    async def posts(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return [Choice(name=label, value=key) for label, key in admin.suggest_posts(current)]

    async def jobs(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return [Choice(name=label, value=job) for label, job in admin.suggest_jobs(current)]

    async def channels(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        head, _, last = current.rpartition(",")
        names = [n for n in admin.channel_names if n.startswith(last.strip())]
        return [Choice(name=f"{head},{n}" if head else n, value=f"{head},{n}" if head else n)
                for n in names][:25]  # fmt: skip

    @tree.command(name="announce", description=_INFO["announce"])
    @app_commands.describe(
        title="The headline (up to 256 characters)",
        text="The announcement (Markdown); leave it out to write it in a form with line breaks",
        channels="Only these channels, comma-separated (default: every channel)",
        image1="A photo", image2="Another photo", image3="Another photo",
    )  # fmt: skip
    @app_commands.autocomplete(channels=channels)
    @admins_only
    async def announce(
        interaction: discord.Interaction, title: str | None = None, text: str | None = None,
        channels: str | None = None, image1: discord.Attachment | None = None,
        image2: discord.Attachment | None = None, image3: discord.Attachment | None = None,
    ) -> None:  # fmt: skip
        chosen = _split_channels(channels)
        admin.check_channels(chosen)

        async def publish(answering: discord.Interaction, title: str, text: str) -> None:
            admin.check_text(title, text)
            if image1 or image2 or image3:
                await answering.response.defer(ephemeral=True, thinking=True)
            photos = await download([image1, image2, image3])
            await answer(answering, await admin.announce(title, text, photos, chosen))

        if not text:
            if title:
                admin.check_title(title)
            form = TextForm("New announcement", title, interaction.user.id, publish)
            await interaction.response.send_modal(form)
            return
        await publish(interaction, title or "", text)

    @tree.command(name="preview", description=_INFO["preview"])
    @app_commands.describe(post="The post: its key or title")
    @app_commands.autocomplete(post=posts)
    @admins_only
    async def preview(interaction: discord.Interaction, post: str) -> None:
        found = admin.find_post(post)
        await interaction.response.defer(ephemeral=True, thinking=True)  # images take a while
        shown = admin.preview(found.key)
        embeds, files = preview_message(shown.discord) if shown.discord else ([], [])
        await answer(interaction, shown.text, embeds=embeds, files=files)

    @tree.command(name="schedule", description=_INFO["schedule"])
    @app_commands.describe(
        when="Like 2026-12-01 18:00, tomorrow 9:00, fri 18:00 or in 2h",
        post="An existing post to publish then", title="Or a new announcement: its title",
        text="The new announcement's text", image="A photo for the new announcement",
        channels="Only these channels, comma-separated",
    )  # fmt: skip
    @app_commands.autocomplete(post=posts, channels=channels)
    @admins_only
    async def schedule(
        interaction: discord.Interaction, when: str, post: str | None = None,
        title: str | None = None, text: str | None = None,
        image: discord.Attachment | None = None, channels: str | None = None,
    ) -> None:  # fmt: skip
        moment = admin.when(when)
        if post and (title or text or image):
            raise AdminError("Give either a post or a new title and text, not both.")
        if post:
            await answer(interaction, await admin.schedule_post(post, moment))
            return
        chosen = _split_channels(channels)
        admin.check_channels(chosen)

        async def plan(answering: discord.Interaction, title: str, text: str) -> None:
            admin.check_text(title, text)
            photos = await download([image])
            await answer(answering, await admin.schedule_text(title, text, moment, photos, chosen))

        if not text:
            if title:
                admin.check_title(title)
            form = TextForm(
                f"Announcement for {describe(moment)}"[:45], title, interaction.user.id, plan
            )
            await interaction.response.send_modal(form)
            return
        await plan(interaction, title or "", text)

    @tree.command(name="remind", description=_INFO["remind"])
    @app_commands.describe(post="The event post", offsets="How long before the start, like: 1d 2h")
    @app_commands.autocomplete(post=posts)
    @admins_only
    async def remind(interaction: discord.Interaction, post: str, offsets: str) -> None:
        await answer(interaction, await admin.remind(post, offsets.replace(",", " ").split()))

    @tree.command(name="queue", description=_INFO["queue"])
    @admins_only
    async def queue(interaction: discord.Interaction) -> None:
        await answer(interaction, admin.queue())

    @tree.command(name="cancel", description=_INFO["cancel"])
    @app_commands.describe(job="The job, as /queue lists it")
    @app_commands.autocomplete(job=jobs)
    @admins_only
    async def cancel(interaction: discord.Interaction, job: str) -> None:
        await answer(interaction, await admin.cancel(job))

    @tree.command(name="status", description=_INFO["status"])
    @admins_only
    async def status(interaction: discord.Interaction) -> None:
        await answer(interaction, admin.status())

    @tree.command(name="resend", description=_INFO["resend"])
    @app_commands.describe(post="The post", channel="Only this channel (default: every channel)")
    @app_commands.autocomplete(post=posts, channel=channels)
    @admins_only
    async def resend(
        interaction: discord.Interaction, post: str, channel: str | None = None
    ) -> None:
        await answer(interaction, await admin.resend(post, channel))
