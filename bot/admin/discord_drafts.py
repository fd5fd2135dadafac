"""Drafts on Discord: the buttons under a draft, a form for the time of Schedule…, the admin
channel's copy of an editor's draft, and direct messages to editors.

The buttons are a `DynamicItem` matched by their custom id (``dr:<token>:<letter>``), so they
keep working after a restart; the id is only a lookup key — who pressed is checked here and
by the drafts service. A press is acknowledged at once and its message then edited: the
outcome replaces the buttons.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from ..domain import Channel
from ..errors import DeliveryError
from ..format.admin import PICTURE_NAME, discord_picture
from ..format.discord import content_request, fit_content
from ..i18n import Words
from ..service.answers import quoted
from ..service.drafts import Drafts, Outcome, Person, Shown
from ..store.repo import ShownAt
from .buttons import ACTIONS, PATTERN, buttons
from .discord_form import FORM_TIMEOUT, FORM_TITLE, answer, report_error, words_of
from .telegram_answers import Send
from .when import EXAMPLES, WhenError, parse_when

log = logging.getLogger(__name__)
Role = Callable[[discord.Interaction], str | None]  # admin, editor or None


def refusal(w: Words) -> str:
    return w._("Sorry, these commands are for the association's admins.")


def person(user: discord.abc.User, role: str, w: Words) -> Person:
    return Person("discord", str(user.id), user.display_name, w.lang, admin=role == "admin")


def button_class(desk: DiscordDrafts) -> Any:
    """The class of the draft buttons of one desk (discord.py registers classes)."""

    class DraftButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PATTERN):
        def __init__(self, token: str, code: str, label: str = "…", row: int | None = None):
            style, custom_id = discord.ButtonStyle.secondary, f"dr:{token}:{code}"
            button = discord.ui.Button[Any](label=label, style=style, custom_id=custom_id, row=row)
            super().__init__(button)
            self.token, self.code = token, code

        @classmethod
        async def from_custom_id(
            cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
        ) -> DraftButton:
            label = getattr(item, "label", None) or "…"
            return cls(match["token"], match["code"], label)

        async def callback(self, interaction: discord.Interaction) -> None:
            try:
                await desk.on_press(interaction, self.token, self.code)
            except Exception as exc:
                await report_error(interaction, exc, "a draft's button")

    return DraftButton


class TimeForm(discord.ui.Modal):
    """Schedule…: the time, typed as in /schedule."""

    def __init__(self, desk: DiscordDrafts, token: str, actor: Person, w: Words) -> None:
        draft = desk.drafts.get(token)
        # TRANSLATORS: the title of the form that asks when to publish a draft.
        heading = w._("When should it go out?")
        super().__init__(title=heading[:FORM_TITLE], timeout=FORM_TIMEOUT)
        self.desk, self.token, self.actor, self.w = desk, token, actor, w
        # TRANSLATORS: the field of the form that asks when to publish a draft.
        label = w._("Date and time")
        if draft is not None:
            label = w._("When should {title} go out?").format(title=quoted(draft.title))
        self.when: discord.ui.TextInput[TimeForm] = discord.ui.TextInput(
            label=label[:45], placeholder=EXAMPLES[:100], max_length=100
        )
        self.add_item(self.when)

    async def on_error(  # type: ignore[override]  # a modal's errors come without an item
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report_error(interaction, error, "the form for a draft's time")

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        desk, w = self.desk, self.w
        try:
            moment = parse_when(self.when.value, now=desk.clock(), default_hour=desk.publish_hour,
                                w=w)  # fmt: skip
        except WhenError as exc:
            await answer(interaction, str(exc))
            return
        await interaction.response.defer()
        outcome = await desk.drafts.press(self.token, "schedule", self.actor, w, when=moment)
        await desk.settle(interaction, outcome)


class DiscordDrafts:
    def __init__(
        self, drafts: Drafts, client: discord.Client, send: Send, *, role: Role,
        admin_channel: str | None, tz: ZoneInfo, clock: Callable[[], datetime],
        publish_hour: int,
    ) -> None:  # fmt: skip
        self.drafts, self.client, self.send, self.role = drafts, client, send, role
        self.admin_channel = admin_channel
        self.tz, self.clock, self.publish_hour = tz, clock, publish_hour
        self.button = button_class(self)
        client.add_dynamic_items(self.button)

    def view(self, shown: Shown, w: Words) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        for row, pairs in enumerate(buttons(shown, w, self.tz)):
            for label, data in pairs:
                token, _, code = data.removeprefix("dr:").partition(":")
                view.add_item(self.button(token, code, label[:80], row))
        return view

    async def show(self, interaction: discord.Interaction, shown: Shown, w: Words) -> None:
        """The draft, privately: its picture (or the text preview) and its buttons."""
        files = [discord.File(shown.picture, filename=PICTURE_NAME)] if shown.picture else []
        view = self.view(shown, w) if shown.actions else None
        await answer(interaction, shown.caption, files=files, view=view)

    # -- the Desk of the drafts service -----------------------------------------------------
    async def review(self, shown: Shown) -> bool:
        if not self.admin_channel:
            return False
        w = self.drafts.desk_words
        channel = Channel("admin", "discord", channel_id=self.admin_channel)
        picture = str(shown.picture) if shown.picture else None
        request = discord_picture(channel, picture, shown.caption, buttons(shown, w, self.tz))
        try:
            ids = await self.send(channel, request)
        except DeliveryError as exc:
            log.warning("Discord: cannot post the draft in the admin channel: %s", exc)
            return False
        message = str(ids[0]) if isinstance(ids, list) and ids else ""
        where = ShownAt("discord", self.admin_channel, message, "review")
        self.drafts.note(shown.draft.token, where)
        return True

    async def tell(self, to: Person, text: str) -> None:
        try:
            dm = await self.client.create_dm(discord.Object(id=int(to.id)))
            channel = Channel("editor", "discord", channel_id=str(dm.id))
            await self.send(channel, content_request(channel, text, purpose="answer"))
        except (discord.HTTPException, DeliveryError, ValueError) as exc:
            log.warning("Discord: cannot write to %s privately: %s", to.name, exc)

    # -- presses ----------------------------------------------------------------------------
    async def on_press(self, interaction: discord.Interaction, token: str, code: str) -> None:
        w = words_of(interaction)
        role, action = self.role(interaction), ACTIONS.get(code)
        if role is None:
            log.warning("Discord: refused a button press from user %s (%s)",
                        interaction.user.id, interaction.user)  # fmt: skip
            await answer(interaction, refusal(w))
            return
        if action is None:
            await answer(interaction, w._("This button is not one of mine; nothing was done."))
            return
        actor = person(interaction.user, role, w)
        if action == "schedule":
            refused = self.drafts.check(token, action, actor, w)
            if refused is None:
                await interaction.response.send_modal(TimeForm(self, token, actor, w))
                return
            await interaction.response.defer()
            await self.settle(interaction, refused)
            return
        await interaction.response.defer()  # publishing takes a moment
        await self.settle(interaction, await self.drafts.press(token, action, actor, w))

    async def settle(self, interaction: discord.Interaction, outcome: Outcome) -> None:
        """A decision replaces the message's words and buttons; a refusal is said privately
        (and takes the buttons away when they can do nothing any more)."""
        try:
            if outcome.done:
                await interaction.edit_original_response(
                    content=fit_content(outcome.text), view=None
                )
                return
            if outcome.close:
                await interaction.edit_original_response(view=None)
            await interaction.followup.send(fit_content(outcome.text), ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("Discord: cannot answer a button press: %s", exc)
