"""Sending use-cases: a post, its edits and retraction, reminders and recurring notices.

Each is formatted per channel and queued as outbox rows (one delivery per post version and
channel); the outbox sends them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from ..config import RecurringCfg
from ..domain import Channel, Post, channels_for
from ..format.edits import plan_edit, plan_retract
from ..format.layout import FormatOptions
from ..format.model import Request, Step
from ..format.notices import notice_requests, recurring_post, reminder_post
from ..format.profiles import profile_for, render
from ..store.repo import Store
from .prepare import Prepared, Preparer

log = logging.getLogger(__name__)
Wake = Callable[[str | None], None]  # tells the outbox (when this process sends) a row waits
Report = Callable[[str, str], Awaitable[None]]


def fingerprint(requests: Sequence[Request]) -> str:
    blob = json.dumps([r.to_json() for r in requests], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def delivery_key(post_key: str | None, channel: str, kind: str, stamp: str) -> str:
    """The outbox's dedupe key: one delivery per post (or notice), channel, kind and stamp."""
    return f"{post_key or 'config'}:{channel}:{kind}:{stamp}"


class Announcer:
    def __init__(
        self,
        store: Store,
        preparer: Preparer,
        channels: Sequence[Channel],
        *,
        recurring: Sequence[RecurringCfg] = (),
        wake: Wake,
        report: Report,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.preparer = preparer
        self.channels = list(channels)
        self.recurring_cfg = list(recurring)
        self.wake = wake
        self.report = report
        self.clock = clock

    @property
    def options(self) -> FormatOptions:
        return self.preparer.opts

    def rendering(self, prepared: Prepared, channel: Channel) -> list[Request]:
        p = prepared
        return list(render(p.post, p.media, self.options, channel, p.calendar).requests)

    async def publish(
        self,
        post: Post,
        *,
        version: int = 1,
        only: Sequence[str] | None = None,
        kind: str = "publish",
    ) -> list[int]:
        """Queue the post for its channels (or `only` those named). Returns the delivery ids."""
        prepared = self.preparer.prepare(post)
        if prepared.problems:
            shown = list(prepared.problems[:3])
            if len(prepared.problems) > 3:
                shown.append(f"and {len(prepared.problems) - 3} more image problems")
            await self.report(f"media:{post.source}", f"{post.source}: " + "; ".join(shown))
        ids: list[int] = []
        now = self.clock()
        stamp = now.isoformat() if kind == "resend" else f"v{version}"
        for channel in self.targets(post, only):
            requests = self.rendering(prepared, channel)
            delivery = self._queue(
                delivery_key(post.key, channel.name, kind, stamp), channel,
                [Step(r) for r in requests], post_key=post.key, kind=kind, now=now,
                fingerprint=fingerprint(requests),
            )  # fmt: skip
            if delivery is not None:
                ids.append(delivery)
        return ids

    async def update(self, post: Post, *, version: int) -> None:
        """A published post changed: edit what was sent, send what was not yet."""
        prepared = self.preparer.prepare(post)
        now = self.clock()
        for channel in self.targets(post, None):
            requests = self.rendering(prepared, channel)
            fp = fingerprint(requests)
            if self.store.last_fingerprint(post.key, channel.name) == fp:
                continue
            old = self.store.sent(post.key, channel.name)
            self.store.cancel(post_key=post.key, channel=channel.name, kinds=("publish", "edit"))
            if old:
                steps, kind = plan_edit(channel, requests, old), "edit"
            else:
                steps, kind = [Step(r) for r in requests], "publish"
            self._queue(
                delivery_key(post.key, channel.name, kind, f"v{version}"), channel, steps,
                post_key=post.key, kind=kind, now=now, fingerprint=fp,
            )  # fmt: skip

    def _notice(
        self,
        notice: Post,
        channels: Sequence[Channel],
        *,
        label: str,
        stamp: str,
        post_key: str | None,
        **row: Any,
    ) -> list[int]:
        """Queue a short notice in each channel, answering the post's announcement if any."""
        now, ids = self.clock(), []
        for channel in channels:
            sent = self.store.sent(post_key, channel.name) if post_key else []
            answering = sent[0].ids[:1] if sent and sent[0].ids else []
            requests = notice_requests(notice, self.options, channel, answering)
            delivery = self._queue(
                delivery_key(post_key, channel.name, label, stamp), channel,
                [Step(r) for r in requests], post_key=post_key, now=now, **row,
            )  # fmt: skip
            if delivery is not None:
                ids.append(delivery)
        return ids

    async def remind(self, post: Post, offset: str) -> list[int]:
        """Queue a reminder of an event post, answering its announcement in each channel."""
        assert post.event is not None
        notice = reminder_post(post, self.options, self.clock())
        start = post.event.start
        return self._notice(
            notice, self.targets(post, None), label=f"remind:{offset}", stamp=start.isoformat(),
            post_key=post.key, kind="remind", not_after=start, reminder_offset=offset,
        )  # fmt: skip

    async def recurring(self, name: str) -> list[int]:
        found = [r for r in self.recurring_cfg if r.name == name]
        if not found:
            log.info("recurring reminder %s is no longer configured", name)
            return []
        rec, now = found[0], self.clock()
        notice = recurring_post(rec.name, rec.text, self.options, now)
        wanted = set(rec.channels) if rec.channels is not None else {c.name for c in self.channels}
        channels = [c for c in self.channels if c.name in wanted]
        kind = f"recurring:{name}"
        return self._notice(
            notice, channels, label=kind, stamp=now.strftime("%Y-%m-%dT%H:%M"), post_key=None,
            kind=kind,
        )  # fmt: skip

    def retract(self, key: str) -> None:
        """Delete what was sent of a removed post."""
        now = self.clock()
        for channel in self.channels:
            old = self.store.sent(key, channel.name)
            if old:
                self._queue(
                    delivery_key(key, channel.name, "retract", now.isoformat()), channel,
                    plan_retract(channel, old), post_key=key, kind="retract", now=now,
                )  # fmt: skip

    def targets(self, post: Post, only: Sequence[str] | None) -> list[Channel]:
        if only:
            return [c for c in self.channels if c.name in set(only)]
        return channels_for(post, self.channels)

    def _queue(self, key: str, channel: Channel, steps: list[Step], **row: Any) -> int | None:
        """Add an outbox row and wake the worker of its channel.

        Each Discord message of the row gets a nonce of its own, derived from the row's key.
        """
        stamped = profile_for(channel).stamp(steps, key)
        requests = [s.to_json() for s in stamped]
        delivery = self.store.enqueue(key, channel=channel.name, requests=requests, **row)
        if delivery is not None:
            self.wake(channel.name)
        return delivery
