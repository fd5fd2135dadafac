"""The app side of the `idle` and `archive` benchmarks, run in a process of its own.

It imports only the standard library and `bot` (no test helpers, no fakes), so its memory is
the app's alone. It reads a JSON description of the fakes and of what to do, starts the App,
and prints one JSON line of figures. Phases of the start are timed by wrapping `load_all` and
`Service.reconcile`; with `profile` set, the main thread (and the thread that loads the files)
run under cProfile, and SIGTERM dumps the profile gathered so far before exiting.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import logging
import os
import pstats
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

STARTED = time.monotonic()
FIGURES: dict[str, Any] = {}


def status() -> dict[str, int]:
    """VmRSS, VmHWM (kB) and the thread count of this process."""
    wanted = {"VmRSS", "VmHWM", "Threads"}
    out: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition(":")
        if name in wanted:
            out[name] = int(value.split()[0])
    return out


class Profiles:
    """cProfile of the main thread plus the profiles of finished worker-thread calls."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.main = cProfile.Profile() if path else None
        self.threads: list[cProfile.Profile] = []
        self.lock = threading.Lock()

    def dump(self) -> None:
        if self.main is None or self.path is None:
            return
        self.main.disable()
        stats: pstats.Stats | None = None
        with self.lock:
            for profile in [self.main, *self.threads]:
                try:
                    if stats is None:
                        stats = pstats.Stats(profile)
                    else:
                        stats.add(profile)
                except TypeError:  # a profile that never ran holds nothing
                    continue
        if stats is not None:
            stats.dump_stats(self.path)


def instrument(app: Any, profiles: Profiles) -> None:
    """Time the phases of `App.start` without touching the bot's code."""
    load_all = app.content.load_all

    def timed_load_all(*args: Any, **kwargs: Any) -> Any:
        FIGURES["phase"] = "load_all"
        began = time.perf_counter()
        prof = cProfile.Profile() if profiles.main is not None else None
        try:
            if prof is not None:
                prof.enable()
            return load_all(*args, **kwargs)
        finally:
            if prof is not None:
                prof.disable()
                with profiles.lock:
                    profiles.threads.append(prof)
            FIGURES["load_all_s"] = time.perf_counter() - began
            FIGURES["phase"] = "after load_all"

    object.__setattr__(app.content, "load_all", timed_load_all)  # a frozen dataclass
    reconcile = app.lifecycle.reconcile

    async def timed_reconcile(*args: Any, **kwargs: Any) -> Any:
        FIGURES["phase"] = "reconcile"
        began = time.perf_counter()
        try:
            return await reconcile(*args, **kwargs)
        finally:
            FIGURES["reconcile_s"] = time.perf_counter() - began
            FIGURES["phase"] = "after reconcile"

    app.lifecycle.reconcile = timed_reconcile


async def main(spec: dict[str, Any], profiles: Profiles) -> None:
    FIGURES["rss_interpreter_kb"] = status()["VmRSS"]
    for name in DEV_ONLY:  # not installed where the bot runs, only for the benchmarks here
        sys.modules[name] = None  # type: ignore[assignment]
    from pydantic import SecretStr

    from bot.app import App
    from bot.config import ChannelCfg, Secrets, Settings

    FIGURES["rss_after_imports_kb"] = status()["VmRSS"]
    FIGURES["imports_done_s"] = time.monotonic() - STARTED
    root = Path(spec["root"])
    os.environ["BENCH_CHILD_WEBHOOK"] = spec["webhook_url"]
    settings = Settings(
        association={
            "name": "Cambodian Students Association in Japan",
            "site_url": "https://example.org",
        },
        content=_content(root, spec),
        http={"listen": f"127.0.0.1:{_free_port()}"} if spec.get("http") else None,
        telegram={"api_url": spec["tg_base_url"], **spec.get("telegram", {})},
        discord={"api_url": spec["dc_api_url"], **spec.get("discord", {})},
        channels=[
            ChannelCfg(name="tg-news", platform="telegram", chat_id=spec["tg_chat"]),
            ChannelCfg(name="dc-news", platform="discord", channel_id=spec["dc_channel"]),
            ChannelCfg(
                name="dc-hook", platform="discord-webhook", webhook_url_env="BENCH_CHILD_WEBHOOK"
            ),
        ],
        data_dir=root / "data",
        secrets=Secrets(
            telegram_bot_token=SecretStr(spec["tg_token"]),
            discord_bot_token=SecretStr(spec["dc_token"]),
            database_url=SecretStr(spec["database_url"]) if spec.get("database_url") else None,
            _env_file=None,
        ),
    )
    FIGURES["phase"] = "constructing"
    app = App(settings, watch=spec.get("watch", True), with_admin=spec.get("with_admin", False))
    web = None
    if spec.get("http"):
        from bot.app import metrics_of, web_server
        from bot.service.follow import PushRelay

        relay = PushRelay()
        relay.follower = app.follower
        web = web_server(settings, app.health, metrics_of(app.store), relay)
        assert web is not None
        await web.start()
    instrument(app, profiles)
    FIGURES["phase"] = "starting"
    if profiles.main is not None:
        profiles.main.enable()
    began = time.perf_counter()
    summary = await app.start()
    FIGURES["start_wall_s"] = time.perf_counter() - began
    if profiles.main is not None:
        profiles.main.disable()
    FIGURES["phase"] = "started"
    FIGURES["ready_after_s"] = app.ready_after
    FIGURES["ready_since_process_start_s"] = time.monotonic() - STARTED
    FIGURES["ready_at_monotonic"] = time.monotonic()
    FIGURES["summary"] = {
        name: len(getattr(summary, name))
        for name in (
            "new",
            "published",
            "scheduled",
            "edited",
            "archived",
            "removed",
            "renamed",
            "errors",
        )
    }
    FIGURES["admin_handle"] = type(app.admin).__name__ if app.admin is not None else None
    parts = getattr(app.admin, "parts", None)
    FIGURES["admin_parts"] = [type(p).__name__ for p in parts] if parts is not None else None
    FIGURES["rss_after_start_kb"] = status()["VmRSS"]
    idle = float(spec.get("idle_s", 0.0))
    if idle:
        await asyncio.sleep(idle)
    client = getattr(app.publishers.get("discord"), "client", None)
    FIGURES["discord_gateway_ready"] = bool(client is not None and client.is_ready())
    after = status()
    FIGURES["rss_idle_kb"] = after["VmRSS"]
    FIGURES["rss_peak_kb"] = after["VmHWM"]
    FIGURES["threads"] = after["Threads"]
    FIGURES["tasks"] = len(asyncio.all_tasks())
    FIGURES["packages"] = sorted(
        {
            name.split(".")[0]
            for name, module in list(sys.modules.items())
            if "site-packages" in (getattr(module, "__file__", None) or "")
        }
    )
    FIGURES["phase"] = "stopping"
    began = time.perf_counter()
    if web is not None:
        await web.stop()
    await app.stop(grace=5)
    FIGURES["stop_s"] = time.perf_counter() - began
    FIGURES["phase"] = "done"


# python-telegram-bot imports aiolimiter when it is installed; the bot does not depend on it
# (the burst benchmark does, for its comparison), so a deployed bot never pays for it.
DEV_ONLY = ("aiolimiter",)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _content(root: Path, spec: dict[str, Any]) -> dict[str, Any]:
    if spec.get("git_url"):  # follow a local repository instead of a folder
        git = {"url": spec["git_url"], "checkout": str(root / "site"), "poll_seconds": 60}
        return {"dir": ["posts"], "static_dir": "public", "git": git}
    return {"dir": root / "content", "static_dir": root / "static"}


def _on_term(signum: int, frame: FrameType | None) -> None:
    FIGURES["terminated_in_phase"] = FIGURES.get("phase", "importing")
    FIGURES["terminated_after_s"] = time.monotonic() - STARTED
    try:
        PROFILES.dump()
    except Exception as exc:
        FIGURES["profile_error"] = repr(exc)
    finally:
        print(json.dumps(FIGURES, default=str), flush=True)
        os._exit(3)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    description = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    PROFILES = Profiles(description.get("profile"))
    signal.signal(signal.SIGTERM, _on_term)
    asyncio.run(main(description, PROFILES))
    PROFILES.dump()
    print(json.dumps(FIGURES, default=str), flush=True)
