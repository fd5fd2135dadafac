"""Seconds an admin waits for a draft's picture, and what the picture costs the host.

The service runs against the loopback Telegram fake with admin commands on and the default
``[admin] confirm``. Measured:

- /announce (with a photo) pushed → the draft's picture in the admin's private chat: the first
  of a series (a Chromium started for it), the next ones while that Chromium lingers, and one
  after it has closed again (`--linger` seconds, shortened from the service's 60 s);
- Publish now pressed → the announcement's first request to the news chat;
- the lingering Chromium's memory: PSS summed over its processes (shared pages counted once).

Commands are spaced by more than a second, so the bot's own pacing (about one message per
second in a chat) does not enter the figures. Target: every picture within 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from bot.app import App
from tests.admin.support import ADMIN, jpeg
from tests.conftest import TG_CHAT, build_settings
from tests.fakes.telegram_api import FakeTelegram

from .common import (
    PRODUCT_DELIVERY,
    copy_samples,
    header,
    quiet_logging,
    summary,
    temp_root,
    verdict,
    without_chromium,
    write_result,
)

NAME = "drafts"
TARGET_S = 3.0


def pss_mb(pid: int) -> float:
    """PSS of a process and its descendants, in MB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError, ValueError):
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
            children.setdefault(int(fields["PPid"]), []).append(int(fields["Pid"]))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024


async def until(check: Any, within: float = 60.0) -> None:
    deadline = time.perf_counter() + within
    while not check():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"nothing came within {within:g}s")
        await asyncio.sleep(0.005)


async def announce(tg: FakeTelegram, number: int) -> tuple[float, Any]:
    before = len(tg.messages_in(ADMIN))
    text = f"/announce Welcome evening {number}\n" + "Tea and snacks for new members. " * 20
    update = tg.make_command_update(text=text, user_id=ADMIN, chat_id=ADMIN, photo=jpeg("teal"))
    began = time.perf_counter()
    tg.push_update(update)
    await until(lambda: len(tg.messages_in(ADMIN)) > before)
    draft = tg.messages_in(ADMIN)[before]
    if draft.media_type != "photo":
        raise RuntimeError(f"the draft came without a picture: {draft.text[:200]}")
    return time.perf_counter() - began, draft


async def publish(tg: FakeTelegram, draft: Any) -> float:
    data = draft.reply_markup["inline_keyboard"][0][0]["callback_data"]
    before = len(tg.messages_in(TG_CHAT))
    began = time.perf_counter()
    tg.push_update(tg.make_callback_update(data=data, user_id=ADMIN, message=draft.message))
    await until(lambda: len(tg.messages_in(TG_CHAT)) > before)
    return time.perf_counter() - began


async def measure(root: Path, rounds: int, linger: float) -> dict[str, Any]:
    async with FakeTelegram(per_chat_interval=0.005) as tg:
        settings = build_settings(
            root, tg=tg, delivery=PRODUCT_DELIVERY, telegram={"admins": [ADMIN]}
        )
        app = App(settings)
        await app.start()
        try:
            app.painter.linger = linger
            first, draft = await announce(tg, 0)
            chromium = pss_mb(app.painter.browser.process.pid)
            warm: list[float] = []
            for number in range(1, rounds + 1):
                await asyncio.sleep(1.1)
                seconds, draft = await announce(tg, number)
                warm.append(seconds)
            lingering = pss_mb(app.painter.browser.process.pid)
            await asyncio.sleep(1.1)
            press = await publish(tg, draft)
            await asyncio.sleep(linger + 1.0)
            closed = app.painter.browser is None
            again, _ = await announce(tg, rounds + 1)
            return {
                "first_s": first, "warm": summary(warm), "after_close_s": again,
                "publish_to_channel_s": press, "chromium_pss_mb": max(chromium, lingering),
                "closed_after_linger": closed, "browsers_started": app.painter.started,
            }  # fmt: skip
        finally:
            await app.stop(grace=2)


def run(quick: bool = False, argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks drafts")
    parser.add_argument("--rounds", type=int, default=2 if quick else 5)
    parser.add_argument("--linger", type=float, default=3.0)
    args = parser.parse_args(argv or [])
    quiet_logging()
    header(NAME)
    skipped = without_chromium(NAME)
    if skipped is not None:
        return skipped
    began = time.perf_counter()
    with temp_root(NAME) as root:
        copy_samples(root)
        figures = asyncio.run(measure(root, args.rounds, args.linger))
    warm = figures["warm"]
    print(f"  /announce → draft picture, first (Chromium started): {figures['first_s']:.2f}s")
    print(f"  the next ones (same Chromium): p50 {warm['p50']:.2f}s, max {warm['max']:.2f}s "
          f"(n={warm['n']})")  # fmt: skip
    print(
        f"  after the Chromium closed ({args.linger:g}s idle): {figures['after_close_s']:.2f}s; "
        f"closed: {figures['closed_after_linger']}; started {figures['browsers_started']}×"
    )
    print(f"  Publish now → first request to the news chat: {figures['publish_to_channel_s']:.2f}s")
    print(f"  the lingering Chromium: {figures['chromium_pss_mb']:.0f} MB PSS")
    worst = max(figures["first_s"], warm["max"], figures["after_close_s"])
    met = worst <= TARGET_S
    print(f"  every picture ≤ {TARGET_S:g}s: {verdict(met)}")
    data = {"quick": quick, "rounds": args.rounds, "linger_s": args.linger, "met": met,
            "targets": {"picture_max_s": TARGET_S}, **figures,
            "duration_s": time.perf_counter() - began}  # fmt: skip
    write_result(NAME, data)
    print(f"took {data['duration_s']:.1f}s")
    return data
