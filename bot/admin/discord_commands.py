"""The application commands on Discord: options, autocompletion and answers.

Handlers raise :class:`AdminError` for anything the admin can fix; the tree's error handler
answers it (see ``bot.admin.discord``). Every answer is ephemeral: only the admin sees it, in
the language of their Discord client. With drafts (``[admin] confirm``, and always for
editors), a new announcement is shown with its buttons instead of going out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import discord
from discord import app_commands
from discord.app_commands import Choice

from ..errors import AdminError
from ..format.admin import PICTURE_NAME
from ..i18n import Words
from ..service.admin import AdminOps
from .commands import COMMANDS
from .discord_drafts import DiscordDrafts, person
from .discord_form import Submit, TextForm, answer, words_of
from .discord_media import download, preview_message
from .when import describe, parse_when

_INFO = {c.name: c.summary for c in COMMANDS}
Role = Callable[[discord.Interaction], str | None]


def _split_channels(value: str | None) -> list[str] | None:
    return None if value is None else [n for n in value.replace(" ", ",").split(",") if n]


@dataclass
class Commands:
    """What the handlers share: the admin use-cases and the drafts."""

    admin: AdminOps
    drafts: DiscordDrafts
    confirm: bool = True
    role: Role = lambda interaction: "admin"

    def drafting(self, interaction: discord.Interaction) -> bool:
        return self.confirm or self.role(interaction) != "admin"

    async def new_post(
        self, interaction: discord.Interaction, title: str, text: str,
        images: list[discord.Attachment | None], channels: list[str] | None,
        when: datetime | None, w: Words,
    ) -> None:  # fmt: skip
        """A draft to decide on, or (without drafts) the post published or scheduled now."""
        admin = self.admin
        admin.check_text(title, text, w)
        if self.drafting(interaction) or any(images):
            await interaction.response.defer(ephemeral=True, thinking=True)
        photos = await download(images, w)
        if self.drafting(interaction):
            actor = person(interaction.user, self.role(interaction) or "editor", w)
            shown = await self.drafts.drafts.create(
                actor, title, text, photos, channels, publish_at=when, w=w
            )
            await self.drafts.show(interaction, shown, w)
        elif when is not None:
            await answer(interaction, await admin.schedule_text(title, text, when, photos,
                                                                channels, w))  # fmt: skip
        else:
            await answer(interaction, await admin.announce(title, text, photos, channels, w))


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


def install(tree: Tree, commands: Commands) -> None:
    """Add the admin commands to ``tree``; only members with Manage Server see them by default."""
    suggest = Suggest(commands.admin)
    for add in (_announce, _preview, _schedule, _remind, _simple, _cancel, _resend):
        add(tree, commands, suggest)


def _announce(tree: Tree, commands: Commands, suggest: Suggest) -> None:
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
        w = words_of(interaction)
        chosen = commands.admin.check_channels(_split_channels(channels), w)

        async def publish(answering: discord.Interaction, title: str, text: str) -> None:
            images = [image1, image2, image3]
            await commands.new_post(answering, title, text, images, chosen, None, w)

        heading = w._("New announcement")
        await _with_text(interaction, heading, title, text, commands.admin, publish, w)


async def _with_text(
    interaction: discord.Interaction, heading: str, title: str | None, text: str | None,
    admin: AdminOps, then: Submit, w: Words,
) -> None:  # fmt: skip
    """Go on with the text given, or open a form with a multi-line field to write it."""
    if text:
        await then(interaction, title or "", text)
        return
    if title:
        admin.check_title(title, w)
    form = TextForm(heading, title, interaction.user.id, then, w)
    await interaction.response.send_modal(form)


def _preview(tree: Tree, commands: Commands, suggest: Suggest) -> None:
    @tree.command(name="preview", description=_INFO["preview"])
    @app_commands.describe(post="The post: its key or title")
    @app_commands.autocomplete(post=suggest.posts)
    @ADMINS_ONLY
    async def preview(interaction: discord.Interaction, post: str) -> None:
        w, admin = words_of(interaction), commands.admin
        found = admin.find_post(post, w)
        await interaction.response.defer(ephemeral=True, thinking=True)  # images take a while
        shown = admin.preview(found.key, w)
        picture = await commands.drafts.drafts.picture(shown.document)
        if picture is not None:
            file = discord.File(picture, filename=PICTURE_NAME)
            await answer(interaction, shown.text, files=[file])
            return
        first = next((r for r in shown.requests.get("discord", []) if r.method == "POST"), None)
        embeds, files = preview_message(first) if first else ([], [])
        await answer(interaction, shown.text, embeds=embeds, files=files)


def _schedule(tree: Tree, commands: Commands, suggest: Suggest) -> None:
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
        w, admin = words_of(interaction), commands.admin
        moment = parse_when(when, now=admin.clock(), default_hour=admin.publish_hour, w=w)
        if post and (title or text or image):
            raise AdminError(w._("Give either a post or a new title and text, not both."))
        if post:
            await answer(interaction, await admin.schedule_post(post, moment, w))
            return
        chosen = admin.check_channels(_split_channels(channels), w)

        async def plan(answering: discord.Interaction, title: str, text: str) -> None:
            await commands.new_post(answering, title, text, [image], chosen, moment, w)

        # TRANSLATORS: the title of the form for a scheduled announcement (45 characters).
        heading = w._("Announcement for {when}").format(when=describe(moment, w))
        await _with_text(interaction, heading, title, text, admin, plan, w)


def _remind(tree: Tree, commands: Commands, suggest: Suggest) -> None:
    @tree.command(name="remind", description=_INFO["remind"])
    @app_commands.describe(post="The event post", offsets="How long before the start, like: 1d 2h")
    @app_commands.autocomplete(post=suggest.posts)
    @ADMINS_ONLY
    async def remind(interaction: discord.Interaction, post: str, offsets: str) -> None:
        typed = offsets.replace(",", " ").split()
        w = words_of(interaction)
        await answer(interaction, await commands.admin.remind(post, typed, w))


def _simple(tree: Tree, commands: Commands, suggest: Suggest) -> None:
    @tree.command(name="queue", description=_INFO["queue"])
    @ADMINS_ONLY
    async def queue(interaction: discord.Interaction) -> None:
        await answer(interaction, commands.admin.queue(words_of(interaction)))

    @tree.command(name="status", description=_INFO["status"])
    @ADMINS_ONLY
    async def status(interaction: discord.Interaction) -> None:
        await answer(interaction, commands.admin.status(words_of(interaction)))


def _cancel(tree: Tree, commands: Commands, suggest: Suggest) -> None:
    @tree.command(name="cancel", description=_INFO["cancel"])
    @app_commands.describe(job="The job, as /queue lists it")
    @app_commands.autocomplete(job=suggest.jobs)
    @ADMINS_ONLY
    async def cancel(interaction: discord.Interaction, job: str) -> None:
        await answer(interaction, await commands.admin.cancel(job, words_of(interaction)))


def _resend(tree: Tree, commands: Commands, suggest: Suggest) -> None:
    @tree.command(name="resend", description=_INFO["resend"])
    @app_commands.describe(post="The post", channel="Only this channel (default: every channel)")
    @app_commands.autocomplete(post=suggest.posts, channel=suggest.channels)
    @ADMINS_ONLY
    async def resend(
        interaction: discord.Interaction, post: str, channel: str | None = None
    ) -> None:
        w = words_of(interaction)
        await answer(interaction, await commands.admin.resend(post, channel, w))
