"""One leader among the processes sharing a database: a rolling deploy, a standby, a mistake.

Every process keeps a row of its own alive (`beat`). The one holding the `leader` lease does
all the work — delivers, schedules, watches, follows the repository, answers commands; the
others stand by with their connections idle and try to take the lease every `poll` seconds.
The leader renews it every `renew` seconds; a lease not renewed for `ttl` seconds (the leader
died or froze) is free. Giving it up on a clean stop makes a standby take over within `poll`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from ..store.leases import LeaseStore

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class Leadership:
    def __init__(
        self,
        store: LeaseStore,
        *,
        clock: Clock,
        ttl: float = 15.0,
        renew: float = 5.0,
        poll: float = 0.5,
        host: str | None = None,
        pid: int | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.ttl = timedelta(seconds=ttl)
        self.renew = renew
        self.poll = poll
        self.host = host or socket.gethostname()
        self.pid = os.getpid() if pid is None else pid
        self.owner = f"{self.host}:{self.pid}:{secrets.token_hex(4)}"
        self.leading = False
        self.lost = asyncio.Event()  # set when the lease slipped away while leading
        self._expires: datetime | None = None
        self._keeper: asyncio.Task[None] | None = None

    @property
    def role(self) -> str:
        return "leader" if self.leading else "standby"

    def beat(self) -> None:
        """Keep this process's row alive (and say what it does)."""
        now = self.clock()
        self.store.beat(
            self.owner, host=self.host, pid=self.pid, role=self.role, now=now, until=now + self.ttl
        )

    def try_take(self) -> bool:
        """One attempt at the lease; True when this process leads from now on."""
        now = self.clock()
        if not self.store.take_lease(self.owner, now, now + self.ttl):
            return False
        self._expires = now + self.ttl
        if not self.leading:
            self.leading = True
            self.lost.clear()
            self.beat()
            self._keeper = asyncio.get_running_loop().create_task(self._keep(), name="lease")
        return True

    def holder(self) -> str:
        """Who leads now, for the log."""
        lease = self.store.lease()
        if lease is None:
            return "nobody"
        return f"{lease.owner.rsplit(':', 1)[0]} (since {lease.since:%Y-%m-%d %H:%M:%S} UTC)"

    async def wait(self, stop: asyncio.Event) -> bool:
        """Stand by until this process leads (True) or `stop` is set (False)."""
        said = False
        next_beat = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                if self.try_take():
                    return True
                if loop.time() >= next_beat:
                    self.beat()
                    next_beat = loop.time() + self.renew
                if not said:
                    log.info("standing by: %s leads; taking over when it stops", self.holder())
                    said = True
            except Exception as exc:  # the database is down: keep trying
                log.warning("standing by: cannot reach the database (%s)", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.poll)
        return False

    async def _keep(self) -> None:
        """Renew the lease while leading; give the work up the moment it cannot be held."""
        while self.leading:
            await asyncio.sleep(self.renew)
            now = self.clock()
            try:
                kept = self.store.take_lease(self.owner, now, now + self.ttl)
                if kept:
                    self._expires = now + self.ttl
                    self.beat()
            except Exception as exc:
                kept = self._expires is not None and now < self._expires - timedelta(seconds=1)
                log.warning("cannot renew the lease (%s); it holds until %s", exc, self._expires)
            if not kept:
                log.error("lost the lease to %s: stopping work", self.holder_or_unknown())
                self.leading = False
                self.lost.set()
                return

    def holder_or_unknown(self) -> str:
        try:
            return self.holder()
        except Exception:
            return "another process"

    async def release(self) -> None:
        """Stop leading and give the lease up at once."""
        keeper, self._keeper = self._keeper, None
        if keeper is not None:
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)
        if self.leading:
            self.leading = False
            try:
                self.store.release_lease(self.owner)
                self.beat()
            except Exception as exc:
                log.warning("could not give the lease up (%s); it lapses by itself", exc)

    async def close(self) -> None:
        """This process is going away."""
        await self.release()
        with contextlib.suppress(Exception):
            self.store.forget_process(self.owner)
