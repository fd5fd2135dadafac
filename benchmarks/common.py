"""Shared helpers: machine description, percentiles, result files, fakes and settings."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import platform
import pstats
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

import sqlalchemy
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.app import App
from bot.config import ChannelCfg, Settings
from tests.conftest import POSTGRES_URL, build_settings
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_gateway import GatewayDiscord
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
PYTHON = sys.executable
PRODUCT_DEBOUNCE_MS = 300

# the product's delivery defaults (the test settings shorten the back-off)
PRODUCT_DELIVERY: dict[str, Any] = {
    "backoff_base": 2.0,
    "backoff_max": 600.0,
    "report_interval": 60.0,
}


# -- machine ------------------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def machine_line() -> str:
    m = machine()
    return f"{m['platform']} | {m['cpu']} | {m['cores']} cores | Python {m['python']}"


# -- figures ------------------------------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default method)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "max": max(values) if values else math.nan,
        "min": min(values) if values else math.nan,
        "mean": sum(values) / len(values) if values else math.nan,
    }


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def header(name: str) -> None:
    print(f"\n== {name} ==")
    print(f"machine: {machine_line()}")


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {
        "benchmark": name,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **data,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
    print(f"result: {path.relative_to(ROOT)}")
    return path


# -- environment --------------------------------------------------------------------------------
def quiet_logging(level: int = logging.WARNING) -> None:
    """Root logging at `level` before the app configures it (the app keeps existing handlers)."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("telegram.ext.AIORateLimiter", "telegram.ext", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)


def scrub_env() -> None:
    """No secrets or configuration from the environment reach the apps under test."""
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "DATABASE_URL", "BOT_CONFIG"):
        os.environ.pop(name, None)


@contextlib.contextmanager
def temp_root(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"bench-{prefix}-"))
    try:
        (path / "content").mkdir()
        (path / "static").mkdir()
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def copy_samples(root: Path) -> None:
    """The project's sample content and images into `root`/content and `root`/static."""
    shutil.copytree(ROOT / "content", root / "content", dirs_exist_ok=True)
    shutil.copytree(ROOT / "static", root / "static", dirs_exist_ok=True)


def without_chromium(name: str) -> dict[str, Any] | None:
    """With no Chromium to draw with: says so, writes the result of nothing measured and
    returns it; None when there is one."""
    from bot.deliver.picture import find_browser

    if find_browser() is not None:
        return None
    print("  no Chromium: `make system-deps` installs it; nothing measured")
    data: dict[str, Any] = {"met": False, "skipped": "no Chromium"}
    write_result(name, data)
    return data


@contextlib.asynccontextmanager
async def fakes(
    *,
    enforce: bool = True,
    telegram: FakeTelegram | None = None,
    discord: FakeDiscord | None = None,
) -> AsyncIterator[tuple[FakeTelegram, FakeDiscord]]:
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    tg = telegram or FakeTelegram(enforce_rate_limits=enforce)
    dc = discord or FakeDiscord(enforce_rate_limits=enforce)
    try:
        async with tg, dc:
            yield tg, dc
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


class TelegramEndpoint(Protocol):
    @property
    def token(self) -> str: ...

    @property
    def base_url(self) -> str: ...


class DiscordEndpoint(Protocol):
    @property
    def token(self) -> str: ...

    @property
    def api_url(self) -> str: ...


def settings_for(
    root: Path,
    tg: TelegramEndpoint | None,
    dc: DiscordEndpoint | None,
    channels: list[ChannelCfg],
    *,
    debounce_ms: int = PRODUCT_DEBOUNCE_MS,
    database_url: str | None = None,
) -> Settings:
    """The tests' settings (`build_settings`) with our channels and the product's debounce and
    back-off; `tg` and `dc` may be the fakes or the endpoints of fakes in another process."""
    return build_settings(
        root,
        tg=cast(Any, tg),
        dc=cast(Any, dc),
        webhook=False,
        database_url=database_url,
        channels=channels,
        content={"debounce_ms": debounce_ms},
        delivery=PRODUCT_DELIVERY,
    )


def atomic_write(path: Path, text: str) -> None:
    """As editors save: a hidden temporary file next to the target, then a rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def short_post(title: str, day: str, channels: Sequence[str] | None = None, body: str = "") -> str:
    lines = ["---", f"title: '{title}'", f"date: '{day}'"]
    if channels is not None:
        lines.append("channels: [" + ", ".join(channels) + "]")
    lines += ["---", "", body or f"{title}: a short announcement for the members.", ""]
    return "\n".join(lines)


# -- databases ---------------------------------------------------------------------------------
# the tests' PostgreSQL server (`TEST_POSTGRES_URL`), and the same for psycopg itself
POSTGRES_ADMIN = (
    sqlalchemy.make_url(POSTGRES_URL)
    .set(drivername="postgresql")
    .render_as_string(hide_password=False)
)


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def postgres_schema(name: str) -> Iterator[str]:
    """A fresh schema (`bench_<name>_…`), dropped afterwards; the URL sets it as the search
    path."""
    import psycopg

    schema = f"bench_{name}_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# -- the app in a child process ----------------------------------------------------------------
ADMIN_USER = 5_001
ADMIN_CHAT = "-1009876543210"
ADMIN_ROLE = 1_302_146_010_203_700_001


def child_spec(
    root: Path, tg: FakeTelegram, dc: FakeDiscord, *, admin: bool = False, **extra: Any
) -> dict[str, Any]:
    """What `benchmarks._app_child` needs to reach the fakes: a Telegram chat, a Discord channel
    and a webhook, with the fakes' tokens; with `admin`, the admin settings of both platforms
    (`dc` must then be a `GatewayDiscord`)."""
    channel = dc.add_channel(name="news")
    spec: dict[str, Any] = {
        "root": str(root),
        "tg_token": tg.token,
        "tg_base_url": tg.base_url,
        "tg_chat": "-1001234567890",
        "dc_token": dc.token,
        "dc_api_url": dc.api_url,
        "dc_channel": str(channel),
        "webhook_url": dc.webhook_url(channel_id=channel),
        **extra,
    }
    if admin:
        gateway = cast(GatewayDiscord, dc)
        tg.register_chat(ADMIN_CHAT, type="supergroup", title="Committee")
        gateway.add_role(ADMIN_ROLE)
        spec["telegram"] = {"admins": [ADMIN_USER], "admin_chat": ADMIN_CHAT}
        spec["discord"] = {
            "guild_ids": [str(gateway.guild_id)],
            "admin_roles": [str(ADMIN_ROLE)],
            "gateway_url": gateway.gateway_url,
        }
    return spec


async def run_app_child(spec: dict[str, Any], limit_s: float) -> dict[str, Any]:
    """Run the app in `benchmarks._app_child`; past `limit_s` it gets SIGTERM (it then dumps
    its profile and partial figures) and, 15 s later, SIGKILL."""
    path = Path(spec["root"]) / f"child-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    spawned = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        PYTHON, "-m", "benchmarks._app_child", str(path),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    communicate = asyncio.ensure_future(proc.communicate())
    timed_out = False
    try:
        out, err = await asyncio.wait_for(asyncio.shield(communicate), limit_s)
    except TimeoutError:
        timed_out = True
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = await asyncio.wait_for(communicate, 15)
        except TimeoutError:
            proc.kill()
            out, err = await communicate
    lines = out.decode().strip().splitlines()
    if not lines:
        raise RuntimeError(f"the app exited with {proc.returncode}: {err.decode()[-2000:]}")
    figures: dict[str, Any] = json.loads(lines[-1])
    if "ready_at_monotonic" in figures:
        figures["ready_since_spawn_s"] = figures.pop("ready_at_monotonic") - spawned
    figures["timed_out"] = timed_out
    figures["timeout_s"] = limit_s
    figures["wall_s"] = time.monotonic() - spawned
    figures["exit_code"] = proc.returncode
    figures["stderr_tail"] = err.decode()[-800:]
    return figures


# -- the fakes in a process of their own -------------------------------------------------------
@dataclass(frozen=True)
class RemoteTelegram:
    token: str
    base_url: str
    base_file_url: str


@dataclass(frozen=True)
class RemoteDiscord:
    token: str
    api_url: str
    channels: list[int]


class RemoteFakes:
    """`benchmarks._fake_server` as a child process: `async with RemoteFakes(spec) as fakes:`."""

    def __init__(self, spec: dict[str, Any], folder: Path) -> None:
        self.spec = spec
        self.folder = folder
        self.proc: asyncio.subprocess.Process | None = None
        self.tg: RemoteTelegram | None = None
        self.dc: RemoteDiscord | None = None

    async def __aenter__(self) -> RemoteFakes:
        path = self.folder / f"fakes-{time.monotonic_ns()}.json"
        path.write_text(json.dumps(self.spec), encoding="utf-8")
        self.proc = await asyncio.create_subprocess_exec(
            PYTHON, "-m", "benchmarks._fake_server", str(path), cwd=ROOT, limit=2**28,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        hello = json.loads(await self._line(30))
        self.tg = RemoteTelegram(hello["tg_token"], hello["tg_base_url"], hello["tg_base_file_url"])
        self.dc = RemoteDiscord(hello["dc_token"], hello["dc_api_url"], hello["dc_channels"])
        return self

    async def _line(self, within: float) -> bytes:
        assert self.proc is not None and self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), within)
        if not line:
            raise RuntimeError("the fake server exited")
        return line

    async def dump(self) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(b"dump\n")
        await self.proc.stdin.drain()
        data: dict[str, Any] = json.loads(await self._line(60))
        return data

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"stop\n")
            await self.proc.stdin.drain()
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


# -- profiles ----------------------------------------------------------------------------------
def _where(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    for marker in ("/site-packages/", "/work/main/", "/lib/python3.11/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})" if line else name


def profile_top(path: Path, limit: int = 18) -> dict[str, list[dict[str, Any]]]:
    stats = pstats.Stats(str(path))
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = [
        {
            "function": _where(func),
            "calls": nc,
            "tottime_s": round(tt, 3),
            "cumtime_s": round(ct, 3),
        }
        for func, (_cc, nc, tt, ct, _callers) in table.items()
    ]
    ours = [r for r in rows if r["function"].startswith("bot/")]
    busy = [r for r in rows if "select.epoll" not in r["function"]]  # the loop waiting
    return {
        "by_tottime": sorted(busy, key=lambda r: -r["tottime_s"])[:limit],
        "bot_by_cumtime": sorted(ours, key=lambda r: -r["cumtime_s"])[:limit],
    }


def print_profile(top: dict[str, list[dict[str, Any]]], limit: int = 12) -> None:
    print("      bot/ functions by cumulative time:")
    for row in top["bot_by_cumtime"][:limit]:
        print(f"        {row['cumtime_s']:8.2f}s cum {row['calls']:>9} calls  {row['function']}")
    print("      everything by own time:")
    for row in top["by_tottime"][:limit]:
        print(f"        {row['tottime_s']:8.2f}s own {row['calls']:>9} calls  {row['function']}")


# -- the outbox's polling ----------------------------------------------------------------------
class StoreCalls:
    """Counts the outbox's polling queries (`claim_next`, `next_due`) and their time on the loop;
    `next_due_past` counts the answers already in the past (the worker then waits ~1 ms)."""

    def __init__(self, app: App, names: tuple[str, ...] = ("claim_next", "next_due")) -> None:
        self.clock = app.clock
        self.calls = dict.fromkeys(names, 0)
        self.seconds = dict.fromkeys(names, 0.0)
        self.claimed = 0
        self.next_due_past = 0
        for name in names:
            setattr(app.store, name, self._wrap(name, getattr(app.store, name)))

    def _wrap(self, name: str, inner: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                result = inner(*args, **kwargs)
            finally:
                self.calls[name] += 1
                self.seconds[name] += time.perf_counter() - began
            if name == "claim_next" and result is not None:
                self.claimed += 1
            if name == "next_due" and isinstance(result, datetime) and result <= self.clock():
                self.next_due_past += 1
            return result

        return call

    def reset(self) -> None:
        for name in self.calls:
            self.calls[name], self.seconds[name] = 0, 0.0
        self.claimed = self.next_due_past = 0

    def figures(self, per: int) -> dict[str, Any]:
        return {
            **{
                name: {
                    "calls": n,
                    "per_item": n / max(1, per),
                    "loop_s": self.seconds[name],
                    "loop_ms_per_item": 1000 * self.seconds[name] / max(1, per),
                }
                for name, n in self.calls.items()
            },
            "claimed": self.claimed,
            "next_due_already_past": self.next_due_past,
        }


# -- the watcher's batches ---------------------------------------------------------------------
OnBatch = Callable[[set[Path], set[Path]], Awaitable[object]]


def timed_batches(app: App, log: list[dict[str, Any]]) -> None:
    """Wrap the watcher's callback to record when each batch starts and ends, and what it held."""
    inner: OnBatch = app.watcher.on_batch

    async def on_batch(changed: set[Path], removed: set[Path]) -> object:
        began = time.monotonic()
        try:
            return await inner(changed, removed)
        finally:
            names = sorted(p.name for p in changed)
            log.append({"began": began, "ended": time.monotonic(), "files": names})

    app.watcher.on_batch = on_batch


def first_arrivals(received: dict[str, Any]) -> tuple[dict[int, float], dict[str, float]]:
    """When the first message reached each Telegram chat and each Discord channel (by id), from
    what `RemoteFakes.dump()` returned."""
    telegram: dict[int, float] = {}
    for call in received["telegram"]["calls"]:
        if call["method"] == "sendMessage" and isinstance(call["chat_id"], int):
            telegram.setdefault(call["chat_id"], call["time"])
    discord: dict[str, float] = {}
    for dcall in received["discord"]["calls"]:
        if dcall["method"] == "POST" and dcall["path"].endswith("/messages"):
            discord.setdefault(dcall["path"].split("/")[-2], dcall["at"])
    return telegram, discord
