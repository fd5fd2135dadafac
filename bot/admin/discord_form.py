"""Answers on Discord, and the form that takes a text with line breaks.

Command options hold a single line, so ``/announce`` and ``/schedule`` without a ``text`` open
a form (a modal) with a paragraph field. Only the admin who opened a form can submit it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from ..errors import AdminError
from ..format.discord import fit_content
from ..i18n import Words, words
from .commands import failed

log = logging.getLogger(__name__)
FORM_TIMEOUT = 15 * 60.0
FORM_TITLE = 45  # a modal's title, in characters


def words_of(interaction: discord.Interaction) -> Words:
    """The words of the language the member's Discord client uses."""
    return words(str(getattr(interaction.locale, "value", interaction.locale)))


Submit = Callable[[discord.Interaction, str, str], Awaitable[None]]


async def answer(
    interaction: discord.Interaction,
    text: str,
    *,
    embeds: Sequence[discord.Embed] = (),
    files: Sequence[discord.File] = (),
    view: discord.ui.View | None = None,
) -> None:
    """An ephemeral answer, or a follow-up when the interaction was already answered."""
    text = fit_content(text)
    extra: dict[str, Any] = {}  # only what the answer carries: nothing is sent as a placeholder
    if embeds:
        extra["embeds"] = list(embeds)
    if files:
        extra["files"] = list(files)
    if view is not None:
        extra["view"] = view
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, **extra)
        else:
            await interaction.response.send_message(text, ephemeral=True, **extra)
    finally:
        for file in files:
            file.close()


async def report_error(interaction: discord.Interaction, error: BaseException, what: str) -> None:
    """Tell the admin what to fix, or that something broke (and log it)."""
    if isinstance(error, AdminError):
        text = str(error)
    else:
        log.error("Discord: %s failed", what, exc_info=error)
        text = failed(words_of(interaction))
    try:
        await answer(interaction, text)
    except discord.HTTPException as exc:
        log.warning("Discord: could not answer an interaction: %s", exc)


class TextForm(discord.ui.Modal):
    def __init__(
        self, heading: str, title: str | None, opener: int, submit: Submit, w: Words
    ) -> None:
        super().__init__(title=heading[:FORM_TITLE], timeout=FORM_TIMEOUT)
        self.opener = opener
        self.submit = submit
        self.headline: discord.ui.TextInput[TextForm] = discord.ui.TextInput(
            # TRANSLATORS: a field of the form that takes an announcement.
            label=w._("Title"),
            max_length=256,
            default=title or None,
        )
        self.body: discord.ui.TextInput[TextForm] = discord.ui.TextInput(
            # TRANSLATORS: a field of the form that takes an announcement.
            label=w._("Text ({format})").format(format="Markdown"),
            style=discord.TextStyle.paragraph,
            max_length=4000,
        )
        self.add_item(self.headline)
        self.add_item(self.body)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return interaction.user.id == self.opener

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await self.submit(interaction, self.headline.value, self.body.value)

    async def on_error(  # type: ignore[override]  # a modal's errors come without an item
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report_error(interaction, error, f"the form {self.title!r}")
