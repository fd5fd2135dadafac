"""Helpers for the scheduler tests: a job-store database and a delivery recorder."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.schedule.plan import JobSpec
from bot.schedule.scheduler import Scheduler

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2030, 1, 10, 12, 0, tzinfo=TOKYO)  # well after the real clock: nothing fires
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@cache
def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    url = make_url(PG_URL)
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        cause = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"PostgreSQL at {url.host}:{url.port or 5432} (TEST_POSTGRES_URL) unusable: {cause}"
    return None


@dataclass
class Db:
    url: str
    table: str
    made: list[Scheduler] = field(default_factory=list)
    delivered: list[JobSpec] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def scheduler(self, clock: Callable[[], datetime] = lambda: NOW) -> Scheduler:
        async def on_due(spec: JobSpec) -> None:
            self.delivered.append(spec)
            self.arrived.set()

        made = Scheduler(self.url, tz=TOKYO, on_due=on_due, clock=clock, tablename=self.table)
        self.made.append(made)
        return made

    async def wait_for(self, count: int) -> None:
        while len(self.delivered) < count:
            await self.arrived.wait()
            self.arrived.clear()

    def rows(self) -> dict[str, dict[str, Any]]:
        engine = create_engine(self.url)
        with engine.connect() as conn:
            found = conn.execute(text(f'select id, job_state from "{self.table}"')).all()
        engine.dispose()
        return {row.id: pickle.loads(row.job_state) for row in found}


class LogFlag(logging.Handler):
    """Sets an asyncio event when a log message containing ``needle`` is emitted."""

    def __init__(self, needle: str) -> None:
        super().__init__()
        self.needle = needle
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.needle in record.getMessage():
            self.seen.set()
