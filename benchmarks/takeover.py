"""Leadership takeover: how fast a standby takes the lease when the leader stops or dies.

Two `python -m bot run` processes share one database (SQLite, and PostgreSQL when a server
answers). Each round stops the leader — SIGTERM (a rolling deploy) or kill -9 (a crash) —
and times until the standby holds the lease, then starts a new standby for the next round.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import Any

from tests.conftest import DC_CHANNEL
from tests.runs import Processes, config

from .common import (
    header,
    postgres_reachable,
    postgres_schema,
    summary,
    temp_root,
    verdict,
    write_result,
)

NAME = "takeover"
TARGET_TERM_S = 2.0
TARGET_KILL_S = 30.0


async def _until(condition: Any, limit: float) -> float:
    loop = asyncio.get_running_loop()
    began = loop.time()
    while not condition():
        if loop.time() - began > limit:
            raise RuntimeError(f"no takeover within {limit:.0f}s")
        await asyncio.sleep(0.02)
    return loop.time() - began


async def measure(name: str, db: str, rounds: int) -> dict[str, list[float]]:
    from tests.fakes.discord_api import FakeDiscord
    from tests.fakes.telegram_api import FakeTelegram

    with temp_root(NAME) as root:
        async with FakeTelegram() as tg, FakeDiscord() as dc:
            dc.add_channel(DC_CHANNEL)
            url = db if db.startswith("postgresql") else f"sqlite:///{root / 'data' / 'b.sqlite3'}"
            runs = Processes(config(root, tg, dc), tg, dc, url)
            times: dict[str, list[float]] = {"sigterm": [], "kill9": []}
            try:
                leader = await runs.spawn()
                await _until(lambda: runs.leader_pid() == leader.pid, 60)
                for n in range(2 * rounds):
                    standby = await runs.spawn()
                    pid = standby.pid
                    await _until(lambda pid=pid: runs.standing_by(pid), 60)
                    how = "sigterm" if n % 2 == 0 else "kill9"
                    leader.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
                    took = await _until(lambda pid=pid: runs.leader_pid() == pid, 60)
                    times[how].append(took)
                    await leader.wait()
                    print(f"  {name:<10} {how:<8} {took:6.2f}s")
                    leader = standby
            finally:
                await runs.stop_all()
            return times


def run(quick: bool = False, argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog=f"python -m benchmarks {NAME}")
    parser.add_argument("--rounds", type=int, default=2 if quick else 5)
    args = parser.parse_args(argv or [])
    header(NAME)
    results: dict[str, Any] = {}
    targets = [("sqlite", "sqlite")]
    with contextlib.ExitStack() as stack:
        if postgres_reachable():
            targets.append(("postgresql", stack.enter_context(postgres_schema(NAME))))
        else:
            print("  postgresql: no server answers; measured on SQLite only")
        for name, db in targets:
            times = asyncio.run(measure(name, db, args.rounds))
            results[name] = {how: summary(values) for how, values in times.items()}
    met = all(
        r["sigterm"]["max"] <= TARGET_TERM_S and r["kill9"]["max"] <= TARGET_KILL_S
        for r in results.values()
    )
    for name, r in results.items():
        term, kill = r["sigterm"], r["kill9"]
        print(f"{name}: SIGTERM → standby leads p50 {term['p50']:.2f}s max {term['max']:.2f}s "
              f"(target ≤ {TARGET_TERM_S:g}s); kill -9 → p50 {kill['p50']:.2f}s "
              f"max {kill['max']:.2f}s (target ≤ {TARGET_KILL_S:g}s)")  # fmt: skip
    print(f"verdict: {verdict(met)}")
    write_result(NAME, {"rounds": args.rounds, "results": results, "met": met})
    return {"met": met, **results}
