"""Start-up and file events: the content folder compared with the state, renames found, and
each post handed to the lifecycle to apply (see `lifecycle.py`)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain import Post
from ..errors import ContentError
from ..ingest.loader import LoadResult, check_duplicates
from ..store.repo import PostState

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from ..ingest.index import PostIndex
    from ..ingest.loader import Content
    from ..store.repo import Store


@dataclass
class Summary:
    new: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Reconciling:
    """What the lifecycle does with what it finds in the content folder."""

    store: Store
    content: Content
    posts: PostIndex
    planner: Any
    announce_existing: bool
    clock: Callable[[], datetime]
    wake: Callable[[], None]

    async def apply(
        self, post: Post, summary: Summary, *, state: PostState | None | bool = True
    ) -> None:
        raise NotImplementedError

    async def remove(self, key: str, summary: Summary) -> None:
        raise NotImplementedError

    async def _report_content(self, error: ContentError, summary: Summary) -> None:
        raise NotImplementedError

    async def reconcile(self, loaded: LoadResult) -> Summary:
        """Start-up: compare the content folder with the state and act on the differences."""
        summary = Summary()
        first = self.store.get_meta("indexed_at") is None
        for error in loaded.errors:
            await self._report_content(error, summary)
        broken = {e.source for e in loaded.errors}
        known = self.store.posts()
        seen = {p.key for p in loaded.posts} | {key for key, _ in loaded.unchanged}
        if await self._detect_renames(loaded.posts, broken, summary, present=seen, known=known):
            known = self.store.posts()
        if first and not self.announce_existing:  # the archive: recorded at once, not announced
            fresh = [p for p in loaded.posts if p.key not in known]
            self.store.save_posts(fresh, "archived", self.clock())
            summary.new.extend(p.key for p in fresh)
            summary.archived.extend(p.key for p in fresh)
            self.posts.update((p.key, p) for p in fresh)
            known = self.store.posts()
        for post in loaded.posts:
            await self.apply(post, summary, state=known.get(post.key))
            await asyncio.sleep(0)
        now = self.clock()
        for key, path in loaded.unchanged:  # same bytes as last time: parsed only if needed
            self.posts.add_lazy(key, path)
            state = known.get(key)
            upcoming = (
                state is not None and state.event_start is not None and state.event_start > now
            )
            if state is not None and (state.state == "scheduled" or upcoming) and key in self.posts:
                await self.apply(self.posts[key], summary, state=state)
        for key, state in known.items():
            if key not in seen and state.state != "removed" and state.source not in broken:
                await self.remove(key, summary)
        if first:
            self.store.set_meta("indexed_at", self.clock().isoformat())
        self.wake()
        return summary

    async def files_changed(self, changed: Iterable[Path], removed: Iterable[Path]) -> Summary:
        """A debounced batch of file-system events."""
        summary = Summary()
        parsed: list[Post] = []
        for path in sorted(set(changed)):
            if not path.is_file() or not self.content.is_post(path):
                continue
            try:
                parsed.append(self.content.load(path))
            except ContentError as exc:
                await self._report_content(exc, summary)
        changed_sources = {p.source for p in parsed}
        owners = {k: src for k, src in self.posts.sources().items() if src not in changed_sources}
        checked = check_duplicates(parsed, owners)
        fresh = checked.posts
        for error in checked.errors:
            await self._report_content(error, summary)
        gone = {self.content.source(p) for p in removed if not p.exists()}
        await self._detect_renames(fresh, set(), summary, gone=gone)
        for post in fresh:
            await self.apply(post, summary)
            await asyncio.sleep(0)  # let the outbox start sending the first ones
        for key, source in self.posts.sources().items():
            if source in gone:
                await self.remove(key, summary)
        return summary

    async def _detect_renames(
        self,
        posts: Sequence[Post],
        broken: set[str],
        summary: Summary,
        *,
        gone: set[str] | None = None,
        present: set[str] | None = None,
        known: dict[str, PostState] | None = None,
    ) -> bool:
        """Posts whose file moved keep their identity: a new post with the bytes of a known
        one whose file is `gone` (file events), or whose key is not `present` in the content
        folder any more (start-up). True when any was renamed."""
        known = self.store.posts() if known is None else known
        before = len(summary.renamed)
        by_digest: dict[str, list[str]] = {}
        for key, state in known.items():
            if state.state != "removed":
                by_digest.setdefault(state.digest, []).append(key)
        for post in posts:
            if post.key in known:
                continue
            for key in by_digest.get(post.digest, []):
                state = known[key]
                moved = state.source in gone if gone is not None else key not in (present or ())
                if moved and state.source not in broken:
                    self.store.rename_post(key, post.key, post.source, self.clock())
                    self.planner.remove_post(key)
                    self.posts.pop(key, None)
                    by_digest[post.digest].remove(key)
                    summary.renamed.append(f"{state.source} → {post.source}")
                    break
        return len(summary.renamed) > before
