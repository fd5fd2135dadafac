"""The service following the website's repository: a local bare repository, the platform fakes.

A push is made to the bare repository as the site's maintainers would; the follower is told to
fetch (as the push webhook does), and what the push changed reaches the channels once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import App
from bot.config import Settings
from bot.service.follow import PushRelay
from bot.service.health import Health
from bot.web.metrics import Metrics
from bot.web.server import WebServer
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.telegram_api import FakeTelegram
from tests.helpers import wait_for
from tests.ingest.git_support import Origin, post

ARCHIVE = {
    "posts/2023-01-23-anniversary.md": post("Anniversary", "Seventy years.", "2023-01-23"),
    "columns/why-we-study.md": post("Why we study", "A column.", "2023-02-01"),
    "README.md": "The website.",
}


@pytest.fixture
def origin(tmp_path: Path) -> Origin:
    repo = Origin(tmp_path / "remote.git")
    repo.commit(ARCHIVE, "The site as it is")
    return repo


@pytest.fixture
def git_settings(tmp_path: Path, make_settings: Callable[..., Settings], origin: Origin, tg, dc):
    def make(**git: Any) -> Settings:
        return make_settings(
            tg=tg, dc=dc, webhook=False, telegram={"admin_chat": "4242"},
            content={"dir": ["posts", "columns"], "static_dir": "public",
                     "git": {"url": origin.url, "checkout": tmp_path / "site", **git}},
        )  # fmt: skip

    return make


def titles(tg: FakeTelegram) -> list[str]:
    return [m.text.split("\n")[0] for m in tg.messages_in(TG_CHAT) if not m.deleted]


async def started(settings: Settings, **kwargs: Any) -> App:
    app = App(settings, with_admin=False, **kwargs)
    await app.start()
    return app


async def fetched(app: App, tg: FakeTelegram, condition: Callable[[], object]) -> None:
    assert app.follower is not None
    app.follower.fetch_now()
    await wait_for(condition, timeout=15)


async def test_the_clone_is_the_archive_and_pushes_go_out_once(
    tmp_path: Path, git_settings, origin: Origin, tg, dc
) -> None:
    app = await started(git_settings())
    try:
        assert (tmp_path / "site/posts/2023-01-23-anniversary.md").exists()
        assert app.summary is not None and len(app.summary.archived) == 2
        origin.commit({"posts/picnic.md": post("Picnic", "Sunday at the park.", "2026-11-20")})
        await fetched(app, tg, lambda: "Picnic" in titles(tg))
        await wait_for(lambda: len(dc.messages.get(DC_CHANNEL, [])) == 1)

        edited = post("Picnic", "Sunday at the park, 11:00.", "2026-11-20")
        origin.commit({"posts/picnic.md": edited}, "Say when")
        await fetched(app, tg, lambda: any("11:00" in m.text for m in tg.messages_in(TG_CHAT)))
        assert tg.messages_in(TG_CHAT)[0].edit_count == 1

        origin.commit({"posts/picnic.md": None, "posts/2026-picnic.md": edited}, "Rename")
        await fetched(app, tg, lambda: "2026-picnic" in app.lifecycle.posts)
        origin.commit({"columns/why-we-study.md": None}, "Retire a column")
        state = lambda: app.store.post("why-we-study")  # noqa: E731
        await fetched(app, tg, lambda: (s := state()) is not None and s.state == "removed")
        assert titles(tg) == ["Picnic"] and len(dc.messages[DC_CHANNEL]) == 1
    finally:
        await app.stop()


async def test_a_rewritten_branch_reports_only_what_really_changed(
    git_settings, origin: Origin, tg, dc
) -> None:
    first = origin.commit({"posts/a.md": post("Alpha", "First.", "2026-11-20")})
    app = await started(git_settings())  # the clone: everything is archive
    try:
        base = origin.get(first).parents[0]
        origin.commit({"posts/b.md": post("Bravo", "Second.", "2026-11-21")})
        await fetched(app, tg, lambda: "Bravo" in titles(tg))
        # history rewritten: a.md and b.md again (same bytes) plus a new c.md, on another base
        rewritten = origin.commit(
            {"posts/a.md": post("Alpha", "First.", "2026-11-20"),
             "posts/b.md": post("Bravo", "Second.", "2026-11-21"),
             "posts/c.md": post("Charlie", "Third.", "2026-11-22")},
            "Squash", parents=[base], move=False,
        )  # fmt: skip
        origin.move_branch(rewritten)
        await fetched(app, tg, lambda: "Charlie" in titles(tg))
        assert sorted(titles(tg)) == ["Bravo", "Charlie"]
    finally:
        await app.stop()


async def test_a_failing_fetch_is_reported_and_work_goes_on(
    tmp_path: Path, git_settings, origin: Origin, tg, dc
) -> None:
    app = await started(git_settings())
    try:
        origin.close()
        (tmp_path / "remote.git").rename(tmp_path / "gone.git")  # the remote is unreachable
        assert app.follower is not None
        assert await app.follower.sync() is None
        problems = app.health.problems(app.clock())
        assert any(p.startswith("git:") for p in problems), problems
        await wait_for(lambda: tg.messages_in(4242), timeout=10)  # the admins are told
        assert "website's repository" in tg.messages_in(4242)[0].text
        assert (tmp_path / "site/posts/2023-01-23-anniversary.md").exists()  # last good one
    finally:
        await app.stop()


async def test_a_repository_that_is_not_the_website_is_reported(
    tmp_path: Path, make_settings, tg, dc
) -> None:
    other = Origin(tmp_path / "other.git")
    other.commit({"src/main.c": "int main(void) { return 0; }\n"})
    settings = make_settings(
        tg=tg, webhook=False, telegram={"admin_chat": "4242"},
        content={"dir": ["posts", "columns"], "git": {"url": other.url,
                                                      "checkout": tmp_path / "site"}},
    )  # fmt: skip
    app = await started(settings)
    try:
        await wait_for(lambda: tg.messages_in(4242), timeout=10)
        assert "no posts/, columns/" in tg.messages_in(4242)[0].text
    finally:
        await app.stop()


async def test_posts_admins_write_are_pushed_to_the_website(
    git_settings, origin: Origin, tg, dc
) -> None:
    app = await started(git_settings(push=True, author="CSAJ bot <bot@csaj.example>"))
    try:
        answer = await app.admin_ops().announce("Film night", "Friday, room 201.")
        assert "Film night" in answer
        await wait_for(lambda: "Film night" in titles(tg))
        await wait_for(lambda: any(k.startswith("posts/") and "film-night" in k
                                   for k in origin.files()), timeout=15)  # fmt: skip
        head = origin.get(origin.head())
        assert head.author == b"CSAJ bot <bot@csaj.example>"
        assert b"Film night" in head.message
    finally:
        await app.stop()


def signed(body: bytes, secret: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "X-GitHub-Event": "push",
            "X-GitHub-Delivery": hashlib.md5(body).hexdigest(),
            "Content-Type": "application/json"}  # fmt: skip


async def test_a_signed_push_fetches_at_once_and_a_forged_one_does_nothing(
    git_settings, origin: Origin, tg, dc
) -> None:
    health = Health()
    app = await started(git_settings(), health=health)
    relay = PushRelay()
    relay.follower = app.follower
    web = WebServer(host="127.0.0.1", port=0, health=health, metrics=Metrics(pending=dict),
                    on_push=relay, webhook_secret="s3cret", branch="main")  # fmt: skip
    await web.start()
    url = f"http://127.0.0.1:{web.port}/hooks/git"
    try:
        origin.commit({"posts/hook.md": post("Hooked", "Pushed and heard.", "2026-11-20")})
        body = json.dumps({"ref": "refs/heads/main", "after": "abc", "commits": []}).encode()
        async with aiohttp.ClientSession() as http:
            forged = signed(body, "wrong")
            async with http.post(url, data=body, headers=forged) as answer:
                assert answer.status == 401
            async with http.post(url, data=body, headers=signed(body, "s3cret")) as answer:
                assert answer.status == 204
        await wait_for(lambda: "Hooked" in titles(tg), timeout=15)
    finally:
        await web.stop()
        await app.stop()


async def test_healthz_turns_503_when_a_worker_is_stuck(git_settings, tg, dc) -> None:
    health = Health(stuck_after=0.3)
    settings = git_settings()
    app = await started(settings, health=health)
    web = WebServer(host="127.0.0.1", port=0, health=health, metrics=Metrics(pending=dict),
                    on_push=None, webhook_secret=None)  # fmt: skip
    await web.start()
    try:
        dc.fail_next("POST /channels/{channel_id}/messages", status=200, delay=2.0)
        await app.announcer.publish(app.lifecycle.posts["2023-01-23-anniversary"])
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{web.port}/healthz"

            async def status() -> tuple[int, dict[str, Any]]:
                async with http.get(url) as answer:
                    return answer.status, await answer.json()

            await wait_for(lambda: any("stuck" in p for p in health.problems(app.clock())))
            code, body = await status()
            assert code == 503 and any("dc-news stuck" in p for p in body["problems"])
            await wait_for(lambda: app.store.deliveries(state="sent"), timeout=10)
            await wait_for(lambda: not health.problems(app.clock()), timeout=5)
            code, body = await status()
            assert code == 200 and body["role"] == "leader"
    finally:
        await web.stop()
        await app.stop()


async def test_a_huge_or_binary_post_is_reported_and_the_others_go_out(
    git_settings, origin: Origin, tg, dc
) -> None:
    app = await started(git_settings())
    try:
        origin.commit({
            "posts/huge.md": "---\ntitle: Huge\ndate: 2026-11-20\n---\n" + "x" * 3_000_000,
            "posts/binary.md": b"\x00\x01\x02" * 100,
            "posts/fine.md": post("Fine", "Still goes out.", "2026-11-20"),
        })  # fmt: skip
        await fetched(app, tg, lambda: "Fine" in titles(tg))
        await wait_for(lambda: len(tg.messages_in(4242)) >= 1, timeout=10)
        reported = " ".join(m.text for m in tg.messages_in(4242))
        assert "posts/huge.md" in reported and "posts/binary.md" in reported
    finally:
        await app.stop()


async def test_a_token_never_shows_in_logs_or_reports(
    tmp_path: Path, make_settings, tg, caplog: pytest.LogCaptureFixture
) -> None:
    token = "ghp_" + "S3cretTokenValue" * 2
    url = f"https://x-access-token:{token}@127.0.0.1:9/csaj/site.git"  # nothing listens on 9
    settings = make_settings(
        tg=tg, webhook=False, telegram={"admin_chat": "4242"},
        content={"dir": ["posts"], "git": {"url": url, "checkout": tmp_path / "site"}},
    )  # fmt: skip
    with caplog.at_level("DEBUG"):
        app = await started(settings)
        try:
            await wait_for(lambda: tg.messages_in(4242), timeout=20)
        finally:
            await app.stop()
    assert token not in caplog.text
    assert all(token not in m.text for m in tg.messages_in(4242))
    assert any("website's repository" in m.text for m in tg.messages_in(4242))
    assert not (tmp_path / "site" / ".git").exists() or token not in (
        (tmp_path / "site" / ".git" / "config").read_text(errors="replace")
    )
