"""Notices: reminders of an event, recurring reminders, and taking an event's pin down — each
in every channel's language, answering the announcement where there is one."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..config import RecurringCfg
from ..domain import Channel, Post
from ..format.layout import FormatOptions
from ..format.model import Step
from ..format.notices import notice_requests, recurring_post, reminder_post
from ..format.profiles import profile_for

if TYPE_CHECKING:
    from ..store.repo import Store

log = logging.getLogger(__name__)


def delivery_key(post_key: str | None, channel: str, kind: str, stamp: str) -> str:
    """The outbox's dedupe key: one delivery per post (or notice), channel, kind and stamp."""
    return f"{post_key or 'config'}:{channel}:{kind}:{stamp}"


class Notices:
    """The announcer's short messages (see `announce.py` for what it needs of it)."""

    store: Store
    channels: list[Channel]
    recurring_cfg: list[RecurringCfg]
    clock: Callable[[], datetime]

    @property
    def options(self) -> FormatOptions:
        raise NotImplementedError

    def targets(
        self, post: Post, only: Sequence[str] | None, versions: Sequence[Post] | None = None
    ) -> list[Channel]:
        raise NotImplementedError

    def _queue(self, key: str, channel: Channel, steps: list[Step], **row: Any) -> int | None:
        raise NotImplementedError

    def _notice(
        self,
        make: Callable[[str], Post],
        channels: Sequence[Channel],
        *,
        label: str,
        stamp: str,
        post_key: str | None,
        **row: Any,
    ) -> list[int]:
        """Queue a short notice in each channel, in its language, answering the post's
        announcement if any."""
        now, ids, made = self.clock(), [], dict[str, Post]()
        for channel in channels:
            if channel.lang not in made:  # worded once per language
                made[channel.lang] = make(channel.lang)
            notice = made[channel.lang]
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
        now, start = self.clock(), post.event.start
        return self._notice(
            lambda lang: reminder_post(post, self.options, now, lang), self.targets(post, None),
            label=f"remind:{offset}", stamp=start.isoformat(), post_key=post.key, kind="remind",
            not_after=start, reminder_offset=offset,
        )  # fmt: skip

    async def recurring(self, name: str) -> list[int]:
        found = [r for r in self.recurring_cfg if r.name == name]
        if not found:
            log.info("recurring reminder %s is no longer configured", name)
            return []
        rec, now = found[0], self.clock()
        wanted = set(rec.channels) if rec.channels is not None else {c.name for c in self.channels}
        channels = [c for c in self.channels if c.name in wanted]
        kind = f"recurring:{name}"

        def make(lang: str) -> Post:
            text = rec.texts.get(lang, rec.text)
            return recurring_post(rec.name, text, self.options, now, lang)

        return self._notice(
            make, channels, label=kind, stamp=now.strftime("%Y-%m-%dT%H:%M"), post_key=None,
            kind=kind,
        )  # fmt: skip

    async def unpin(self, post: Post, stamp: str) -> list[int]:
        """The event is over: take its announcement's pin down wherever it was pinned."""
        now, ids = self.clock(), []
        for channel in self.channels:
            sent = self.store.sent(post.key, channel.name) if channel.pin else []
            first = sent[0] if sent and sent[0].step == 0 and sent[0].ids else None
            request = profile_for(channel).unpin(channel, first.ids[0]) if first else None
            if request is None:
                continue
            delivery = self._queue(
                delivery_key(post.key, channel.name, "unpin", stamp), channel, [Step(request)],
                post_key=post.key, kind="unpin", now=now,
            )  # fmt: skip
            if delivery is not None:
                ids.append(delivery)
        return ids
