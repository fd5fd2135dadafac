"""`python -m bot publish`: one post sent now, by this process or by the service that runs.

With a service leading on the same database, the deliveries are queued for it and this command
waits for them: one sender keeps the pacing whole. Otherwise this process leads for a moment
and sends them itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence

from ..deliver.outbox import Outbox
from ..deliver.publisher import Publisher
from ..domain import Post, slug_of
from ..errors import ContentError
from ..ingest.loader import Content
from ..store.repo import Store
from .announce import Announcer
from .leadership import Leadership

FINAL = ("sent", "failed", "cancelled")


async def send_here(
    announcer: Announcer,
    store: Store,
    publishers: Iterable[Publisher],
    outbox: Outbox,
    leadership: Leadership,
    post: Post,
    only: Sequence[str] | None,
    *,
    wait: float,
    learn: Callable[[], Awaitable[None]] | None = None,
) -> list[int]:
    """Send the post from this process (it holds the lease meanwhile); the delivery ids.
    `learn` asks the platforms what the channels are, once the publishers have started."""
    started = list(publishers)
    try:
        for publisher in started:
            await publisher.start()
        if learn is not None:
            await learn()
        outbox.start()
        saved = store.save_post(post, "published", announcer.clock())
        ids = await announcer.publish(post, version=saved.version, only=only, kind="resend")
        await outbox.drain(timeout=wait)
        return ids
    finally:
        await outbox.stop(5)
        await leadership.release()
        for publisher in started:
            await publisher.close()


async def hand_over(
    announcer: Announcer, store: Store, post: Post, only: Sequence[str] | None, *, wait: float
) -> list[int]:
    """Queue the deliveries for the running service and wait until they are done."""
    saved = store.save_post(post, "published", announcer.clock())
    ids = await announcer.publish(post, version=saved.version, only=only, kind="resend")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while loop.time() < deadline:
        states = {d.id: d.state for d in store.deliveries(post_key=post.key)}
        if all(states.get(i) in FINAL for i in ids):
            break
        await asyncio.sleep(0.2)
    return ids


def stored_versions(store: Store, content: Content) -> Callable[[Post], list[Post]]:
    """A post and its other languages' versions the state knows to be out, for a command that
    has not read the whole content folder; the state is read once, when first asked, and
    each other version's file once, when first needed."""
    groups: dict[str, list[str]] | None = None
    parsed: dict[str, Post | None] = {}  # by source; None: the file cannot be read

    def load(source: str) -> Post | None:
        if source not in parsed:
            try:
                parsed[source] = content.load(content.path_of(source))
            except ContentError:
                parsed[source] = None
        return parsed[source]

    def versions(post: Post) -> list[Post]:
        nonlocal groups
        if groups is None:
            groups = {}
            for key, state in store.posts().items():
                if state.state in ("published", "archived"):
                    groups.setdefault(slug_of(key), []).append(state.source)
        found = [post]
        for source in groups.get(post.shared_slug, []):
            if source != post.source and (other := load(source)) is not None:
                found.append(other)
        return found

    return versions
