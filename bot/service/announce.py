"""Sending use-cases: a post, its edits and retraction, reminders and recurring notices, pins.

Each is formatted per channel and queued as outbox rows (one delivery per post version and
channel); the outbox sends them. Posts that share a slug are versions of one announcement in
several languages: each channel gets one of them (its language's, else the default language's),
and each version links to the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from ..config import RecurringCfg
from ..domain import Channel, Post, channels_for, crosspost_lane, pick_version
from ..format.details import with_versions
from ..format.edits import plan_edit, plan_retract
from ..format.layout import FormatOptions
from ..format.model import Rendering, Request, Step
from ..format.profiles import profile_for, render
from ..store.repo import Store
from .notices import Notices, delivery_key
from .prepare import Prepared, Preparer

log = logging.getLogger(__name__)
Wake = Callable[[str | None], None]  # tells the outbox (when this process sends) a row waits
Report = Callable[[str, str], Awaitable[None]]
Versions = Callable[[Post], Sequence[Post]]  # a post and its other languages' versions

__all__ = ["Announcer", "Report", "Versions", "Wake", "delivery_key", "fingerprint"]


def fingerprint(requests: Sequence[Request]) -> str:
    blob = json.dumps([r.to_json() for r in requests], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class Announcer(Notices):
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
        versions: Versions | None = None,
    ) -> None:
        self.store = store
        self.preparer = preparer
        self.channels = list(channels)
        self.recurring_cfg = list(recurring)
        self.wake = wake
        self.report = report
        self.clock = clock
        self.versions: Versions = versions or (lambda post: [post])

    @property
    def options(self) -> FormatOptions:
        return self.preparer.opts

    def _render(self, prepared: Prepared, channel: Channel, versions: Sequence[Post]) -> Rendering:
        p = prepared
        post = with_versions(p.post, versions, self.options)
        return render(post, p.media, self.options, channel, p.calendar)

    async def _rendered(
        self, prepared: Prepared, channel: Channel, versions: Sequence[Post]
    ) -> list[Request]:
        """The requests, with what went wrong on the way (a template) told to the admins.
        `versions`: the post's, as `self.versions` gives them (read once per publish or update)."""
        rendering = self._render(prepared, channel, versions)
        for note in rendering.notes:
            if note.startswith("template "):
                text = f"{prepared.post.source} in {channel.name}: {note}"
                await self.report(f"template:{channel.name}:{prepared.post.key}", text)
        return list(rendering.requests)

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
        if found := [*prepared.problems, *prepared.warnings]:
            shown = found[:3]
            if len(found) > 3:
                shown.append(f"and {len(found) - 3} more image problems")
            await self.report(f"media:{post.source}", f"{post.source}: " + "; ".join(shown))
        ids: list[int] = []
        stamp = self.clock().isoformat() if kind == "resend" else f"v{version}"
        versions = self.versions(post)
        for channel in self.targets(post, only, versions):
            requests = await self._rendered(prepared, channel, versions)
            old = self._adopt(post, channel, versions) if kind != "resend" else []
            if old:
                delivery = self._edit(post, channel, requests, old, version=version)
            else:
                delivery = self._announce(post, channel, requests, kind=kind, stamp=stamp)
            if delivery is not None:
                ids.append(delivery)
        return ids

    def _adopt(self, post: Post, channel: Channel, versions: Sequence[Post]) -> list[Any]:
        """The channel shows another version of this announcement (sent before this one, in
        its language, existed): its messages become this version's, to be edited into it."""
        shown = self.store.shown_versions(post.shared_slug, channel.name)
        for key in (k for k in shown if k != post.key):  # also of a removed version
            self.store.cancel(post_key=key, channel=channel.name, kinds=("publish", "edit"))
            self.store.move_sent(key, post.key, channel.name)
            log.info("%s: the messages of %s now show %s", channel.name, key, post.key)
            return list(self.store.sent(post.key, channel.name))
        for sibling in versions[1:]:  # not sent yet: this version goes instead
            self.store.cancel(post_key=sibling.key, channel=channel.name, kinds=("publish",))
        return []

    def _edit(
        self, post: Post, channel: Channel, requests: list[Request], old: list[Any], *,
        version: int,
    ) -> int | None:  # fmt: skip
        fp = fingerprint(requests)  # the same version edits again when its siblings change
        return self._queue(
            delivery_key(post.key, channel.name, "edit", f"v{version}:{fp[:12]}"), channel,
            plan_edit(channel, requests, old), post_key=post.key, kind="edit", now=self.clock(),
            fingerprint=fp,
        )  # fmt: skip

    def _announce(
        self, post: Post, channel: Channel, requests: list[Request], *, kind: str, stamp: str
    ) -> int | None:
        """Queue a first announcement in one channel: its messages, then the pin it asks for;
        and its crosspost in the channel's crosspost lane."""
        now, profile = self.clock(), profile_for(channel)
        steps = [Step(r) for r in requests]
        if channel.pin and (pin := profile.pin(channel)) is not None:
            steps.append(Step(pin))
        delivery = self._queue(
            delivery_key(post.key, channel.name, kind, stamp), channel, steps,
            post_key=post.key, kind=kind, now=now, fingerprint=fingerprint(requests),
        )  # fmt: skip
        crosspost = profile.crosspost(channel)
        if delivery is not None and crosspost is not None:
            lane = crosspost_lane(channel.name)
            queued = self.store.enqueue(
                delivery_key(post.key, lane, "crosspost", stamp), channel=lane,
                requests=[Step(crosspost, source=delivery).to_json()], post_key=post.key,
                kind="crosspost", now=now,
            )  # fmt: skip
            if queued is not None:
                self.wake(lane)
        return delivery

    async def update(self, post: Post, *, version: int) -> None:
        """A published post changed (or a version in another language came or went): edit
        what was sent, send what was not yet."""
        prepared = self.preparer.prepare(post)
        versions = self.versions(post)
        for channel in self.reached(post, versions):
            requests = await self._rendered(prepared, channel, versions)
            fp = fingerprint(requests)
            if self.store.last_fingerprint(post.key, channel.name) == fp:
                continue
            old = self.store.sent(post.key, channel.name)
            self.store.cancel(post_key=post.key, channel=channel.name, kinds=("publish", "edit"))
            old = old or self._adopt(post, channel, versions)
            if not old:
                self._announce(post, channel, requests, kind="publish", stamp=f"v{version}")
                continue
            self._edit(post, channel, requests, old, version=version)

    def reached(self, post: Post, versions: Sequence[Post] | None = None) -> list[Channel]:
        """The channels the post goes to, and those it went to before (an edit follows it)."""
        targets = {c.name for c in self.targets(post, None, versions)}
        return [c for c in self.channels if c.name in targets or self.store.sent(post.key, c.name)]

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

    def targets(
        self, post: Post, only: Sequence[str] | None, versions: Sequence[Post] | None = None
    ) -> list[Channel]:
        """The channels a post goes to: those it names or whose tags it carries, and of
        several versions, the channels that get this one (`versions`: `self.versions(post)`,
        when the caller has it already)."""
        if only:
            return [c for c in self.channels if c.name in set(only)]
        versions = self.versions(post) if versions is None else versions
        chosen = channels_for(post, self.channels)
        if len(versions) <= 1:
            return chosen
        default = self.options.default_lang
        return [
            c for c in chosen
            if (pick := pick_version([v for v in versions if channels_for(v, [c])], c.lang,
                                     default)) is not None and pick.key == post.key
        ]  # fmt: skip

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
