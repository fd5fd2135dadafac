"""Schema migrations: a first-release database upgrades with nothing lost and nothing re-sent."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.app import App
from bot.config import normalise_db_url
from bot.store import schema
from bot.store.base import make_engine
from bot.store.models import Base, UTCDateTime
from bot.store.repo import Store
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.helpers import write_post

WHEN = UTCDateTime()


def first_release_tables() -> sa.MetaData:
    """The tables exactly as the first release created them (no version table)."""
    meta = sa.MetaData()
    sa.Table("bot_meta", meta, sa.Column("name", sa.String(64), primary_key=True),
             sa.Column("value", sa.Text, nullable=False))  # fmt: skip
    sa.Table(
        "posts", meta,
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("source", sa.String(1024), nullable=False, index=True),
        sa.Column("digest", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("event_start", WHEN),
        sa.Column("first_seen", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )  # fmt: skip
    sa.Table(
        "deliveries", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dedupe_key", sa.String(512), nullable=False),
        sa.Column("post_key", sa.String(255), index=True),
        sa.Column("channel", sa.String(255), nullable=False, index=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("requests", sa.JSON, nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.UniqueConstraint("dedupe_key", name="uq_deliveries_dedupe"),
    )  # fmt: skip
    sa.Table(
        "sent_messages", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.Integer, nullable=False, index=True),
        sa.Column("post_key", sa.String(255), index=True),
        sa.Column("channel", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("message_ids", sa.JSON, nullable=False),
        sa.Column("live", sa.Integer, nullable=False),
        sa.Column("sent_at", WHEN, nullable=False),
    )  # fmt: skip
    return meta


def test_the_models_are_what_the_migrations_make(db_url: str) -> None:
    """An empty database is made from the models directly: they must be what the migrations,
    run one by one from nothing, would have made."""
    from alembic import command
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(schema._config()).get_current_head() == schema.HEAD
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(schema._config(conn), "head")
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diffs == []
        assert schema.current(engine) == schema.HEAD
    finally:
        engine.dispose()


def test_an_empty_database_is_made_at_the_latest_revision(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert schema.upgrade(engine) == (None, schema.HEAD)
        assert schema.upgrade(engine) == (schema.HEAD, schema.HEAD)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()


def test_a_database_behind_is_refused_when_not_migrating(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        first_release_tables().create_all(engine)
    finally:
        engine.dispose()
    with pytest.raises(schema.SchemaError, match="python -m bot migrate"):
        Store(db_url, migrate=False)
    Store(db_url).close()
    Store(db_url, migrate=False).close()


def legacy_rows(start: datetime, now: datetime, digest: str) -> dict[str, list[dict[str, Any]]]:
    """What the first release wrote for one published event post and its 1d reminder."""
    publish = {"platform": "telegram", "method": "sendMessage",
               "params": {"chat_id": TG_CHAT, "text": "x", "parse_mode": "HTML"}}  # fmt: skip
    return {
        "bot_meta": [{"name": "indexed_at", "value": (now - timedelta(days=30)).isoformat()}],
        "posts": [
            {
                "key": "party",
                "source": "ev/party.md",
                "digest": digest,
                "title": "Party",
                "version": 1,
                "state": "published",
                "due_at": now - timedelta(days=1),
                "event_start": start,
                "first_seen": now - timedelta(days=1),
                "updated_at": now - timedelta(days=1),
            }
        ],
        "deliveries": [
            {
                "id": 1,
                "dedupe_key": "party:tg-news:publish:v1",
                "post_key": "party",
                "channel": "tg-news",
                "kind": "publish",
                "state": "sent",
                "progress": 1,
                "requests": {"requests": [publish], "fingerprint": "f" * 32, "not_after": None},
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": None,
                "created_at": now,
                "updated_at": now,
            },
            {
                "id": 2,
                "dedupe_key": f"party:tg-news:remind:1d:{start.isoformat()}",
                "post_key": "party",
                "channel": "tg-news",
                "kind": "remind:1d",
                "state": "sent",
                "requests": {
                    "requests": [publish],
                    "fingerprint": None,
                    "not_after": start.isoformat(),
                },
                "progress": 1,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": None,
                "created_at": now,
                "updated_at": now,
            },
        ],
        "sent_messages": [
            {
                "delivery_id": 1,
                "post_key": "party",
                "channel": "tg-news",
                "role": "post",
                "step": 0,
                "method": "sendMessage",
                "message_ids": {"ids": ["1"]},
                "live": 1,
                "sent_at": now,
            },
        ],
    }


async def test_a_first_release_database_upgrades_and_resends_nothing(
    site: Path, make_settings, tg, dc, db_url: str
) -> None:
    settings = make_settings(tg=tg, dc=dc, webhook=False, database_url=db_url)
    for folder in ("posts", "press"):  # the archive of this database is the one post below
        shutil.rmtree(site / "content" / folder)
    tz = settings.association.tz
    now = datetime.now(tz)
    start = (now + timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    path = write_post(
        site / "content/ev/party.md", "Party", "Music.", date=(now - timedelta(days=1)).date()
        .isoformat(), extra=f"event:\n  start: '{start.isoformat()}'\n  reminders: [2d, 1d]\n",
    )  # fmt: skip
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    url = normalise_db_url(db_url)
    engine = make_engine(url)
    try:
        meta = first_release_tables()
        meta.create_all(engine)
        with engine.begin() as conn:
            for table, rows in legacy_rows(start, now, digest).items():
                conn.execute(meta.tables[table].insert(), rows)
    finally:
        engine.dispose()

    app = App(settings, with_admin=False)
    await app.start()
    try:
        await asyncio.sleep(0.3)
        jobs = [j.id for j in app.scheduler.jobs()]
    finally:
        await app.stop()
    assert not tg.calls_to("sendMessage") and not dc.messages.get(DC_CHANNEL)
    assert "post:party:remind:1d" not in jobs  # sent before the upgrade: not planned again
    assert "post:party:remind:2d" in jobs
    store = Store(url, migrate=False)
    try:
        reminder = next(d for d in store.deliveries(post_key="party") if d.id == 2)
        assert (reminder.kind, reminder.reminder_offset) == ("remind", "1d")
        assert reminder.not_after == start.astimezone(UTC)
        assert store.last_fingerprint("party", "tg-news") == "f" * 32
        assert store.reminders_sent("party", start) == {"1d"}
        assert [s.ids for s in store.sent("party", "tg-news")] == [["1"]]
        assert store.get_meta("indexed_at") is not None
    finally:
        store.close()


def test_downgrade_gives_the_first_release_layout_back(db_url: str) -> None:
    from alembic import command

    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    start = now + timedelta(days=3)
    engine = make_engine(db_url)
    try:
        meta = first_release_tables()
        meta.create_all(engine)
        rows = legacy_rows(start, now, "d" * 64)
        with engine.begin() as conn:
            conn.execute(meta.tables["deliveries"].insert(), rows["deliveries"])
        schema.upgrade(engine)
        with engine.begin() as conn:
            command.downgrade(schema._config(conn), schema.BASELINE)
        with engine.connect() as conn:
            found = conn.execute(sa.text("select kind, requests from deliveries order by id"))
            kinds, stored = zip(*found.all(), strict=True)
        assert kinds == ("publish", "remind:1d")
        loaded = [s if isinstance(s, dict) else json.loads(s) for s in stored]
        assert loaded[0]["fingerprint"] == "f" * 32
        assert datetime.fromisoformat(loaded[1]["not_after"]) == start
    finally:
        engine.dispose()
