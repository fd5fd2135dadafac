"""The admin commands, as both platforms list them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandInfo:
    name: str
    summary: str  # one line, at most 100 characters (Discord's limit)
    usage: str  # Telegram syntax; ⏎ marks a new line


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("announce", "Write a new post and publish it to every channel",
                "/announce [to:tg-news,dc-news] Title ⏎ Text (photos: send them with it)"),
    CommandInfo("preview", "Show privately how a post looks on each platform", "/preview <post>"),
    CommandInfo("schedule", "Publish a post, or a new text, at a later time",
                "/schedule <post> <when>, or /schedule <when> ⏎ Title ⏎ Text"),
    CommandInfo("remind", "Add reminders before an event", "/remind <post> 1d 2h"),
    CommandInfo("queue", "List what is scheduled", "/queue"),
    CommandInfo("cancel", "Cancel a scheduled job", "/cancel <job id from /queue>"),
    CommandInfo("status", "Deliveries and failures per channel", "/status"),
    CommandInfo("resend", "Send a post again, everywhere or to one channel",
                "/resend <post> [channel]"),
)  # fmt: skip

NAMES = frozenset(c.name for c in COMMANDS)
HELP_SUMMARY = "What this bot does and how to use it"


def help_text(association: str) -> str:
    lines = [f"Admin commands of the {association} announcement bot:", ""]
    lines += [f"{c.usage}\n  {c.summary}" for c in COMMANDS]
    lines += [
        "",
        "Times are in the association's time zone: 2026-12-01 18:00, tomorrow 9:00, fri 18:00,"
        " in 2h. A post is named by its file name (key) or its title.",
    ]
    return "\n".join(lines)
