"""Core value types shared by every layer. Frozen, timezone-aware, free of I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

Platform = Literal["telegram", "discord", "discord-webhook"]
ChannelKind = Literal["text", "announcement", "forum"]  # what a Discord channel turned out to be
MAP_URL = "https://www.google.com/maps/search/?api=1&query={query}"  # an event's place
VERSION_MARK = "@"  # a post's key is its slug, or `slug@lang` for another language's version
EVENT_LENGTH = timedelta(hours=2)  # an event without an end: its calendar file, pins, reminders


@dataclass(frozen=True, slots=True)
class Event:
    """A post that announces something happening at a given time."""

    start: datetime
    end: datetime | None = None
    location: str | None = None
    url: str | None = None
    reminders: tuple[str, ...] | None = None  # offsets like "7d", "2h"; None = config default


@dataclass(frozen=True, slots=True)
class Version:
    """Another language's version of the same announcement, as a post links to it."""

    lang: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """One announcement, parsed from a file in the content folder."""

    key: str  # stable identity: the slug, with `@lang` for a version in another language
    source: str  # path relative to the content folder, POSIX separators
    title: str
    date: datetime
    body: str  # Markdown, typographic indentation removed
    abstract: str | None = None
    images: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lang: str | None = None
    publish_at: datetime | None = None
    event: Event | None = None
    channels: tuple[str, ...] | None = None  # None = every channel
    has_frontmatter: bool = True
    warnings: tuple[str, ...] = ()
    digest: str = ""  # sha256 of the file's bytes
    slug: str | None = None  # frontmatter `slug`, else from the file name; None: the key
    page: bool = True  # False: the post has no page on the website to link to
    versions: tuple[Version, ...] = ()  # the other languages' versions (set when formatting)

    @property
    def due_at(self) -> datetime:
        """When the post should go out: `publish_at`, else its date."""
        return self.publish_at or self.date

    @property
    def shared_slug(self) -> str:
        """The slug every language's version of this announcement shares."""
        return self.slug or slug_of(self.key)


@dataclass(frozen=True, slots=True)
class Media:
    """An image ready to be sent: a local file inside the static folder, or a public URL."""

    src: str  # as written in the post
    filename: str  # upload name, unique within a post, safe for attachment://
    path: str | None = None  # absolute local path to upload (possibly a downscaled copy)
    url: str | None = None  # used when no local file is available
    width: int = 0
    height: int = 0
    size: int = 0
    as_document: bool = False  # too large for a photo even after downscaling


@dataclass(frozen=True, slots=True)
class Channel:
    """One destination, from a `[[channels]]` table of the configuration."""

    name: str
    platform: Platform
    chat_id: str | None = None
    thread_id: int | None = None
    channel_id: str | None = None
    webhook_url_env: str | None = None
    tags: tuple[str, ...] = ()  # when set, only posts with one of these tags go here
    lang: str = "en"  # the version of a post this channel gets, and the bot's words in it
    silent: bool = False  # no notification sound
    pin: bool = False  # pin each announcement; an event's pin goes when the event ends
    buttons: bool = False  # URL buttons: the post's page, the event's link, map, calendar
    template: str | None = None  # the announcement template's file, as configured
    template_source: str | None = field(default=None, repr=False)  # its text, read at start
    crosspost: bool = False  # Discord announcement channel: publish to following servers
    mention: str | None = None  # Discord role id pinged on event announcements
    kind: ChannelKind = "text"  # Discord: learned from the channel itself at start
    forum_tags: tuple[tuple[str, str], ...] = ()  # a forum's available tags: (id, name)


def crosspost_lane(channel: str) -> str:
    """The outbox lane of a channel's crossposts: paced apart, so they never hold its posts up."""
    return f"{channel}+crosspost"


def slug_of(key: str) -> str:
    """The slug a post key was made from (`party@km` → `party`)."""
    return key.split(VERSION_MARK, 1)[0]


def version_key(slug: str, lang: str | None, default_lang: str) -> str:
    """The key of a post: its slug for the default language (or none), `slug@lang` else."""
    return slug if not lang or lang == default_lang else f"{slug}{VERSION_MARK}{lang}"


def pick_version(candidates: Sequence[Post], lang: str, default_lang: str) -> Post | None:
    """The version a channel in `lang` gets: its language's, else the default language's,
    else the only one (of several in other languages, the one whose key sorts first)."""

    def lang_of(post: Post) -> str:
        return post.lang or default_lang

    for wanted in (lang, default_lang):
        found = [p for p in candidates if lang_of(p) == wanted]
        if found:
            return min(found, key=lambda p: p.key)
    return min(candidates, key=lambda p: p.key) if candidates else None


def channels_for(post: Post, channels: Sequence[Channel]) -> list[Channel]:
    """The channels a post goes to: those it names, else all whose tag filter it passes."""
    if post.channels is not None:
        wanted = set(post.channels)
        return [c for c in channels if c.name in wanted]
    return [c for c in channels if not c.tags or set(c.tags) & set(post.tags)]
