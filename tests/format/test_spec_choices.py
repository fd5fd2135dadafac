"""The requests of every per-channel choice, checked against the platforms' specs: silent,
buttons, pins and unpins, mentions, templates, forum threads, crossposts, edits of them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from bot.domain import Channel
from bot.format.details import with_versions
from bot.format.model import Request, needs_sent, resolve_sent
from bot.format.notices import notice_requests, recurring_post, reminder_post
from bot.format.profiles import profile_for, render

from .support import DC, OPTS, TG, local_media
from .test_members_see import PARTY, START, VERSIONS
from .test_spec import (
    DISCORD_SPEC,
    TELEGRAM_SPEC,
    body_schema,
    check_discord,
    load,
    operation,
    telegram_object_errors,
    undeclared,
)

SENT = {0: ["1300000000000000001", "1300000000000000002"], 1: ["1300000000000000003"]}
TELEGRAM_SENT = {0: ["41", "42"], 1: ["43"]}
TG_ALL = replace(TG, silent=True, buttons=True, pin=True, lang="km")
DC_ALL = replace(DC, silent=True, buttons=True, pin=True, mention="999", lang="ja")
FORUM = replace(DC_ALL, kind="forum", forum_tags=(("1300000000000000009", "events"),))
NEWS = replace(DC, kind="announcement", crosspost=True, pin=True)
HOOK = Channel("hook", "discord-webhook", webhook_url_env="X", buttons=True, silent=True)


def every_request(channel: Channel) -> list[Request]:
    """What a channel can be sent: an event with photos (and its calendar file), a long text,
    a reminder answering it, a recurring notice, the edit of each message, pin and unpin."""
    profile = profile_for(channel)
    post = with_versions(PARTY, VERSIONS, OPTS)
    calendar = local_media(1, "party")[0]
    requests = list(render(post, local_media(5), OPTS, channel, calendar).requests)
    requests += render(replace(post, body="Long. " * 2000, event=None), [], OPTS, channel).requests
    reminder = reminder_post(post, OPTS, START.replace(day=4), channel.lang)
    requests += notice_requests(reminder, OPTS, channel, ["1300000000000000001"])
    requests += notice_requests(recurring_post("meeting", "Tonight.", OPTS, START), OPTS, channel)
    sent = _Sent(0, requests[0].method, ["1300000000000000001"])
    edit = profile.edit(channel, requests[0], sent)
    requests += [edit] if edit is not None else []
    for extra in (profile.pin(channel), profile.unpin(channel, "1300000000000000001"),
                  profile.crosspost(channel)):  # fmt: skip
        requests += [extra] if extra is not None else []
    return requests


class _Sent:
    def __init__(self, step: int, method: str, ids: list[str]) -> None:
        self.step, self.method, self.ids = step, method, ids


def filled(request: Request) -> Request:
    if not needs_sent(request):
        return request
    return resolve_sent(request, TELEGRAM_SENT if request.platform == "telegram" else SENT)


@pytest.mark.parametrize("channel", [TG_ALL, replace(TG_ALL, thread_id=7)], ids=["chat", "topic"])
def test_telegram_choices_match_the_bot_api(channel: Channel) -> None:
    spec = load(TELEGRAM_SPEC)
    seen = set()
    for request in map(filled, every_request(channel)):
        method = spec["methods"].get(request.method)
        assert method is not None, f"{request.method} is not a Bot API method"
        errors = telegram_object_errors(request.params, method["fields"], spec, request.method)
        assert not errors, errors
        seen.add(request.method)
    assert {"pinChatMessage", "unpinChatMessage", "sendMediaGroup", "sendMessage"} <= seen


def check_any_discord(spec: dict[str, Any], request: Request) -> None:
    """POST bodies against their schema; other verbs: the route and its body, if it takes one."""
    if request.method == "POST" and request.params:
        check_discord(spec, request)
        return
    op, _ = operation(spec, request.path, request.method)
    if not request.params:
        return
    schema = body_schema(spec, op, "application/json")
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(request.params)
    ]
    assert not errors, errors[:5]
    assert not undeclared(spec, request.params, schema, "payload")


@pytest.mark.parametrize(
    "channel", [DC_ALL, FORUM, NEWS, HOOK], ids=["text", "forum", "announcement", "webhook"]
)
def test_discord_choices_match_the_openapi_schema(channel: Channel) -> None:
    spec = load(DISCORD_SPEC)
    routes = set()
    for request in map(filled, every_request(channel)):
        check_any_discord(spec, request)
        routes.add(operation(spec, request.path, request.method)[1])
    if channel is FORUM:
        assert "/channels/{channel_id}/threads" in routes
    if channel is NEWS:
        assert "/channels/{channel_id}/messages/{message_id}/crosspost" in routes
        assert "/channels/{channel_id}/messages/pins/{message_id}" in routes


def test_forum_thread_body_is_the_forum_thread_request() -> None:
    spec = load(DISCORD_SPEC)
    thread = render(PARTY, [], OPTS, FORUM).requests[0]
    op, _ = operation(spec, thread.path, "POST")
    schema = {**spec["components"]["schemas"]["CreateForumThreadRequest"],
              "components": spec["components"]}  # fmt: skip
    validator = Draft202012Validator(schema)
    assert not list(validator.iter_errors(thread.params))
    assert op["requestBody"]["content"]["multipart/form-data"]
