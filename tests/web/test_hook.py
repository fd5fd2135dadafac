"""POST /hooks/git: signatures, events, branches, replays and bodies, against the real server."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.web.metrics import Metrics

from .support import SECRET, Pushes, github_headers, post, push_body, serve, settle, sign


async def test_good_signature_calls_on_push_once(client: aiohttp.ClientSession) -> None:
    pushes = Pushes()
    async with serve(on_push=pushes) as server:
        body = push_body()
        assert await post(client, server, body, github_headers(body)) == (204, "")
        [event] = await pushes.wait(1)
        assert await settle(client, server, pushes) == ["d-1"]
    assert event.ref == "refs/heads/main"
    assert (event.before, event.after) == ("a" * 40, "b" * 40)
    assert (event.pusher, event.commits) == ("sokha", 1)


async def test_answers_before_the_fetch_finishes(client: aiohttp.ClientSession) -> None:
    pushes = Pushes()
    pushes.release.clear()  # the fetch never finishes until the test says so
    async with serve(on_push=pushes) as server:
        body = push_body()
        status = await asyncio.wait_for(post(client, server, body, github_headers(body)), 10)
        assert status == (204, "")
        await pushes.wait(1)
        pushes.release.set()


async def test_a_stalled_fetch_is_cancelled_on_stop(client: aiohttp.ClientSession) -> None:
    pushes = Pushes()
    pushes.release.clear()
    async with serve(on_push=pushes) as server:
        body = push_body()
        await post(client, server, body, github_headers(body))
        await pushes.wait(1)
        await asyncio.wait_for(server.stop(), 10)  # although on_push never finishes


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Hub-Signature-256": sign(push_body(), "wrong secret")},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature-256": sign(push_body()).replace("sha256=", "sha1=")},
        {"X-Hub-Signature-256": "sha256=ស្លាក"},
        {"X-Gitea-Signature": "0" * 64},
        {"X-Hub-Signature-256": ""},
        {},
    ],
    ids=["other-secret", "zeros", "sha1", "non-ascii", "gitea-wrong", "empty", "missing"],
)
async def test_bad_or_missing_signature_is_401(
    client: aiohttp.ClientSession, headers: dict[str, str]
) -> None:
    pushes, metrics = Pushes(), Metrics(dict)
    async with serve(on_push=pushes, metrics=metrics) as server:
        body = push_body()
        base = {"Content-Type": "application/json", "X-GitHub-Event": "push"}
        status, _ = await post(client, server, body, base | headers)
        assert status == 401
        assert await settle(client, server, pushes) == []
    assert b'bot_webhook_requests_total{outcome="unauthorized"} 1.0' in metrics.render()


async def test_signature_of_another_body_is_401(client: aiohttp.ClientSession) -> None:
    pushes = Pushes()
    async with serve(on_push=pushes) as server:
        headers = github_headers(push_body())
        status, _ = await post(client, server, push_body("refs/heads/evil"), headers)
        assert status == 401
        assert await settle(client, server, pushes) == []


@pytest.mark.parametrize("secret", [None, ""])
async def test_without_a_secret_the_route_is_404(
    client: aiohttp.ClientSession, secret: str | None
) -> None:
    pushes = Pushes()
    async with serve(on_push=pushes, webhook_secret=secret) as server:
        body = push_body()
        status, _ = await post(client, server, body, github_headers(body))
    assert status == 404
    assert pushes.events == []


async def test_without_a_push_handler_the_route_is_404(client: aiohttp.ClientSession) -> None:
    async with serve(on_push=None) as server:
        body = push_body()
        status, _ = await post(client, server, body, github_headers(body))
    assert status == 404


async def test_replayed_delivery_is_handled_once(
    client: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    pushes = Pushes()
    caplog.set_level(logging.INFO, logger="bot.web")
    async with serve(on_push=pushes) as server:
        body = push_body()
        for _ in range(3):
            headers = github_headers(body, delivery="abc")
            assert await post(client, server, body, headers) == (204, "")
        assert await settle(client, server, pushes) == ["abc"]
    assert sum("abc was already handled" in r.getMessage() for r in caplog.records) == 2


@pytest.mark.parametrize(
    ("event", "body"),
    [
        ("ping", json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()),
        ("push", push_body("refs/heads/draft")),
        ("push", push_body("refs/tags/v1.0")),
        ("issues", json.dumps({"action": "opened"}).encode()),
        ("create", push_body("refs/heads/main")),
    ],
    ids=["ping", "other-branch", "tag", "issues", "create"],
)
async def test_no_fetch_for_other_events_and_branches(
    client: aiohttp.ClientSession, event: str, body: bytes
) -> None:
    pushes = Pushes()
    async with serve(on_push=pushes) as server:
        status, _ = await post(client, server, body, github_headers(body, event=event))
        assert status == 204
        assert await settle(client, server, pushes) == []


async def test_any_branch_when_none_is_configured(client: aiohttp.ClientSession) -> None:
    pushes = Pushes()
    async with serve(on_push=pushes, branch=None) as server:
        body = push_body("refs/heads/ព័ត៌មាន")
        assert await post(client, server, body, github_headers(body)) == (204, "")
        [event] = await pushes.wait(1)
    assert event.ref == "refs/heads/ព័ត៌មាន"


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe binary", b"[1, 2]", b'{"before": "x"}', b""],
    ids=["broken", "undecodable", "array", "no-ref", "empty"],
)
async def test_malformed_body_with_a_valid_signature_is_400(
    client: aiohttp.ClientSession, body: bytes
) -> None:
    pushes = Pushes()
    async with serve(on_push=pushes) as server:
        status, text = await post(client, server, body, github_headers(body))
        assert status == 400
        assert "JSON" in text or "ref" in text
        assert await settle(client, server, pushes) == []


async def test_gitea_and_forgejo_headers(client: aiohttp.ClientSession) -> None:
    pushes = Pushes()
    async with serve(on_push=pushes) as server:
        for forge, delivery in (("Gitea", "g-1"), ("Forgejo", "f-1")):
            body = push_body()
            digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            headers = {
                "Content-Type": "application/json",
                f"X-{forge}-Event": "push",
                f"X-{forge}-Delivery": delivery,
                f"X-{forge}-Signature": digest,
            }
            assert await post(client, server, body, headers) == (204, "")
        assert await settle(client, server, pushes) == ["g-1", "f-1"]


async def test_github_form_content_type(client: aiohttp.ClientSession) -> None:
    pushes = Pushes()
    async with serve(on_push=pushes) as server:
        body = urlencode({"payload": push_body().decode()}).encode()
        headers = github_headers(body) | {"Content-Type": "application/x-www-form-urlencoded"}
        assert await post(client, server, body, headers) == (204, "")
        [event] = await pushes.wait(1)
    assert event.pusher == "sokha"


async def test_secret_and_signature_never_logged(
    client: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    pushes = Pushes()
    async with serve(on_push=pushes) as server:
        good = push_body()
        for body, headers in [
            (good, github_headers(good)),
            (good, github_headers(good)),
            (b"{bad", github_headers(b"{bad")),
            (good, github_headers(good, secret="wrong")),
            (good, github_headers(good, event="ping", delivery="p")),
        ]:
            await post(client, server, body, headers)
        await pushes.wait(1)
    logged = caplog.text
    assert "push webhook" in logged
    assert SECRET not in logged
    for body in (good, b"{bad"):
        for secret in (SECRET, "wrong"):
            assert sign(body, secret)[7:] not in logged
