"""Two `run` processes on one database: one leads, the other stands by, nothing is doubled.

A rolling deploy (the new process starts 5 s after the old one, which is then stopped with
SIGTERM) and a crash (kill -9 of the leader), during a 40-post burst, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import DC_CHANNEL
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.helpers import wait_for, write_post
from tests.runs import CHATS, Processes, config

pytestmark = pytest.mark.slow
POSTS = 40
HOLD = {"timeout": 40}


def titles_in(tg: FakeTelegram, chat: int) -> Counter[str]:
    return Counter(m.text.split("\n")[0] for m in tg.messages_in(chat))


def tg_total(tg: FakeTelegram) -> int:
    return sum(sum(titles_in(tg, chat).values()) for chat in CHATS.values())


def dc_titles(dc: FakeDiscord) -> Counter[str]:
    return Counter(m["embeds"][0].get("title", "") for m in dc.messages.get(DC_CHANNEL, []))


async def test_rolling_deploy_then_crash_deliver_everything_once(
    tmp_path: Path, tg: FakeTelegram, db_url: str
) -> None:
    async with FakeDiscord(message_rate=(2, 1.0)) as dc:  # both platforms take ~20 s
        dc.add_channel(DC_CHANNEL)
        (tmp_path / "content").mkdir()
        runs = Processes(config(tmp_path, tg, dc), tg, dc, db_url)
        try:
            await scenario(tmp_path, tg, dc, runs)
        except BaseException:
            print(runs.logs())
            raise
        finally:
            await runs.stop_all()
        assert all(p.returncode == 0 for p in runs.running[:1] + runs.running[2:])


async def scenario(root: Path, tg: FakeTelegram, dc: FakeDiscord, runs: Processes) -> None:
    loop = asyncio.get_running_loop()
    first = await runs.spawn()
    await wait_for(lambda: runs.leader_pid() == first.pid, **HOLD)
    await wait_for(lambda: tg.calls_to("getUpdates"), **HOLD)  # it answers commands
    await asyncio.sleep(0.5)  # its first start is recorded: the posts below are new
    tags = list(CHATS)
    for i in range(POSTS):
        write_post(root / f"content/p{i}.md", f"Post {i}", f"Body {i}.",
                   extra=f"tags: [{tags[i % 2]}]\n")  # fmt: skip
    began = loop.time()

    await asyncio.sleep(5 - (loop.time() - began))
    second = await runs.spawn()  # a rolling deploy: the new release starts 5 s later
    await wait_for(lambda: runs.standing_by(second.pid), **HOLD)
    assert runs.leader_pid() == first.pid
    assert tg_total(tg) < POSTS and sum(dc_titles(dc).values()) < POSTS, "the burst ended"

    first.send_signal(signal.SIGTERM)  # ... then the old one is stopped
    signalled = loop.time()
    await wait_for(lambda: runs.leader_pid() == second.pid, **HOLD)
    handover = loop.time() - signalled
    assert await asyncio.wait_for(first.wait(), 30) == 0
    print(f"handover after SIGTERM: {handover:.2f}s")
    assert handover <= 2.0, f"the lease moved {handover:.1f}s after SIGTERM"

    third = await runs.spawn()  # the old host comes back, as a standby
    await wait_for(lambda: runs.standing_by(third.pid), **HOLD)
    assert tg_total(tg) < POSTS, "the burst ended before the crash"
    second.send_signal(signal.SIGKILL)
    killed = loop.time()
    await wait_for(lambda: runs.leader_pid() == third.pid, **HOLD)
    takeover = loop.time() - killed
    print(f"takeover after kill -9: {takeover:.2f}s")
    assert takeover <= 30.0, f"the lease moved {takeover:.1f}s after kill -9"

    wanted = {f"Post {i}" for i in range(POSTS)}
    per_chat = {chat: {f"Post {i}" for i in range(POSTS) if tags[i % 2] == tag}
                for tag, chat in CHATS.items()}  # fmt: skip
    await wait_for(
        lambda: set(dc_titles(dc)) == wanted
        and all(set(titles_in(tg, chat)) == want for chat, want in per_chat.items()),
        timeout=90,
    )
    await asyncio.sleep(1.5)
    assert all(n == 1 for n in dc_titles(dc).values()), dc_titles(dc)  # exactly once
    assert tg_total(tg) <= POSTS + 2, "more than one duplicate per leadership change"
    assert tg.poll_conflicts == 0  # no two processes ever polled for updates at once
