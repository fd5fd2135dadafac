"""One profile per kind of destination, declared once: every request the bot makes comes from
the profile of its channel (target, route, reply parameters, edits, nonces).

Outside `format/` and `deliver/`, nothing needs to know which platform a channel is on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from ..domain import Channel, Media, Post
from .discord_profile import DiscordProfile
from .layout import FormatOptions
from .model import Rendering, Request, Sent, Step
from .telegram_profile import TelegramProfile


class Profile(Protocol):
    @property
    def platform(self) -> Literal["telegram", "discord"]: ...

    def render(
        self, post: Post, media: Sequence[Media], opts: FormatOptions, channel: Channel
    ) -> Rendering: ...

    def text(self, channel: Channel, text: str, *, purpose: str = "text") -> Request: ...

    def reply(self, request: Request, channel: Channel, message_id: str) -> Request: ...

    def answer(
        self, requests: Sequence[Request], channel: Channel, message_id: str
    ) -> list[Request]: ...

    def calendar(self, channel: Channel, media: Media) -> Request: ...

    def edit(self, channel: Channel, new: Request, old: Sent) -> Request | None: ...

    def delete(self, channel: Channel, old: Sent) -> list[Request]: ...

    def stamp(self, steps: Sequence[Step], identity: str) -> list[Step]: ...

    def pin(self, channel: Channel) -> Request | None: ...

    def unpin(self, channel: Channel, message_id: str) -> Request | None: ...

    def crosspost(self, channel: Channel) -> Request | None: ...


PROFILES: dict[str, Profile] = {
    "telegram": TelegramProfile(),
    "discord": DiscordProfile(webhook=False),
    "discord-webhook": DiscordProfile(webhook=True),
}


def profile_for(channel: Channel) -> Profile:
    return PROFILES[channel.platform]


def render(
    post: Post,
    media: Sequence[Media],
    opts: FormatOptions,
    channel: Channel,
    calendar: Media | None = None,
) -> Rendering:
    """Everything a post becomes in one channel: its messages, then its calendar file."""
    profile = profile_for(channel)
    rendering = profile.render(post, media, opts, channel)
    if calendar is None:
        return rendering
    return Rendering((*rendering.requests, profile.calendar(channel, calendar)), rendering.notes)


def placeholder(platform: str) -> Channel:
    """A stand-in channel for previews of a platform that has no channel configured."""
    if platform == "telegram":
        return Channel("telegram", "telegram", chat_id="{chat_id}")
    return Channel("discord", "discord", channel_id="{channel_id}")
