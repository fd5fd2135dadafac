"""A push to the website's repository → the first platform request, through a live App.

The App follows a local bare repository (200 posts of archive) that the benchmark commits to as
a maintainer pushes; with the webhook, each push is followed by a signed POST /hooks/git (as
GitHub sends it); with polling only, the App fetches every `poll_seconds` (5 s, the shortest
allowed). Post i names its own Telegram chat and Discord channel, so pacing never holds one
back. The latency of a push is the fake's arrival time of the first request for its post minus
`time.monotonic()` just before the commit (the fakes run in a process of their own).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bot.app import App, metrics_of
from bot.config import ChannelCfg, GitCfg
from bot.service.follow import PushRelay
from bot.service.health import Health
from bot.web.server import WebServer
from tests.ingest.git_support import Origin
from tests.web.support import github_headers

from .common import (
    RemoteFakes,
    first_arrivals,
    header,
    quiet_logging,
    settings_for,
    short_post,
    summary,
    temp_root,
    verdict,
    write_result,
)

NAME = "push"
TARGET_WEBHOOK_P50 = 1.0
SECRET = "benchmark-secret"
ARCHIVE = 200


def _archive() -> dict[str, str]:
    return {
        f"posts/2024-{i:04d}-old.md": short_post(f"Old news {i}", "2024-01-01")
        for i in range(ARCHIVE)
    }


async def _webhook(http: aiohttp.ClientSession, url: str, n: int) -> None:
    body = json.dumps({"ref": "refs/heads/main", "after": f"{n:040x}", "commits": [{}]}).encode()
    headers = github_headers(body, delivery=f"bench-{n}", secret=SECRET)
    async with http.post(url, data=body, headers=headers) as answer:
        if answer.status != 204:
            raise RuntimeError(f"webhook answered {answer.status}")


async def run_once(pushes: int, interval: float, webhook: bool) -> dict[str, Any]:
    with temp_root(NAME) as root:
        chat_ids = [600_000 + i for i in range(pushes)]
        spec = {"telegram": {"enforce_rate_limits": True}, "discord": {"enforce_rate_limits": True},
                "chats": chat_ids, "discord_channels": pushes}  # fmt: skip
        origin = Origin(root / "site.git")
        origin.commit(_archive(), "The site")
        async with RemoteFakes(spec, root) as remote:
            assert remote.tg is not None and remote.dc is not None
            dc_ids = remote.dc.channels
            channels = [
                ChannelCfg(name=f"{kind}-{i}", platform=platform, **{key: str(ident)})
                for i in range(pushes)
                for kind, platform, key, ident in (
                    ("tg", "telegram", "chat_id", chat_ids[i]),
                    ("dc", "discord", "channel_id", dc_ids[i]),
                )
            ]
            settings = settings_for(root, remote.tg, remote.dc, channels)
            git = GitCfg(url=origin.url, checkout=root / "site", poll_seconds=5)
            content = settings.content.model_copy(update={"dir": [Path("posts")], "git": git})
            settings = settings.model_copy(update={"content": content})
            health, relay = Health(), PushRelay()
            app = App(settings, with_admin=False, announce_existing=False, health=health)
            relay.follower = app.follower
            web = WebServer(host="127.0.0.1", port=0, health=health, metrics=metrics_of(app.store),
                            on_push=relay, webhook_secret=SECRET, branch="main")  # fmt: skip
            day = (datetime.now(settings.association.tz) - timedelta(days=1)).date().isoformat()
            pushed: dict[int, float] = {}
            await app.start()
            await web.start()
            url = f"http://127.0.0.1:{web.port}/hooks/git"
            try:
                async with aiohttp.ClientSession() as http:
                    for i in range(pushes):
                        text = short_post(f"Pushed {i}", day, [f"tg-{i}", f"dc-{i}"])
                        pushed[i] = time.monotonic()
                        origin.commit({f"posts/pushed-{i:03d}.md": text}, f"Post {i}")
                        if webhook:
                            await _webhook(http, url, i)
                        await asyncio.sleep(interval)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    if sum(c.sent + c.failed for c in app.store.status()) >= 2 * pushes:
                        break
                    await asyncio.sleep(0.1)
            finally:
                await web.stop()
                await app.stop(grace=5)
                origin.close()
            received = await remote.dump()
    first, dc_first = first_arrivals(received)
    latencies, missing = [], []
    for i in range(pushes):
        times = [t for t in (first.get(chat_ids[i]), dc_first.get(str(dc_ids[i]))) if t]
        if times:
            latencies.append(min(times) - pushed[i])
        else:
            missing.append(i)
    return {"webhook": webhook, "pushes": pushes, "interval_s": interval,
            "push_to_first_request_s": summary(latencies), "missing": missing}  # fmt: skip


def _report(label: str, run: dict[str, Any]) -> None:
    s = run["push_to_first_request_s"]
    print(
        f"  {label:<13} push → first request  p50 {s['p50']:.3f}s  p90 {s['p90']:.3f}s  "
        f"p99 {s['p99']:.3f}s  max {s['max']:.3f}s  (n={s['n']}, missing {len(run['missing'])})"
    )


def run(quick: bool = False, argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog=f"python -m benchmarks {NAME}")
    parser.add_argument("--pushes", type=int, default=8 if quick else 30)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args(argv or [])
    quiet_logging()
    header(NAME)
    began = time.perf_counter()
    hooked = asyncio.run(run_once(args.pushes, args.interval, webhook=True))
    _report("webhook", hooked)
    polled = asyncio.run(run_once(args.pushes, args.interval, webhook=False))
    _report("polling (5 s)", polled)
    p50 = hooked["push_to_first_request_s"]["p50"]
    met = p50 <= TARGET_WEBHOOK_P50 and not hooked["missing"] and not polled["missing"]
    print(f"  target: p50 ≤ {TARGET_WEBHOOK_P50:g}s with the webhook: {verdict(met)}")
    data = {"quick": quick, "met": met, "runs": [hooked, polled],
            "duration_s": time.perf_counter() - began}  # fmt: skip
    write_result(NAME, data)
    print(f"took {data['duration_s']:.1f}s")
    return data
