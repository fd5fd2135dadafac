"""`python -m bot run`: stand by, lead, work; HTTP answers in both roles."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from ..config import Settings
from ..logs import setup_logging
from ..service.follow import PushRelay
from ..service.health import Health
from ..service.leadership import Leadership
from ..store.repo import Store

if TYPE_CHECKING:
    from rich.console import Console

    from ..web.metrics import Metrics
    from ..web.server import WebServer
from .parts import open_store
from .term import App

log = logging.getLogger("bot")


# -- the commands that run parts ---------------------------------------------------------------
async def run_service(
    settings: Settings, *, console: Console | None = None, announce_existing: bool | None = None
) -> None:
    """`python -m bot run`: stand by until this process leads, then work until told to stop.

    Losing the lease (the database unreachable for longer than the lease) stops the work and
    goes back to standing by, so two processes never both work for long. HTTP (health,
    metrics, the push webhook) answers in both roles.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    setup_logging(settings.secret_values())
    tz = settings.association.tz
    store = open_store(settings)
    leadership = Leadership(store, clock=lambda: datetime.now(tz))
    health, relay = Health(role="standby"), PushRelay()
    metrics = metrics_of(store) if settings.http is not None else None
    if metrics is not None:
        metrics.set_leader(False)  # standing by until the lease is this process's
    web = web_server(settings, health, metrics, relay)
    try:
        if web is not None:
            await web.start()  # it logs where it listens
        while await leadership.wait(stop):
            app = App(
                settings, console=console, announce_existing=announce_existing, store=store,
                leadership=leadership, health=health, metrics=metrics,
            )  # fmt: skip
            health.role, relay.follower = "leader", app.follower
            if metrics is not None:
                metrics.set_leader(True)
            try:
                with reading_progress() as app.progress:
                    await app.start()
                log.info("leading: %s", app.describe())
                await _until_either(stop, leadership.lost)
            finally:
                log.info("stopping")
                health.role, relay.follower = "standby", None
                if metrics is not None:
                    metrics.set_leader(False)
                await app.stop()
    finally:
        if web is not None:
            await web.stop()
        await leadership.close()
        store.close()


async def _until_either(*events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


def metrics_of(store: Store) -> Metrics:
    from ..web.metrics import Metrics

    return Metrics(pending=store.pending_counts)


def web_server(
    settings: Settings, health: Health, metrics: Metrics | None, relay: PushRelay
) -> WebServer | None:
    """HTTP where `[http]` asks for it: health, metrics, and the push webhook."""
    if settings.http is None or metrics is None:
        return None

    from ..web.listen import parse_listen
    from ..web.server import WebServer

    host, port = parse_listen(settings.http.listen, os.environ)
    secret = settings.secrets.git_webhook_secret
    git = settings.content.git
    return WebServer(
        host=host, port=port, health=health, metrics=metrics,
        on_push=relay if git is not None else None,
        webhook_secret=secret.get_secret_value() if secret else None,
        branch=git.branch if git is not None else None,
    )  # fmt: skip


@contextlib.contextmanager
def reading_progress(every: int = 2000) -> Iterator[Callable[[int, int], None]]:
    """How reading a large archive goes: a bar on a terminal, a log line every `every`
    files elsewhere (a host's log)."""
    if not sys.stderr.isatty():

        def log_it(done: int, total: int) -> None:
            if total >= every and (done % every == 0 or done == total):
                log.info("reading posts: %d of %d", done, total)

        yield log_it
        return
    from rich.console import Console

    with progress_bar(Console(stderr=True), "reading posts") as show:
        yield show


@contextlib.contextmanager
def progress_bar(out: Console, what: str) -> Iterator[Callable[[int, int], None]]:
    """A bar on a terminal once there are many files; nothing elsewhere (logs, pipes)."""
    if not out.is_terminal:
        yield lambda done, total: None
        return
    from rich.progress import Progress

    with Progress(console=out, transient=True) as bar:
        task = bar.add_task(what, total=None, visible=False)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=total >= 500)

        yield advance
