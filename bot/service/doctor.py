"""`doctor`: the live set-up checked before the first post, sending nothing.

The platforms' probes look at their tokens, each channel (it exists, the bot may post there,
and pin or ping where the configuration asks) and what else they need (admins, servers); then
the git remote and the state database. One `Check` per line, each failure with its fix.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..deliver.probe import Check, Needs, Probe, failed, passed, warning
from ..domain import Channel
from ..errors import BotError
from ..store.schema import DatabaseState

MIGRATE = "run python -m bot migrate"
GIT_FIX = (
    "check [content.git] url and branch; a private repository needs GIT_TOKEN (https) "
    "or GIT_SSH_KEY (ssh)"
)

__all__ = ["Check", "Doctor", "Needs", "Target"]


@dataclass(frozen=True)
class Target:
    """A channel, and what the configuration asks of it."""

    channel: Channel
    needs: Needs = field(default_factory=Needs)


class Doctor:
    def __init__(
        self,
        probes: Mapping[str, Probe],  # by channel platform; one probe may serve several
        targets: Sequence[Target],
        *,
        database: Callable[[], DatabaseState],
        head: str,
        auto_migrate: bool = True,
        git: Callable[[], str] | None = None,  # one line, or a BotError saying what is wrong
    ) -> None:
        self.probes = probes
        self.targets = list(targets)
        self.database = database
        self.head = head
        self.auto_migrate = auto_migrate
        self.git = git

    async def run(self) -> list[Check]:
        unique = list({id(p): p for p in self.probes.values()}.values())
        checks: list[Check] = []
        try:
            for probe in unique:
                mine = [t.channel for t in self.targets if self.probes[t.channel.platform] is probe]
                checks += await probe.open(mine)
            for target in self.targets:
                probe = self.probes[target.channel.platform]
                checking = probe.channel(target.channel, target.needs)
                checks += await _guarded(target.channel.name, checking)
            for probe in unique:
                checks += await _guarded("admins and servers", probe.extras())
        finally:
            for probe in unique:
                await probe.close()
        if self.git is not None:
            checks.append(await self._git(self.git))
        checks.append(self._database(await asyncio.to_thread(self.database)))
        return checks

    @staticmethod
    async def _git(check_remote: Callable[[], str]) -> Check:
        try:
            line = await asyncio.to_thread(check_remote)
        except BotError as exc:
            return failed("git", str(exc), GIT_FIX)
        return passed("git", line)

    def _database(self, state: DatabaseState) -> Check:
        where, head = state.where, self.head
        if state.error is not None:
            return failed(
                "database", f"{where}: cannot connect: {state.error}",
                "check DATABASE_URL, and that the database server runs and lets this host in",
            )  # fmt: skip
        if state.revision is None:
            what = "does not exist yet" if not state.created else "is empty"
            if self.auto_migrate:
                return warning("database", f"{where} {what}: the first start creates it")
            return failed("database", f"{where} {what}", MIGRATE + " to create it")
        if state.revision == head:
            return passed("database", f"{where}: reachable, at the latest revision ({head})")
        if _newer(state.revision, head):
            return failed(
                "database", f"{where} is at revision {state.revision}, newer than this "
                f"release knows ({head})", "run the release that upgraded it, or a newer one",
            )  # fmt: skip
        also = " (or start the service: [database] auto_migrate upgrades it)"
        return failed(
            "database", f"{where} is at revision {state.revision}; this release needs {head}",
            MIGRATE + (also if self.auto_migrate else ""),
        )  # fmt: skip


async def _guarded(name: str, checking: Awaitable[list[Check]]) -> list[Check]:
    """A check that breaks (an answer nobody expected) is a line too; the others go on."""
    try:
        return await checking
    except Exception as exc:  # doctor reports every check, whatever happens to one
        return [failed(name, f"could not be checked: {type(exc).__name__}: {exc}", "try again")]


def _newer(revision: str, head: str) -> bool:
    return revision.isdigit() and head.isdigit() and int(revision) > int(head)
