"""File-system events on the content folder → debounced batches of changed and removed files."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .loader import Content, post_files

if TYPE_CHECKING:
    from watchfiles import Change

log = logging.getLogger(__name__)
OnBatch = Callable[[set[Path], set[Path]], Awaitable[object]]


class ContentWatcher:
    """Editors save in steps (temp file, rename, touch): events are gathered for `debounce_ms`."""

    def __init__(self, content: Content, on_batch: OnBatch, *, debounce_ms: int = 300) -> None:
        self.content = content
        self.folders = [folder.resolve() for folder in content.folders]
        self.on_batch = on_batch
        self.debounce_ms = debounce_ms
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()

    def _filter(self, change: Change, path: str) -> bool:
        from watchfiles import Change

        candidate = Path(path)
        if change == Change.added and candidate.is_dir():
            return not candidate.name.startswith((".", "_"))
        return self.content.is_post(candidate)

    async def run(self) -> None:
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
        from watchfiles import awatch  # only where a folder is watched (not a repository)

        changes = awatch(
            *self.folders,
            watch_filter=self._filter,
            debounce=self.debounce_ms,
            step=20,
            stop_event=self._stop,
            recursive=True,
        )
        # the first step creates the OS watch before it waits: once it has run, nothing is missed
        first = asyncio.ensure_future(anext(changes))
        await asyncio.sleep(0)
        self.ready.set()
        try:
            batch = await first
        except StopAsyncIteration:
            return
        while True:
            await self._handle(batch)
            try:
                batch = await anext(changes)
            except StopAsyncIteration:
                return

    async def _handle(self, batch: set[tuple[Change, str]]) -> None:
        from watchfiles import Change

        changed = {Path(p) for c, p in batch if c != Change.deleted}
        for folder in [p for p in changed if p.is_dir()]:
            # files written into a new folder before its watch existed raise no event of their own
            changed.discard(folder)
            changed.update(post_files(folder))
        removed = {Path(p) for c, p in batch if c == Change.deleted}
        try:
            await self.on_batch({p for p in changed if p.exists()}, removed)
        except Exception:  # one bad batch must not stop the watching
            log.exception("handling content changes failed")

    def stop(self) -> None:
        self._stop.set()
