"""The bot's permissions in a Discord channel, computed as Discord documents it (pure).

https://discord.com/developers/docs/topics/permissions: the base permissions in the server
(owner: all; else @everyone's, plus every role's; ADMINISTRATOR: all), then the channel's
overwrites in this order — @everyone's, all roles' together (deny, then allow), the member's
own — and the implicit rules: without VIEW_CHANNEL nothing else counts; in a text channel
without SEND_MESSAGES, mentions, TTS, embeds and files are lost too; a member timed out keeps
only VIEW_CHANNEL and READ_MESSAGE_HISTORY.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
SEND_TTS_MESSAGES = 1 << 12
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
ADMINISTRATOR = 1 << 3
MANAGE_EVENTS = 1 << 33
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
CREATE_EVENTS = 1 << 44
PIN_MESSAGES = 1 << 51  # pinning left MANAGE_MESSAGES for a permission of its own in 2026
ALL = (1 << 53) - 1

TEXT, ANNOUNCEMENT, FORUM = 0, 5, 15
KINDS = {TEXT: "text channel", ANNOUNCEMENT: "announcement channel", FORUM: "forum channel"}
ROLE, MEMBER = 0, 1  # overwrite types

# as Discord's apps name them, for the fixes doctor suggests
NAMES = {
    VIEW_CHANNEL: "View Channel",
    SEND_MESSAGES: "Send Messages",
    EMBED_LINKS: "Embed Links",
    ATTACH_FILES: "Attach Files",
    READ_MESSAGE_HISTORY: "Read Message History",
    MENTION_EVERYONE: "Mention @everyone, @here, and All Roles",
    MANAGE_MESSAGES: "Manage Messages",
    PIN_MESSAGES: "Pin Messages",
    SEND_MESSAGES_IN_THREADS: "Send Messages in Threads",
    CREATE_PUBLIC_THREADS: "Create Public Threads",
    CREATE_EVENTS: "Create Events",
    MANAGE_EVENTS: "Manage Events",
}
_LOST_WITHOUT_SEND = MENTION_EVERYONE | SEND_TTS_MESSAGES | ATTACH_FILES | EMBED_LINKS
_KEPT_IN_TIMEOUT = VIEW_CHANNEL | READ_MESSAGE_HISTORY


@dataclass(frozen=True)
class Overwrite:
    id: int
    type: int  # ROLE or MEMBER
    allow: int = 0
    deny: int = 0


@dataclass(frozen=True)
class Member:
    """The bot as a member of one server."""

    user_id: int
    roles: frozenset[int]
    timed_out: bool = False  # communication_disabled_until lies in the future


def base_permissions(member: Member, *, guild_id: int, owner_id: int, roles: dict[int, int]) -> int:
    """Server-wide: `roles` maps every role id of the server (@everyone's is the server's
    id) to its permission bits."""
    if member.user_id == owner_id:
        return ALL
    permissions = roles.get(guild_id, 0)
    for role in member.roles:
        permissions |= roles.get(role, 0)
    if permissions & ADMINISTRATOR:
        return ALL
    return permissions


def channel_permissions(
    base: int,
    member: Member,
    *,
    guild_id: int,
    overwrites: Iterable[Overwrite],
    channel_type: int = TEXT,
) -> int:
    """In one channel, from the base permissions and the channel's overwrites."""
    if base & ADMINISTRATOR or base == ALL:
        permissions = ALL
    else:
        by_target = {(o.type, o.id): o for o in overwrites}
        permissions = base
        if everyone := by_target.get((ROLE, guild_id)):
            permissions = (permissions & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role in member.roles:
            if found := by_target.get((ROLE, role)):
                allow |= found.allow
                deny |= found.deny
        permissions = (permissions & ~deny) | allow
        if own := by_target.get((MEMBER, member.user_id)):
            permissions = (permissions & ~own.deny) | own.allow
    return _implicit(permissions, member, channel_type)


def _implicit(permissions: int, member: Member, channel_type: int) -> int:
    if member.timed_out and permissions != ALL:
        permissions &= _KEPT_IN_TIMEOUT
    if not permissions & VIEW_CHANNEL:
        return 0
    if channel_type in (TEXT, ANNOUNCEMENT) and not permissions & SEND_MESSAGES:
        permissions &= ~_LOST_WITHOUT_SEND
    return permissions


def needed(
    channel_type: int, *, pin: bool = False, mention_everyone: bool = False, reports: bool = False
) -> int:
    """What the bot needs where it posts. Forum posts are threads: "Send Messages" is what the
    apps call "Create Posts" there, and follow-ups need "Send Messages in Threads". Replies
    (reminders answer the announcement) need "Read Message History"."""
    if reports:
        return VIEW_CHANNEL | SEND_MESSAGES
    bits = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY
    if channel_type == FORUM:
        bits |= SEND_MESSAGES_IN_THREADS
    if pin:
        bits |= PIN_MESSAGES
    if mention_everyone:
        bits |= MENTION_EVERYONE
    return bits


def missing(permissions: int, wanted: int) -> list[int]:
    """The single bits of `wanted` that `permissions` lacks, lowest first."""
    lacking = wanted & ~permissions
    return [1 << i for i in range(lacking.bit_length()) if lacking >> i & 1]


def names(bits: Collection[int], *, forum: bool = False) -> str:
    """`'Attach Files' and 'Embed Links'`, as the apps label them."""
    labels = []
    for bit in bits:
        label = NAMES.get(bit, f"permission {bit}")
        if forum and bit == SEND_MESSAGES:
            label = "Create Posts"
        labels.append(f"'{label}'")
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
