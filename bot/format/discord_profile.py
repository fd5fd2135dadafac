"""The Discord profile: what every Discord request of the bot has in common — routes, replies,
nonces, edits, deletions, pins and crossposts, for bot channels (text, announcement, forum) and
webhooks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from ..domain import Channel, Media, Post
from .discord import _request, content_request, nonce, render_discord
from .layout import FormatOptions
from .model import Rendering, Request, Sent, Step, sent_message

_NONCE_KEYS = ("nonce", "enforce_nonce")
_NOT_EDITED = (*_NONCE_KEYS, "flags")  # an edit cannot change a message's sound


def _in_thread(request: Request, thread_id: str) -> Request:
    """A forum request as a message in the thread `thread_id` instead of a new thread."""
    if request.purpose == "thread":
        params = dict(request.params["message"])
        path = f"/channels/{thread_id}/messages"
        return replace(request, params=params, path=path, purpose="post")
    return replace(request, path=request.path.replace(sent_message(0), thread_id))


class DiscordProfile:
    """Routes, replies, nonces and edits of a bot channel, or of a webhook."""

    platform: Literal["discord"] = "discord"

    def __init__(self, *, webhook: bool) -> None:
        self.webhook = webhook

    def render(
        self, post: Post, media: Sequence[Media], opts: FormatOptions, channel: Channel
    ) -> Rendering:
        return render_discord(post, media, opts, channel)

    def text(self, channel: Channel, text: str, *, purpose: str = "text") -> Request:
        return content_request(channel, text, purpose=purpose)

    def reply(self, request: Request, channel: Channel, message_id: str) -> Request:
        """`request`, answering the message `message_id`; a webhook cannot, and sends it plain.
        In a forum, the answer is a message in the post's thread."""
        if self.webhook:
            return request
        if channel.kind == "forum":
            return _in_thread(request, message_id)
        reference = {
            "message_id": message_id,
            "channel_id": channel.channel_id,
            "fail_if_not_exists": False,
        }
        return request.with_params(message_reference=reference)

    def answer(
        self, requests: Sequence[Request], channel: Channel, message_id: str
    ) -> list[Request]:
        """A notice's messages answering the announcement `message_id`: the first as a reply,
        or in a forum every one inside the announcement's thread."""
        if not requests:
            return []
        if channel.kind == "forum" and not self.webhook:
            return [_in_thread(r, message_id) for r in requests]
        return [self.reply(requests[0], channel, message_id), *requests[1:]]

    def calendar(self, channel: Channel, media: Media) -> Request:
        """The follow-up that carries an event's .ics file (in a forum, in the post's thread)."""
        assert media.path is not None
        return replace(_request(channel, 1, {}, [media]), purpose="calendar")

    def _message_path(self, channel: Channel, message_id: str, new: Request | None = None) -> str:
        if self.webhook:
            query = (
                "?with_components=true" if new is not None and "components" in new.params else ""
            )
            return f"/webhooks/{{webhook_id}}/{{webhook_token}}/messages/{message_id}{query}"
        if channel.kind == "forum":
            return f"/channels/{sent_message(0)}/messages/{message_id}"
        return f"/channels/{channel.channel_id}/messages/{message_id}"

    def edit(self, channel: Channel, new: Request, old: Sent) -> Request:
        """Discord messages are patched whole; a forum post's first message is its thread's
        starter message, whose id is the thread's."""
        if new.purpose == "thread":
            thread = old.ids[0]
            payload = {k: v for k, v in new.params["message"].items() if k not in _NOT_EDITED}
            path = f"/channels/{thread}/messages/{thread}"
        else:
            payload = {k: v for k, v in new.params.items() if k not in _NOT_EDITED}
            path = self._message_path(channel, old.ids[0], new)
        return Request("discord", "PATCH", payload, path=path, uploads=new.uploads, purpose="edit")

    def delete(self, channel: Channel, old: Sent) -> list[Request]:
        """Delete a message; a forum post's first one takes its whole thread with it."""
        if channel.kind == "forum" and not self.webhook and old.step == 0:
            return [Request("discord", "DELETE", {}, path=f"/channels/{old.ids[0]}",
                            purpose="delete")]  # fmt: skip
        path = self._message_path(channel, old.ids[0])
        return [Request("discord", "DELETE", {}, path=path, purpose="delete")]

    def stamp(self, steps: Sequence[Step], identity: str) -> list[Step]:
        """Give every message a delivery creates its own nonce, with `enforce_nonce`.

        Webhooks take no nonce, nor does a forum thread's first message; edits, deletions,
        pins and crossposts need none.
        """
        if self.webhook:
            return list(steps)
        out: list[Step] = []
        for index, step in enumerate(steps):
            request = step.request
            if request.method == "POST" and request.path.endswith("/messages"):
                params = {k: v for k, v in request.params.items() if k not in _NONCE_KEYS}
                params.update(nonce=nonce(identity, index), enforce_nonce=True)
                step = replace(step, request=replace(request, params=params))
            out.append(step)
        return out

    def _pins(self, channel: Channel, message_id: str) -> str | None:
        if self.webhook or channel.kind == "forum":
            return None  # a webhook cannot pin; a forum post is a thread of its own already
        return f"/channels/{channel.channel_id}/messages/pins/{message_id}"

    def pin(self, channel: Channel) -> Request | None:
        """Pin the announcement's first message."""
        path = self._pins(channel, sent_message(0))
        return None if path is None else Request("discord", "PUT", {}, path=path, purpose="pin")

    def unpin(self, channel: Channel, message_id: str) -> Request | None:
        path = self._pins(channel, message_id)
        return None if path is None else Request("discord", "DELETE", {}, path=path,
                                                  purpose="unpin")  # fmt: skip

    def crosspost(self, channel: Channel) -> Request | None:
        """Publish the announcement to the servers following an announcement channel."""
        if self.webhook or not channel.crosspost or channel.kind != "announcement":
            return None
        path = f"/channels/{channel.channel_id}/messages/{sent_message(0)}/crosspost"
        return Request("discord", "POST", {}, path=path, purpose="crosspost")
