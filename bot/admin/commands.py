"""The admin commands, as both platforms list them."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import Words
from ..i18n.labels import N_


@dataclass(frozen=True)
class CommandInfo:
    name: str
    summary: str  # one line, at most 100 characters (Discord's limit); marked for translation
    usage: str  # Telegram syntax; ⏎ marks a new line


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("announce", N_("Write a new post and publish it to every channel"),
                "/announce [to:tg-news,dc-news] Title ⏎ Text (photos: send them with it)"),
    CommandInfo("preview", N_("Show privately how a post looks on each platform"),
                "/preview <post>"),
    CommandInfo("schedule", N_("Publish a post, or a new text, at a later time"),
                "/schedule <post> <when>, or /schedule <when> ⏎ Title ⏎ Text"),
    CommandInfo("remind", N_("Add reminders before an event"), "/remind <post> 1d 2h"),
    CommandInfo("queue", N_("List what is scheduled"), "/queue"),
    CommandInfo("cancel", N_("Cancel a scheduled job"), "/cancel <job id from /queue>"),
    CommandInfo("status", N_("Deliveries and failures per channel"), "/status"),
    CommandInfo("resend", N_("Send a post again, everywhere or to one channel"),
                "/resend <post> [channel]"),
)  # fmt: skip

NAMES = frozenset(c.name for c in COMMANDS)
EDITOR_COMMANDS = frozenset({"announce", "preview"})  # what editors may use
HELP_SUMMARY = N_("What this bot does and how to use it")


def failed(w: Words) -> str:
    return w._("Sorry, that did not work because of an error on my side. It has been logged.")


def help_text(association: str, w: Words, *, editor: bool = False) -> str:
    if editor:
        head = w._("Commands for editors of the {association} announcement bot:")
    else:
        head = w._("Admin commands of the {association} announcement bot:")
    lines = [head.format(association=association), ""]
    shown = [c for c in COMMANDS if not editor or c.name in EDITOR_COMMANDS]
    lines += [f"{c.usage}\n  {w._(c.summary)}" for c in shown]
    if editor:
        lines += ["", w._("Your announcements go to the admins, who approve them before they are "
                          "published.")]  # fmt: skip
    # TRANSLATORS: {examples} are times as typed (English words, not translated).
    times = w._("Times are in the association's time zone: {examples}. A post is named by its "
                "file name (key) or its title.")  # fmt: skip
    lines += ["", times.format(examples="2026-12-01 18:00, tomorrow 9:00, fri 18:00, in 2h")]
    return "\n".join(lines)
