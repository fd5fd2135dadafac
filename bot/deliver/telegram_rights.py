"""Whether the bot may do in a Telegram chat what the configuration asks (pure).

From the chat (`getChat`) and the bot's own membership (`getChatMember`): in a channel the bot
must be an administrator with "Post messages" (and "Edit messages of others" to pin); in a
group it must be allowed to send messages, photos and files — as an administrator, or as a
member by the group's permissions or its own restrictions — and be an administrator with "Pin
messages" to pin. A topic (`thread_id`) needs a forum; the Bot API has no call that looks a
topic up without posting in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .probe import Check, Needs, failed, passed, warning

SENDING = (
    ("can_send_messages", "Send messages"),
    ("can_send_photos", "Photos"),
    ("can_send_documents", "Files"),
)
ADMIN_STATUSES = ("administrator", "creator")


@dataclass(frozen=True)
class ChatFacts:
    id: int
    type: str  # private | group | supergroup | channel
    title: str
    is_forum: bool = False
    permissions: Mapping[str, bool] = field(default_factory=dict)  # members' defaults

    @property
    def label(self) -> str:
        kind = {"supergroup": "group", "private": "private chat"}.get(self.type, self.type)
        return f"{kind} “{self.title}” ({self.id})"


@dataclass(frozen=True)
class MemberFacts:
    status: str  # creator | administrator | member | restricted | left | kicked
    rights: Mapping[str, bool] = field(default_factory=dict)  # the can_* fields given

    def may(self, right: str) -> bool:
        return self.status == "creator" or bool(self.rights.get(right, False))


def judge(
    name: str, chat: ChatFacts, bot: MemberFacts | None, needs: Needs, thread_id: int | None
) -> list[Check]:
    """One ✓ line when all is well, else one line per thing to fix; warnings beside."""
    if chat.type == "private":
        return [passed(name, f"{chat.label}: the bot may write there")]
    assert bot is not None, "a group or channel has a membership to judge"
    problems = _channel_problems(name, chat, bot, needs) if chat.type == "channel" else (
        _group_problems(name, chat, bot, needs)
    )  # fmt: skip
    topic = _topic(name, chat, bot, thread_id) if thread_id is not None else []
    if problems or any(not c.ok for c in topic):
        return problems + topic
    what = "reports" if needs.reports else "announcements"
    extra = " and pin them" if needs.pin else ""
    return [passed(name, f"{chat.label}: the bot may post {what}{extra}"), *topic]


def _channel_problems(name: str, chat: ChatFacts, bot: MemberFacts, needs: Needs) -> list[Check]:
    if bot.status not in ADMIN_STATUSES:
        return [failed(
            name, f"the bot is not an administrator of {chat.label}, so it cannot post there",
            "add the bot to the channel as an admin with 'Post messages'",
        )]  # fmt: skip
    problems = []
    if not bot.may("can_post_messages"):
        problems.append(failed(
            name, f"the bot is an admin of {chat.label} without 'Post messages'",
            "give the bot 'Post messages' in the channel's administrator rights",
        ))  # fmt: skip
    if needs.pin and not bot.may("can_edit_messages"):
        problems.append(failed(
            name, f"pin = true, but the bot may not pin in {chat.label}",
            "give the bot 'Edit messages of others' in the channel's administrator rights "
            "(a channel's pins need it), or set pin = false",
        ))  # fmt: skip
    return problems


def _group_problems(name: str, chat: ChatFacts, bot: MemberFacts, needs: Needs) -> list[Check]:
    if bot.status in ("left", "kicked"):
        gone = "was removed from" if bot.status == "kicked" else "is not a member of"
        return [failed(name, f"the bot {gone} {chat.label}", "add the bot to the group again")]
    problems = []
    if bot.status not in ADMIN_STATUSES:
        allowed = bot.rights if bot.status == "restricted" else chat.permissions
        wanted = SENDING[:1] if needs.reports else SENDING
        lacking = [label for right, label in wanted if not allowed.get(right, False)]
        if lacking:
            where = (
                "the bot's restrictions (the group's exceptions)" if bot.status == "restricted"
                else "the group's permissions for members"
            )  # fmt: skip
            problems.append(failed(
                name, f"in {chat.label} the bot may not send {_listed(lacking)}",
                f"allow {_listed(lacking)} in {where}, or make the bot an admin",
            ))  # fmt: skip
    if needs.pin and not (bot.status in ADMIN_STATUSES and bot.may("can_pin_messages")):
        problems.append(failed(
            name, f"pin = true, but the bot may not pin in {chat.label}",
            "make the bot an admin of the group with 'Pin messages', or set pin = false",
        ))  # fmt: skip
    return problems


def _topic(name: str, chat: ChatFacts, bot: MemberFacts, thread_id: int) -> list[Check]:
    if not chat.is_forum:
        return [failed(
            name, f"thread_id = {thread_id}, but {chat.label} has no topics",
            "turn topics on in the group's settings, or remove thread_id",
        )]  # fmt: skip
    detail = (
        f"topic {thread_id}: the Bot API cannot look a topic up without posting in it; "
        "the first announcement there tells"
    )
    if not bot.may("can_manage_topics"):
        return [warning(
            name, detail + "; if the topic is closed, only admins with 'Manage topics' may post",
            "give the bot 'Manage topics' to post in closed topics too",
        )]  # fmt: skip
    return [warning(name, detail)]


def _listed(labels: list[str]) -> str:
    quoted = [f"'{label}'" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
