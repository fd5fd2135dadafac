"""Sending use-cases: a post, its edits and retraction, reminders and recurring notices.

Each renders per channel and queues outbox rows; the outbox sends them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from .config import Settings
from .deliver.edits import plan_edit, plan_retract
from .domain import Channel, Post
from .format.discord import stamp_nonces
from .format.layout import FormatOptions
from .format.model import Request
from .format.model_io import request_to_json
from .notices import notice_requests, recurring_post, reminder_post
from .render import Renderer, channels_for
from .report import Reporter
from .store.repo import Store

log = logging.getLogger(__name__)
Wake = Callable[[str | None], None]


def fingerprint(requests: Sequence[Request]) -> str:
    blob = json.dumps([request_to_json(r) for r in requests], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class Announcer:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        wake: Wake,
        reporter: Reporter,
        renderer: Renderer,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.store = store
        self.wake = wake  # tells the outbox (of this process, if it sends) a row is waiting
        self.reporter = reporter
        self.renderer = renderer
        self.clock = clock
        self.channels = settings.channel_list()

    async def publish(
        self,
        post: Post,
        *,
        version: int = 1,
        only: Sequence[str] | None = None,
        kind: str = "publish",
    ) -> list[int]:
        """Queue the post for its channels (or `only` those named). Returns the delivery ids."""
        prepared = self.renderer.prepare(post)
        if prepared.problems:
            shown = list(prepared.problems[:3])
            if len(prepared.problems) > 3:
                shown.append(f"and {len(prepared.problems) - 3} more image problems")
            await self.reporter.report(
                f"media:{post.source}", f"{post.source}: " + "; ".join(shown)
            )
        ids: list[int] = []
        now = self.clock()
        for channel in self._targets(post, only):
            rendering = self.renderer.render(prepared, channel)
            requests = [request_to_json(r) for r in rendering.requests]
            stamp = now.isoformat() if kind == "resend" else f"v{version}"
            delivery = self._queue(
                f"{post.key}:{channel.name}:{kind}:{stamp}",
                post_key=post.key,
                channel=channel.name,
                kind=kind,
                requests=requests,
                now=now,
                fingerprint=fingerprint(rendering.requests),
            )
            if delivery is not None:
                ids.append(delivery)
        return ids

    async def update(self, post: Post, *, version: int) -> None:
        """A published post changed: edit what was sent, send what was not yet."""
        prepared = self.renderer.prepare(post)
        now = self.clock()
        for channel in self._targets(post, None):
            rendering = self.renderer.render(prepared, channel)
            fp = fingerprint(rendering.requests)
            if self.store.last_fingerprint(post.key, channel.name) == fp:
                continue
            old = self.store.sent(post.key, channel.name)
            self.store.cancel(post_key=post.key, channel=channel.name, kinds=("publish", "edit"))
            if old:
                requests = plan_edit(channel, rendering.requests, old)
                kind = "edit"
            else:
                requests = [request_to_json(r) for r in rendering.requests]
                kind = "publish"
            self._queue(
                f"{post.key}:{channel.name}:{kind}:v{version}",
                post_key=post.key,
                channel=channel.name,
                kind=kind,
                requests=requests,
                now=now,
                fingerprint=fp,
            )

    @property
    def options(self) -> FormatOptions:
        return self.renderer.options

    def _notice(
        self,
        notice: Post,
        channels: Sequence[Channel],
        *,
        kind: str,
        stamp: str,
        post_key: str | None,
        not_after: datetime | None = None,
        reminder_offset: str | None = None,
        label: str | None = None,
    ) -> list[int]:
        """Queue a short notice in each channel, answering the post's announcement if any."""
        now, ids = self.clock(), []
        for channel in channels:
            announcement = self.store.sent(post_key, channel.name) if post_key else []
            delivery = self._queue(
                f"{post_key or 'config'}:{channel.name}:{label or kind}:{stamp}",
                post_key=post_key,
                channel=channel.name,
                kind=kind,
                requests=notice_requests(self.renderer, notice, channel, announcement),
                now=now,
                not_after=not_after,
                reminder_offset=reminder_offset,
            )
            if delivery is not None:
                ids.append(delivery)
        return ids

    async def remind(self, post: Post, offset: str) -> list[int]:
        """Queue a reminder of an event post, answering its announcement in each channel."""
        assert post.event is not None
        notice = reminder_post(post, self.options, self.clock())
        start = post.event.start
        return self._notice(
            notice, self._targets(post, None), kind="remind", label=f"remind:{offset}",
            stamp=start.isoformat(), post_key=post.key, not_after=start, reminder_offset=offset,
        )  # fmt: skip

    async def recurring(self, name: str) -> list[int]:
        found = [r for r in self.settings.reminders.recurring if r.name == name]
        if not found:
            log.info("recurring reminder %s is no longer configured", name)
            return []
        rec, now = found[0], self.clock()
        notice = recurring_post(rec.name, rec.text, self.options, now)
        wanted = set(rec.channels) if rec.channels is not None else {c.name for c in self.channels}
        channels = [c for c in self.channels if c.name in wanted]
        stamp = now.strftime("%Y-%m-%dT%H:%M")
        return self._notice(notice, channels, kind=f"recurring:{name}", stamp=stamp, post_key=None)

    def _queue(self, dedupe_key: str, **row: Any) -> int | None:
        """Add an outbox row and wake only the worker of its channel.

        Each Discord message of the row gets a nonce of its own, derived from the row's key.
        """
        row["requests"] = stamp_nonces(row["requests"], dedupe_key)
        delivery = self.store.enqueue(dedupe_key, **row)
        if delivery is not None:
            self.wake(row["channel"])
        return delivery

    def _targets(self, post: Post, only: Sequence[str] | None) -> list[Channel]:
        if only:
            return [c for c in self.channels if c.name in set(only)]
        return channels_for(post, self.channels)

    def retract(self, key: str) -> None:
        """Delete what was sent of a removed post."""
        now = self.clock()
        for channel in self.channels:
            old = self.store.sent(key, channel.name)
            if old:
                self._queue(
                    f"{key}:{channel.name}:retract:{now.isoformat()}",
                    post_key=key,
                    channel=channel.name,
                    kind="retract",
                    requests=plan_retract(channel, old),
                    now=now,
                )
