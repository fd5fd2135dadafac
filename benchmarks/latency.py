"""File written → first platform request, through a live App watching its content folder.

Post i names its own Telegram chat and Discord channel (`channels: [tg-i, dc-i]`), so per-chat
pacing never holds a post back and posts can follow each other every `interval` seconds.
Each file is written as editors do (temporary file, then rename). The latency of a post is the
fake's arrival time (`Call.time`) of the first send request for it minus `time.monotonic()` just
before the write; the fakes run in a process of their own (the monotonic clock is system-wide).
The watcher's batches are timed too, to split the latency into detection, handling and dispatch.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import datetime, timedelta
from typing import Any

from bot.app import App
from bot.config import ChannelCfg

from .common import (
    PRODUCT_DEBOUNCE_MS,
    RemoteFakes,
    StoreCalls,
    atomic_write,
    first_arrivals,
    header,
    quiet_logging,
    settings_for,
    short_post,
    summary,
    temp_root,
    timed_batches,
    verdict,
    write_result,
)

NAME = "latency"
TARGET_P50 = 0.3
TARGET_P99 = 1.0


async def run_once(
    posts: int, interval: float, debounce_ms: int, settle: float = 30.0
) -> dict[str, Any]:
    with temp_root(NAME) as root:
        chat_ids = [500_000 + i for i in range(posts)]
        spec = {
            "telegram": {"enforce_rate_limits": True},
            "discord": {"enforce_rate_limits": True},
            "chats": chat_ids,
            "discord_channels": posts,
        }
        async with RemoteFakes(spec, root) as remote:
            assert remote.tg is not None and remote.dc is not None
            dc_ids = remote.dc.channels
            channels: list[ChannelCfg] = []
            for i in range(posts):
                channels.append(
                    ChannelCfg(name=f"tg-{i}", platform="telegram", chat_id=str(chat_ids[i]))
                )
                channels.append(
                    ChannelCfg(name=f"dc-{i}", platform="discord", channel_id=str(dc_ids[i]))
                )
            settings = settings_for(root, remote.tg, remote.dc, channels, debounce_ms=debounce_ms)
            app = App(settings, watch=True, with_admin=False, announce_existing=False)
            batches: list[dict[str, Any]] = []
            timed_batches(app, batches)
            polling = StoreCalls(app)
            day = (datetime.now(settings.association.tz) - timedelta(days=1)).date().isoformat()
            written: dict[int, float] = {}
            await app.start()
            try:
                await asyncio.sleep(0.5)  # let the watcher settle after start
                polling.reset()
                began = time.monotonic()
                for i in range(posts):
                    path = root / "content" / f"post-{i:03d}.md"
                    text = short_post(f"Announcement {i}", day, [f"tg-{i}", f"dc-{i}"])
                    written[i] = time.monotonic()
                    atomic_write(path, text)
                    await asyncio.sleep(max(0.0, began + (i + 1) * interval - time.monotonic()))
                polled = polling.figures(posts)
                deadline = time.monotonic() + settle
                while time.monotonic() < deadline:
                    table = app.store.status()
                    if sum(c.sent + c.failed for c in table) >= 2 * posts:
                        break
                    await asyncio.sleep(0.1)
            finally:
                await app.stop(grace=5)
            received = await remote.dump()

        tg_first, dc_first = first_arrivals(received)
        lat_tg: list[float] = []
        lat_dc: list[float] = []
        lat_first: list[float] = []
        missing: list[int] = []
        for i in range(posts):
            t_tg = tg_first.get(chat_ids[i])
            t_dc = dc_first.get(str(dc_ids[i]))
            if t_tg is not None:
                lat_tg.append(t_tg - written[i])
            if t_dc is not None:
                lat_dc.append(t_dc - written[i])
            firsts = [t for t in (t_tg, t_dc) if t is not None]
            if firsts:
                lat_first.append(min(firsts) - written[i])
            else:
                missing.append(i)

        detect: list[float] = []
        handle: list[float] = []
        dispatch: list[float] = []
        for i in range(posts):
            name = f"post-{i:03d}.md"
            batch = next((b for b in batches if name in b["files"]), None)
            if batch is not None:
                detect.append(batch["began"] - written[i])
                handle.append(batch["ended"] - batch["began"])
                firsts = [t for t in (tg_first.get(chat_ids[i]), dc_first.get(str(dc_ids[i]))) if t]
                if firsts:
                    dispatch.append(min(firsts) - batch["ended"])
        sizes = [len(b["files"]) for b in batches]
        return {
            "posts": posts,
            "interval_s": interval,
            "debounce_ms": debounce_ms,
            "channels": len(channels),
            "latency_first_request_s": summary(lat_first),
            "latency_telegram_s": summary(lat_tg),
            "latency_discord_s": summary(lat_dc),
            "watcher_detect_s": summary(detect),
            "batch_handling_s": summary(handle),
            "dispatch_after_batch_s": summary(dispatch),
            "outbox_polling_while_writing": polled,
            "batches": len(batches),
            "max_batch_files": max(sizes) if sizes else 0,
            "missing_posts": missing,
            "telegram_429": received["telegram"]["rate_limit_hits"],
            "discord_429": received["discord"]["rate_limit_hits"],
        }


def _line(label: str, s: dict[str, float]) -> str:
    return (
        f"  {label:<26} p50 {s['p50']:.3f}s  p90 {s['p90']:.3f}s  p99 {s['p99']:.3f}s  "
        f"max {s['max']:.3f}s  (n={s['n']})"
    )


def report(run: dict[str, Any]) -> None:
    first = run["latency_first_request_s"]
    print(
        f"debounce {run['debounce_ms']} ms, {run['posts']} posts every {run['interval_s']}s, "
        f"{run['channels']} channels"
    )
    print(_line("file → first request", first))
    print(_line("file → Telegram sendMessage", run["latency_telegram_s"]))
    print(_line("file → Discord POST", run["latency_discord_s"]))
    print(_line("file → watcher batch", run["watcher_detect_s"]))
    print(_line("batch handling", run["batch_handling_s"]))
    print(_line("batch end → first request", run["dispatch_after_batch_s"]))
    polled = run["outbox_polling_while_writing"]
    print(
        "  outbox polling per post: "
        + ", ".join(
            f"{name} {polled[name]['per_item']:.0f} queries "
            f"({polled[name]['loop_ms_per_item']:.1f} ms of loop)"
            for name in ("claim_next", "next_due")
        )
    )
    print(
        f"  targets: p50 ≤ {TARGET_P50}s {verdict(first['p50'] <= TARGET_P50)}, "
        f"p99 ≤ {TARGET_P99}s {verdict(first['p99'] <= TARGET_P99)}; "
        f"missing {len(run['missing_posts'])}, "
        f"429s tg {run['telegram_429']} dc {run['discord_429']}, "
        f"{run['batches']} batches (largest {run['max_batch_files']} files)"
    )


def run(quick: bool = False, argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks latency")
    parser.add_argument("--posts", type=int, default=12 if quick else 60)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--debounce", type=int, action="append", help="ms; repeatable")
    args = parser.parse_args(argv or [])
    debounces: list[int] = args.debounce or [PRODUCT_DEBOUNCE_MS, 50]
    quiet_logging()
    header(NAME)
    began = time.perf_counter()
    runs = []
    for debounce in debounces:
        result = asyncio.run(run_once(args.posts, args.interval, debounce))
        report(result)
        runs.append(result)
    main = runs[0]["latency_first_request_s"]
    data = {
        "quick": quick,
        "targets": {"p50_s": TARGET_P50, "p99_s": TARGET_P99},
        "met": main["p50"] <= TARGET_P50 and main["p99"] <= TARGET_P99,
        "runs": runs,
        "duration_s": time.perf_counter() - began,
    }
    write_result(NAME, data)
    print(f"took {data['duration_s']:.1f}s")
    return data
