"""A burst of posts to many destinations, against fakes that enforce the platforms' flood limits.

Ours: a live App (empty content folder, `announce_existing=False`) gets `posts` short text posts
dropped into its folder at once; every post goes to every channel (private Telegram chats, one
Telegram group, Discord channels): one `sendMessage` and one Discord message per channel.
Measured: time from the first write to the last message delivered, 429s, lost and duplicated
messages, and that time against the floor the limits allow.

Side by side: python-telegram-bot's `AIORateLimiter` on an `ExtBot`, sending the same Telegram
messages the naive way (`asyncio.gather` of every send) to a fresh fake.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import itertools
import math
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.app import App
from bot.config import ChannelCfg
from bot.domain import Channel
from bot.format.model import Request

from .common import (
    RESULTS,
    ROOT,
    RemoteFakes,
    StoreCalls,
    atomic_write,
    header,
    print_profile,
    profile_top,
    quiet_logging,
    settings_for,
    short_post,
    summary,
    temp_root,
    timed_batches,
    verdict,
    write_result,
)

NAME = "burst"
TARGET_RATIO = 1.15
PRIVATE_BASE = 700_001
GROUP_ID = -4_700_700
GROUP_LIMIT = 20


@dataclass(frozen=True)
class Shape:
    posts: int
    private: int
    groups: int
    discord: int

    @property
    def telegram_chats(self) -> int:
        return self.private + self.groups

    @property
    def telegram_messages(self) -> int:
        return self.posts * self.telegram_chats

    @property
    def discord_messages(self) -> int:
        return self.posts * self.discord

    def chat_ids(self) -> list[int]:
        return [PRIVATE_BASE + i for i in range(self.private)] + [
            GROUP_ID - i for i in range(self.groups)
        ]


# -- the floor the limits allow ----------------------------------------------------------------
def _rolling(count: int, limit: int, window: float, interval: float = 0.0) -> float:
    """When the last of `count` sends can start, at most `limit` of them in any rolling `window`
    and `interval` apart."""
    times: list[float] = []
    for k in range(count):
        t = times[-1] + interval if times else 0.0
        if k >= limit:
            t = max(t, times[k - limit] + window)
        times.append(t)
    return times[-1] if times else 0.0


def floors(shape: Shape) -> dict[str, float]:
    """Each limit alone, as the fakes enforce them (Telegram: 1/s per chat, 20 per rolling minute
    per group, 30 per rolling second overall; Discord: 5 per fixed 5 s window per channel)."""
    n = shape.posts
    out = {"telegram_per_chat_s": (n - 1) * 1.0}
    if shape.groups:
        out["telegram_group_s"] = _rolling(n, 20, 60.0, 1.0)
    out["telegram_global_s"] = _rolling(shape.telegram_messages, 30, 1.0)
    if shape.discord:
        out["discord_per_channel_s"] = (math.ceil(n / 5) - 1) * 5.0
        out["discord_global_s"] = _rolling(shape.discord_messages, 50, 1.0)
    out["floor_s"] = max(out.values())
    return out


# -- ours --------------------------------------------------------------------------------------
class LoopLag:
    """How late the event loop wakes a 5 ms sleep: a stalled loop delays every request."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.005)
            self.samples.append((time.monotonic(), loop.time() - before - 0.005))

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    def figures(self, since: float) -> dict[str, Any]:
        lags = [lag for _, lag in self.samples]
        worst = sorted(self.samples, key=lambda s: -s[1])[:5]
        return {
            **{k: v for k, v in summary(lags).items() if k in ("p50", "p99", "max")},
            "over_50ms": sum(1 for lag in lags if lag > 0.05),
            "worst_at_s": [[round(t - since, 2), round(lag, 3)] for t, lag in worst],
        }


def record_bookings(app: App) -> dict[str, list[float]]:
    """When the Pacer let each request go (per chat id or Discord channel id), in order."""
    pacer = app.sender.pacer
    inner = pacer.acquire
    bookings: dict[str, list[float]] = {}

    async def acquire(channel: Channel, request: Request) -> object:
        booked = await inner(channel, request)
        key = channel.chat_id if channel.platform == "telegram" else channel.channel_id
        bookings.setdefault(str(key), []).append(time.monotonic())
        return booked

    setattr(pacer, "acquire", acquire)  # noqa: B010
    return bookings


def refused_analysis(
    calls: list[dict[str, Any]], bookings: dict[str, list[float]]
) -> dict[str, Any]:
    """Match the k-th booking of a chat with the k-th request the fake received from it, and
    compare each refused request with the accepted ones before it."""
    by_chat: dict[str, list[dict[str, Any]]] = {}
    for call in calls:
        if call["method"] == "sendMessage":
            by_chat.setdefault(str(call["chat_id"]), []).append(call)
    lags: list[float] = []
    refused: list[dict[str, Any]] = []
    for chat, chat_calls in by_chat.items():
        booked = bookings.get(chat, [])
        accepted: list[int] = []
        for k, call in enumerate(chat_calls):
            if k >= len(booked):
                break
            lags.append(call["time"] - booked[k])
            if call["status"] == 429 and accepted:
                prev = accepted[-1]
                head = accepted[-GROUP_LIMIT] if len(accepted) >= GROUP_LIMIT else None
                in_group = chat.startswith("-") and head is not None
                refused.append(
                    {
                        "chat": chat,
                        "request": k,
                        "gap_since_previous_arrival_s": round(
                            call["time"] - chat_calls[prev]["time"], 3
                        ),
                        "gap_since_previous_booking_s": round(booked[k] - booked[prev], 3),
                        "previous_booking_to_arrival_s": round(
                            chat_calls[prev]["time"] - booked[prev], 3
                        ),
                        "this_booking_to_arrival_s": round(call["time"] - booked[k], 3),
                        "window_head_booking_to_arrival_s": round(
                            chat_calls[head]["time"] - booked[head], 3
                        )
                        if in_group and head is not None
                        else None,
                    }
                )
            if call["status"] == 200:
                accepted.append(k)
    return {"booking_to_arrival_s": summary(lags), "refused": refused}


async def run_ours(shape: Shape, settle_factor: float = 2.0) -> dict[str, Any]:
    floor = floors(shape)["floor_s"]
    with temp_root(NAME) as root:
        spec = {
            "telegram": {"enforce_rate_limits": True},
            "discord": {"enforce_rate_limits": True},
            "chats": shape.chat_ids(),
            "discord_channels": shape.discord,
        }
        async with RemoteFakes(spec, root) as remote:
            assert remote.tg is not None and remote.dc is not None
            dc_ids = remote.dc.channels
            channels: list[ChannelCfg] = []
            for i, chat_id in enumerate(shape.chat_ids()):
                channels.append(
                    ChannelCfg(name=f"tg-{i}", platform="telegram", chat_id=str(chat_id))
                )
            for i, channel_id in enumerate(dc_ids):
                channels.append(
                    ChannelCfg(name=f"dc-{i}", platform="discord", channel_id=str(channel_id))
                )
            settings = settings_for(root, remote.tg, remote.dc, channels)
            app = App(settings, watch=True, with_admin=False, announce_existing=False)
            bookings = record_bookings(app)
            polling = StoreCalls(app)
            batches: list[dict[str, Any]] = []
            timed_batches(app, batches)
            lag = LoopLag()
            await app.start()
            lag.start()
            day = (datetime.now(settings.association.tz) - timedelta(days=1)).date().isoformat()
            expected = shape.telegram_messages + shape.discord_messages
            try:
                polling.reset()
                began = time.monotonic()
                cpu_began = time.process_time()
                for i in range(shape.posts):
                    atomic_write(
                        root / "content" / f"burst-{i:03d}.md", short_post(f"Burst {i}", day)
                    )
                wrote = time.monotonic() - began
                deadline = began + max(60.0, settle_factor * floor + 30.0)
                settled = False
                while time.monotonic() < deadline and not settled:
                    await asyncio.sleep(0.5)
                    table = app.store.status()
                    done = sum(s.sent + s.failed for s in table)
                    settled = done >= expected and not any(s.pending for s in table)
                cpu = time.process_time() - cpu_began
                polled = polling.figures(expected)
                states = Counter(d.state for d in app.store.deliveries())
            finally:
                await lag.stop()
                await app.stop(grace=5)
            received = await remote.dump()

        tg_calls = received["telegram"]["calls"]
        dc_calls = received["discord"]["calls"]
        texts = Counter((s["chat_id"], s["text"]) for s in received["telegram"]["sent"])
        dc_texts = Counter(
            (cid, title)
            for cid, titles in received["discord"]["messages"].items()
            for title in titles
        )
        by_chat: dict[int, list[float]] = {}
        for call in tg_calls:
            if call["method"] == "sendMessage" and call["status"] == 200:
                by_chat.setdefault(int(call["chat_id"]), []).append(call["time"])
        dc_times: dict[int, list[float]] = {}
        for dcall in dc_calls:
            if dcall["method"] == "POST" and dcall["status"] == 200 and not dcall["deduplicated"]:
                dc_times.setdefault(int(dcall["path"].split("/")[-2]), []).append(dcall["at"])
        all_times = [t for ts in (*by_chat.values(), *dc_times.values()) for t in ts]
        last = max(all_times) if all_times else math.nan
        first = min(all_times) if all_times else math.nan
        private_ids = shape.chat_ids()[: shape.private]
        group_ids = shape.chat_ids()[shape.private :]

        def finish(ids: list[int], table: dict[int, list[float]]) -> float:
            ends = [max(table[i]) for i in ids if table.get(i)]
            return max(ends) - began if ends else math.nan

        group_bookings = sum(len(bookings.get(str(g), [])) for g in group_ids)
        group_times = sorted(t for g in group_ids for t in by_chat.get(g, []))
        gaps = [b - a for a, b in itertools.pairwise(group_times)]
        total = last - began
        return {
            "write_s": wrote,
            "total_s": total,
            "span_first_to_last_s": last - first,
            "first_message_after_s": first - began,
            "finish_private_s": finish(private_ids, by_chat),
            "finish_group_s": finish(group_ids, by_chat),
            "finish_discord_s": finish(dc_ids, dc_times),
            "ratio": total / floor,
            "telegram_429": received["telegram"]["rate_limit_hits"],
            "discord_429": received["discord"]["rate_limit_hits"],
            "discord_scripted_429": 0,
            "expected": expected,
            "delivered": len(texts) + len(dc_texts),
            "lost": expected - len(texts) - len(dc_texts),
            "duplicates": sum(n - 1 for n in (*texts.values(), *dc_texts.values()) if n > 1),
            "delivery_states": dict(states),
            "telegram_requests": sum(1 for c in tg_calls if c["method"] == "sendMessage"),
            "group_pacer_bookings": group_bookings,
            "group_messages": len(group_times),
            "group_longest_gap_s": max(gaps) if gaps else 0.0,
            "telegram_refused": refused_analysis(tg_calls, bookings),
            "loop_lag_s": lag.figures(began),
            "bot_cpu_s": cpu,
            "watcher_batches": [
                {
                    "files": len(b["files"]),
                    "at_s": b["began"] - began,
                    "took_s": b["ended"] - b["began"],
                }
                for b in batches
            ],
            "outbox_polling": polled,
            "bot_cpu_ms_per_message": 1000 * cpu / max(1, len(texts) + len(dc_texts)),
        }


# -- python-telegram-bot's AIORateLimiter --------------------------------------------------------
async def run_ptb(shape: Shape, max_retries: int, limit_s: float) -> dict[str, Any]:
    floor = floors(shape)["floor_s"]
    spec = {"telegram": {"enforce_rate_limits": True}, "chats": shape.chat_ids()}
    with temp_root(NAME) as root:
        async with RemoteFakes(spec, root) as remote:
            assert remote.tg is not None
            request = HTTPXRequest(
                connection_pool_size=16, read_timeout=30, write_timeout=30, connect_timeout=10
            )
            bot: ExtBot[None] = ExtBot(
                remote.tg.token,
                base_url=remote.tg.base_url,
                base_file_url=remote.tg.base_file_url,
                request=request,
                rate_limiter=cast(Any, AIORateLimiter(max_retries=max_retries)),
            )
            await bot.initialize()
            try:
                began = time.monotonic()
                tasks = [
                    asyncio.ensure_future(
                        bot.send_message(
                            chat_id=chat_id,
                            text=f"<b>Burst {i}</b>\n\nA short announcement.",
                            parse_mode="HTML",
                        )
                    )
                    for i in range(shape.posts)
                    for chat_id in shape.chat_ids()
                ]
                done, pending = await asyncio.wait(tasks, timeout=limit_s)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
            finally:
                await bot.shutdown()
            received = await remote.dump()
    errors: Counter[str] = Counter()
    for task in done:
        exc = task.exception()
        if exc is not None:
            errors["RetryAfter" if isinstance(exc, RetryAfter) else type(exc).__name__] += 1
    if pending:
        errors["unfinished at timeout"] = len(pending)
    calls = [c for c in received["telegram"]["calls"] if c["method"] == "sendMessage"]
    ok = [c for c in calls if c["status"] == 200]
    delivered = len({(s["chat_id"], s["text"]) for s in received["telegram"]["sent"]})
    last = max((c["time"] for c in ok), default=math.nan)
    total = last - began
    return {
        "max_retries": max_retries,
        "connection_pool_size": 16,
        "total_s": total,
        "ratio": total / floor,
        "telegram_429": received["telegram"]["rate_limit_hits"],
        "expected": shape.telegram_messages,
        "delivered": delivered,
        "lost": shape.telegram_messages - delivered,
        "errors": dict(errors),
        "timed_out": bool(pending),
        "timeout_s": limit_s,
        "telegram_requests": len(calls),
    }


def run(quick: bool = False, argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks burst")
    parser.add_argument("--posts", type=int, default=8 if quick else 40)
    parser.add_argument(
        "--chats", type=int, default=4 if quick else 25, help="private Telegram chats"
    )
    parser.add_argument("--groups", type=int, default=1)
    parser.add_argument("--discord", type=int, default=2)
    parser.add_argument("--ptb-retries", type=int, default=3)
    parser.add_argument("--skip-ptb", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="run ours under cProfile (results/burst-ours.prof)"
    )
    args = parser.parse_args(argv or [])
    shape = Shape(args.posts, args.chats, args.groups, args.discord)
    quiet_logging()
    header(NAME)
    began = time.perf_counter()
    floor = floors(shape)
    print(
        f"{shape.posts} posts → {shape.private} private chats + {shape.groups} group (Telegram), "
        f"{shape.discord} Discord channels: {shape.telegram_messages} Telegram + "
        f"{shape.discord_messages} Discord messages"
    )
    print("floor: " + ", ".join(f"{k} {v:.0f}s" for k, v in floor.items()))

    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    ours = asyncio.run(run_ours(shape))
    if profiler is not None:
        profiler.disable()
        path = RESULTS / "burst-ours.prof"
        profiler.dump_stats(path)
        ours["profile"] = profile_top(path)
        ours["profile_file"] = str(path.relative_to(ROOT))
    print(
        f"ours:  {ours['total_s']:.1f}s (first write → last message) = {ours['ratio']:.3f}× floor; "
        f"429s tg {ours['telegram_429']} dc {ours['discord_429']}; "
        f"lost {ours['lost']}/{ours['expected']}; duplicates {ours['duplicates']}"
    )
    print(
        f"       first message after {ours['first_message_after_s']:.2f}s; finished: private chats "
        f"{ours['finish_private_s']:.1f}s, group {ours['finish_group_s']:.1f}s, "
        f"Discord {ours['finish_discord_s']:.1f}s"
    )
    lag = ours["loop_lag_s"]
    refused = ours["telegram_refused"]
    b2a = refused["booking_to_arrival_s"]
    print(
        f"       group: {ours['group_messages']} messages from {ours['group_pacer_bookings']} "
        f"Pacer bookings, longest gap {ours['group_longest_gap_s']:.1f}s; bot event-loop lag "
        f"p99 {lag['p99'] * 1000:.0f} ms, max {lag['max'] * 1000:.0f} ms "
        f"({lag['over_50ms']} stalls > 50 ms)"
    )
    print(
        f"       Pacer slot → arrival at the fake: p50 {b2a['p50'] * 1000:.0f} ms, "
        f"p99 {b2a['p99'] * 1000:.0f} ms, max {b2a['max'] * 1000:.0f} ms"
    )
    private = [r for r in refused["refused"] if r["window_head_booking_to_arrival_s"] is None]
    for item in private[:5]:
        print(
            f"       429 chat {item['chat']} request #{item['request']}: "
            f"{item['gap_since_previous_arrival_s']}s after the previous one arrived, "
            f"{item['gap_since_previous_booking_s']}s after the previous booking; the previous one "
            f"arrived {item['previous_booking_to_arrival_s']}s after its slot"
        )
    for item in refused["refused"]:
        if item["window_head_booking_to_arrival_s"] is not None:
            print(
                f"       429 group {item['chat']} request #{item['request']}: the request "
                f"{GROUP_LIMIT} before it (head of the rolling window) had arrived "
                f"{item['window_head_booking_to_arrival_s']}s after its Pacer slot"
            )
    print(
        "       watcher batches: "
        + ", ".join(
            f"{b['files']} files at {b['at_s']:.2f}s took {b['took_s'] * 1000:.0f} ms"
            for b in ours["watcher_batches"]
        )
    )
    print(
        f"       bot process CPU {ours['bot_cpu_s']:.1f}s = "
        f"{ours['bot_cpu_ms_per_message']:.1f} ms per delivered message"
    )
    polled = ours["outbox_polling"]
    print(
        f"       outbox polling: {polled['claim_next']['calls']} claim_next "
        f"({polled['claimed']} claimed a delivery) and {polled['next_due']['calls']} next_due "
        f"queries for {ours['expected']} messages, {polled['next_due_already_past']} next_due "
        f"answers already past; "
        f"{polled['claim_next']['loop_s'] + polled['next_due']['loop_s']:.1f}s of loop time"
    )
    if "profile" in ours:
        print(f"       cProfile of our run ({ours['profile_file']}):")
        print_profile(ours["profile"])
    ok = (
        ours["ratio"] <= TARGET_RATIO
        and ours["telegram_429"] + ours["discord_429"] == 0
        and ours["lost"] == 0
    )
    print(f"       targets ≤ {TARGET_RATIO}× floor, zero 429s, zero lost: {verdict(ok)}")
    ptb: dict[str, Any] | None = None
    if not args.skip_ptb:
        ptb = asyncio.run(
            run_ptb(shape, args.ptb_retries, limit_s=max(120.0, 4 * floor["floor_s"]))
        )
        print(
            f"PTB AIORateLimiter(max_retries={ptb['max_retries']}), asyncio.gather of "
            f"{ptb['expected']} sends: {ptb['total_s']:.1f}s = {ptb['ratio']:.3f}× floor; "
            f"429s {ptb['telegram_429']}; lost {ptb['lost']}/{ptb['expected']} {ptb['errors']}"
        )
    data = {
        "quick": quick,
        "shape": vars(args),
        "floor": floor,
        "targets": {"ratio": TARGET_RATIO, "429": 0, "lost": 0},
        "met": ok,
        "ours": ours,
        "ptb_aioratelimiter": ptb,
        "duration_s": time.perf_counter() - began,
    }
    write_result(NAME, data)
    print(f"took {data['duration_s']:.1f}s")
    return data
