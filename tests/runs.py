"""`python -m bot run` processes against the loopback fakes, for multi-process scenarios."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import normalise_db_url
from bot.store.repo import Store
from tests.conftest import DC_CHANNEL, ROOT, TG_CHAT
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

CHATS = {"a": 5001, "b": 5002}  # private chats: about one message a second each


def config(
    root: Path, tg: FakeTelegram, dc: FakeDiscord, *, chats: dict[str, int] | None = CHATS,
    admins: bool = True,
) -> Path:  # fmt: skip
    """A configuration file for `python -m bot run` against the fakes: a Discord channel `dc`
    and a Telegram channel per entry of `chats` (`tg-<tag>`, for posts tagged `<tag>`), or a
    single `tg` for every post when `chats` is None."""
    if chats is None:
        telegram = f'[[channels]]\nname = "tg"\nplatform = "telegram"\nchat_id = "{TG_CHAT}"\n'
    else:
        telegram = "".join(
            f'[[channels]]\nname = "tg-{tag}"\nplatform = "telegram"\nchat_id = "{chat}"\n'
            f'tags = ["{tag}"]\n'
            for tag, chat in chats.items()
        )
    path = root / "bot.toml"
    path.write_text(
        f"""
data_dir = "{root / "data"}"
[association]
name = "Test Association"
[content]
dir = "{root / "content"}"
static_dir = "{root / "static"}"
debounce_ms = 50
[telegram]
api_url = "{tg.base_url}"
{"admins = [111111]" if admins else ""}
[discord]
api_url = "{dc.api_url}"
[delivery]
backoff_base = 0.1
backoff_max = 1.0
[[channels]]
name = "dc"
platform = "discord"
channel_id = "{DC_CHANNEL}"
{telegram}""",
        encoding="utf-8",
    )
    return path


class Processes:
    """`python -m bot run` processes of one test, their logs kept for a failing assertion."""

    def __init__(
        self, cfg: Path, tg: FakeTelegram, dc: FakeDiscord, db_url: str | None = None
    ) -> None:
        self.cfg = cfg
        self.db_url = db_url or f"sqlite:///{cfg.parent / 'data' / 'bot.sqlite3'}"
        self.env = {
            **os.environ, "TELEGRAM_BOT_TOKEN": tg.token, "DISCORD_BOT_TOKEN": dc.token,
            "DATABASE_URL": self.db_url, "PYTHONPATH": str(ROOT),
        }  # fmt: skip
        self.running: list[asyncio.subprocess.Process] = []
        self._opened: Store | None = None

    async def spawn(self) -> asyncio.subprocess.Process:
        log = (self.cfg.parent / f"run-{len(self.running)}.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(self.cfg),
            env=self.env, cwd=self.cfg.parent, stdout=log, stderr=log,
        )  # fmt: skip
        self.running.append(process)
        return process

    def _store(self) -> Store:
        """One store on the processes' database, opened on first use and closed by `stop_all`
        (each of its calls is a transaction of its own: it sees what the processes committed)."""
        if self._opened is None:
            self._opened = Store(normalise_db_url(self.db_url))
        return self._opened

    def leader_pid(self) -> int | None:
        lease = self._store().lease()
        return int(lease.owner.split(":")[1]) if lease else None

    def standing_by(self, pid: int) -> bool:
        alive = self._store().processes(datetime.now(UTC))
        return any(p.pid == pid and p.role == "standby" for p in alive)

    async def stop_all(self) -> None:
        try:
            for process in self.running:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                    await asyncio.wait_for(process.wait(), timeout=30)
        finally:
            if self._opened is not None:
                self._opened.close()
                self._opened = None

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.cfg.parent.glob("run-*.log"))
        )
