"""The bot's permissions in a channel, in the order Discord documents: base (owner,
administrator, @everyone and roles), then @everyone's overwrite, the roles' overwrites
together, the member's own, then the implicit rules."""

from __future__ import annotations

from bot.deliver import discord_permissions as p
from bot.deliver.discord_permissions import Member, Overwrite

GUILD, OWNER, BOT = 100, 200, 300
MODS, NEWS = 401, 402  # role ids
POSTING = p.VIEW_CHANNEL | p.SEND_MESSAGES | p.EMBED_LINKS | p.ATTACH_FILES
BOT_MEMBER = Member(BOT, frozenset({MODS, NEWS}))


def base(member: Member = BOT_MEMBER, **roles: int) -> int:
    table = {
        GUILD: roles.get("everyone", 0),
        MODS: roles.get("mods", 0),
        NEWS: roles.get("news", 0),
    }
    return p.base_permissions(member, guild_id=GUILD, owner_id=OWNER, roles=table)


def in_channel(
    base_bits: int, *overwrites: Overwrite, kind: int = p.TEXT, member: Member = BOT_MEMBER
) -> int:
    return p.channel_permissions(
        base_bits, member, guild_id=GUILD, overwrites=overwrites, channel_type=kind
    )


def test_the_base_is_everyone_plus_every_role_of_the_member() -> None:
    assert base(everyone=p.VIEW_CHANNEL, mods=p.SEND_MESSAGES, news=p.ATTACH_FILES) == (
        p.VIEW_CHANNEL | p.SEND_MESSAGES | p.ATTACH_FILES
    )
    stranger = Member(BOT, frozenset())
    assert base(stranger, everyone=p.VIEW_CHANNEL, mods=p.SEND_MESSAGES) == p.VIEW_CHANNEL


def test_the_owner_has_everything_whatever_the_overwrites() -> None:
    owner = Member(OWNER, frozenset())
    everything = base(owner)
    assert everything == p.ALL
    deny_all = Overwrite(OWNER, p.MEMBER, deny=p.ALL)
    assert in_channel(everything, deny_all, member=owner) == p.ALL


def test_administrator_overrides_every_overwrite() -> None:
    admin = base(everyone=p.VIEW_CHANNEL, news=p.ADMINISTRATOR)
    assert admin == p.ALL
    denied = Overwrite(NEWS, p.ROLE, deny=p.VIEW_CHANNEL | p.SEND_MESSAGES)
    assert in_channel(admin, denied) == p.ALL


def test_everyone_overwrite_applies_before_the_roles() -> None:
    bits = base(everyone=POSTING)
    everyone_denies = Overwrite(GUILD, p.ROLE, deny=p.ATTACH_FILES)
    assert p.missing(in_channel(bits, everyone_denies), POSTING) == [p.ATTACH_FILES]
    role_allows = Overwrite(NEWS, p.ROLE, allow=p.ATTACH_FILES)
    assert p.missing(in_channel(bits, everyone_denies, role_allows), POSTING) == []


def test_role_overwrites_combine_and_allow_wins_over_another_roles_deny() -> None:
    bits = base(everyone=POSTING)
    mods_deny = Overwrite(MODS, p.ROLE, deny=p.EMBED_LINKS)
    news_allow = Overwrite(NEWS, p.ROLE, allow=p.EMBED_LINKS)
    assert in_channel(bits, mods_deny, news_allow) & p.EMBED_LINKS
    assert not in_channel(bits, mods_deny) & p.EMBED_LINKS
    # an overwrite for a role the bot does not hold changes nothing
    other = Overwrite(999, p.ROLE, deny=p.EMBED_LINKS)
    assert in_channel(bits, other) & p.EMBED_LINKS


def test_the_members_own_overwrite_comes_last() -> None:
    bits = base(everyone=POSTING)
    role_allows = Overwrite(NEWS, p.ROLE, allow=p.PIN_MESSAGES)
    member_denies = Overwrite(BOT, p.MEMBER, deny=p.PIN_MESSAGES)
    assert in_channel(bits, role_allows) & p.PIN_MESSAGES
    assert not in_channel(bits, role_allows, member_denies) & p.PIN_MESSAGES
    role_denies = Overwrite(NEWS, p.ROLE, deny=p.SEND_MESSAGES)
    member_allows = Overwrite(BOT, p.MEMBER, allow=p.SEND_MESSAGES)
    assert in_channel(bits, role_denies, member_allows) & p.SEND_MESSAGES
    # a member overwrite with the id of a role (or the other way round) is not the member's
    assert not in_channel(bits, role_denies, Overwrite(BOT, p.ROLE, allow=p.SEND_MESSAGES)) & (
        p.SEND_MESSAGES
    )


def test_without_view_channel_nothing_counts() -> None:
    bits = base(everyone=POSTING)
    hidden = Overwrite(GUILD, p.ROLE, deny=p.VIEW_CHANNEL)
    assert in_channel(bits, hidden) == 0


def test_without_send_messages_a_text_channel_takes_embeds_and_files_too() -> None:
    bits = base(everyone=POSTING | p.MENTION_EVERYONE)
    mute = Overwrite(GUILD, p.ROLE, deny=p.SEND_MESSAGES)
    assert in_channel(bits, mute) == p.VIEW_CHANNEL
    announcement = in_channel(bits, mute, kind=p.ANNOUNCEMENT)
    assert announcement == p.VIEW_CHANNEL
    # a forum's posts are threads: its other permissions stay
    forum = in_channel(bits, mute, kind=p.FORUM)
    assert forum & p.ATTACH_FILES and forum & p.EMBED_LINKS


def test_a_timed_out_member_keeps_only_view_and_history() -> None:
    timed_out = Member(BOT, frozenset({NEWS}), timed_out=True)
    bits = base(timed_out, everyone=POSTING | p.READ_MESSAGE_HISTORY)
    assert in_channel(bits, member=timed_out) == p.VIEW_CHANNEL | p.READ_MESSAGE_HISTORY


def test_what_each_kind_of_channel_needs() -> None:
    text = p.needed(p.TEXT)
    assert p.missing(text, POSTING | p.READ_MESSAGE_HISTORY) == []
    assert not text & p.PIN_MESSAGES and not text & p.SEND_MESSAGES_IN_THREADS
    assert p.needed(p.FORUM) & p.SEND_MESSAGES_IN_THREADS
    assert p.needed(p.TEXT, pin=True) & p.PIN_MESSAGES
    assert p.needed(p.TEXT, mention_everyone=True) & p.MENTION_EVERYONE
    assert p.needed(p.TEXT, reports=True) == p.VIEW_CHANNEL | p.SEND_MESSAGES


def test_missing_bits_are_named_as_the_apps_name_them() -> None:
    lacking = p.missing(p.VIEW_CHANNEL, p.needed(p.TEXT))
    assert lacking == [p.SEND_MESSAGES, p.EMBED_LINKS, p.ATTACH_FILES, p.READ_MESSAGE_HISTORY]
    assert p.names([p.ATTACH_FILES]) == "'Attach Files'"
    assert p.names([p.SEND_MESSAGES, p.ATTACH_FILES], forum=True) == (
        "'Create Posts' and 'Attach Files'"
    )
