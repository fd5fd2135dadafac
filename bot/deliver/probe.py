"""What `doctor` asks of each platform: look at the live set-up without sending anything.

A probe makes only reading calls (who am I, what is this chat, what may the bot do there) and
answers in `Check`s: one line each, saying what was found and, when something is wrong, what
to do about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..domain import Channel

PROBE_TIMEOUT = 15.0  # seconds for one reading call; doctor should answer promptly


@dataclass(frozen=True)
class Check:
    name: str  # what was checked: a channel's name, "telegram token", "database", ...
    ok: bool
    detail: str  # what was found
    fix: str = ""  # what to do, when not ok (or for a warning)
    warn: bool = False  # ok, but worth a look

    @property
    def mark(self) -> str:
        return "✗" if not self.ok else "!" if self.warn else "✓"


def passed(name: str, detail: str) -> Check:
    return Check(name, True, detail)


class Unanswered(Exception):
    """A reading call failed; the check's line is ready."""

    def __init__(self, check: Check) -> None:
        self.check = check


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, False, detail, fix)


def warning(name: str, detail: str, fix: str = "") -> Check:
    return Check(name, True, detail, fix, warn=True)


@dataclass(frozen=True)
class Needs:
    """What the configuration asks of a channel, beyond posting announcements there."""

    pin: bool = False
    crosspost: bool = False
    mention: str | None = None  # a role id pinged on event announcements
    reports: bool = False  # an admin chat: text only


class Probe(Protocol):
    """One platform's reading calls. `open` checks the credentials for the channels given
    (the ones on this platform); the other calls come after it."""

    async def open(self, channels: Sequence[Channel]) -> list[Check]: ...

    async def channel(self, channel: Channel, needs: Needs) -> list[Check]: ...

    async def extras(self) -> list[Check]: ...  # admins, servers: what is not a channel

    async def close(self) -> None: ...
