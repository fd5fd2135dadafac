"""Platform hiccups and bad input: everything good still goes out, exactly once."""

from __future__ import annotations

import time
from pathlib import Path

from bot.app import App
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.helpers import wait_for, write_post


async def started(settings) -> App:
    app = App(settings, with_admin=False)
    await app.start()
    return app


async def test_telegram_429_is_honoured_and_nothing_is_lost(
    site: Path, make_settings, tg, dc
) -> None:
    app = await started(make_settings(tg=tg, dc=dc, webhook=False))
    try:
        tg.fail_next("sendMessage", status=429, retry_after=1)
        began = time.monotonic()
        write_post(site / "content/n/a.md", "Flood", "Slow down please.")
        await wait_for(
            lambda: [m for m in tg.messages_in(TG_CHAT) if "Slow down" in m.text], timeout=10
        )
        calls = tg.calls_to("sendMessage")
        assert [c.status for c in calls] == [429, 200]
        assert calls[1].time - calls[0].time >= 1.0  # retry_after honoured
        assert time.monotonic() - began < 5
    finally:
        await app.stop()


async def test_5xx_and_timeouts_retry_until_delivered(site: Path, make_settings, tg, dc) -> None:
    settings = make_settings(tg=tg, dc=dc, webhook=False, delivery={"request_timeout": 1.0})
    app = await started(settings)
    try:
        tg.fail_next("sendMessage", status=502, times=2)
        dc.fail_next("POST /channels/{channel_id}/messages", status=503)
        write_post(site / "content/n/b.md", "Outage", "Servers wobble.")
        await wait_for(
            lambda: [m for m in tg.messages_in(TG_CHAT) if "wobble" in m.text], timeout=15
        )
        await wait_for(lambda: dc.messages.get(DC_CHANNEL), timeout=15)
        assert len([m for m in tg.messages_in(TG_CHAT) if "wobble" in m.text]) == 1
        assert len(dc.messages[DC_CHANNEL]) == 1
    finally:
        await app.stop()


async def test_timeout_after_send_is_deduplicated_on_discord(
    site: Path, make_settings, tg, dc
) -> None:
    """The request reached Discord but the answer was lost: the nonce stops a double post."""
    settings = make_settings(dc=dc, webhook=False, delivery={"request_timeout": 1.0})
    app = await started(settings)
    try:
        dc.fail_next("POST /channels/{channel_id}/messages", status=200, delay=1.5)
        write_post(site / "content/n/c.md", "Lag", "A slow answer.")
        await wait_for(lambda: app.store.deliveries(state="sent"), timeout=20)
        assert len(dc.messages[DC_CHANNEL]) == 1
        assert len(dc.deduplicated_calls) == 1  # it was sent twice; Discord kept one
    finally:
        await app.stop()


async def test_permanent_error_is_reported_and_other_channels_go_on(
    site: Path, make_settings, tg, dc
) -> None:
    settings = make_settings(tg=tg, dc=dc, webhook=False, telegram={"admin_chat": "4242"})
    app = await started(settings)
    try:
        tg.kick_bot(TG_CHAT)
        write_post(site / "content/n/d.md", "Kicked", "Members elsewhere still hear.")
        await wait_for(lambda: dc.messages.get(DC_CHANNEL), timeout=10)
        await wait_for(lambda: app.store.deliveries(state="failed"), timeout=10)
        await wait_for(lambda: tg.messages_in(4242), timeout=5)
        report = tg.messages_in(4242)[0].text
        assert "tg-news" in report and "kicked" in report.lower()
        assert tg.token not in report
        assert len(tg.calls_to("sendMessage")) == 2  # one refused send, one report: no retry loop
    finally:
        await app.stop()


BAD_INPUTS = {
    "bad-yaml.md": b"---\ntitle: 'unclosed\ndate: 2026-01-01\n---\nbody\n",
    "binary.md": b"\x00\x01\x02\x03PNG\x00" * 50,
    "latin1.md": "---\ntitle: Caf\xe9\ndate: '2026-01-01'\n---\nx".encode("latin-1"),
    "empty.md": b"",
    "bad-date.md": b"---\ntitle: When\ndate: 'next tuesday-ish'\n---\nbody\n",
    "huge.md": b"---\ntitle: Big\ndate: '2026-01-01'\n---\n" + b"a" * (3 * 1024 * 1024),
    "dup-a.md": b"---\ntitle: One\ndate: '2026-01-01'\nslug: same\n---\nfirst\n",
}


async def test_bad_inputs_are_reported_and_skipped(site: Path, make_settings, tg, dc) -> None:
    settings = make_settings(
        tg=tg, dc=dc, webhook=False, telegram={"admin_chat": "4242"}, content={"max_images": 4}
    )
    app = await started(settings)
    try:
        bad = site / "content/bad"
        bad.mkdir()
        for name, data in BAD_INPUTS.items():
            (bad / name).write_bytes(data)
        many = "\n".join(f"    - '/images/posts/n{i}.jpeg'" for i in range(100))
        write_post(bad / "many-images.md", "Gallery", "Lots of photos.", extra=f"image:\n{many}\n")
        write_post(
            bad / "escape.md", "Escape", "Sneaky.", extra="image:\n    - '../../etc/passwd'\n"
        )
        write_post(
            bad / "markup.md",
            "<b>Not bold</b> & *not* <script>",
            "<i>html</i> **md** &amp; <tg-spoiler>x",
        )
        outside = site / "secret.jpeg"
        outside.write_bytes((site / "static/images/posts/230123-1-1.jpeg").read_bytes())
        (site / "static/images/posts/link.jpeg").symlink_to(outside)
        write_post(
            bad / "symlink.md",
            "Link",
            "Via a symlink.",
            extra="image:\n    - '/images/posts/link.jpeg'\n",
        )
        write_post(bad / "dup-b.md", "Two", "second", extra="slug: same\n")
        write_post(site / "content/n/good.md", "Good news", "This one is fine.")
        await wait_for(
            lambda: [m for m in tg.messages_in(TG_CHAT) if "This one is fine." in m.text], 30
        )
        await wait_for(lambda: [m for m in tg.messages_in(TG_CHAT) if "Sneaky." in m.text], 30)
        await wait_for(lambda: [m for m in tg.messages_in(TG_CHAT) if "html" in m.text], 30)
        reports = "\n".join(app.reporter.history)
        for name in ("bad-yaml.md", "binary.md", "latin1.md", "empty.md", "bad-date.md", "huge.md"):
            assert f"bad/{name}" in reports, name
        assert "slug 'same' is already used" in reports
        assert "../../etc/passwd" in reports and "link.jpeg" in reports and "left out" in reports
        markup = next(m for m in tg.messages_in(TG_CHAT) if "html" in m.text)
        assert "<b>Not bold</b>" in markup.text and "<i>html</i>" in markup.text
        uploads = [f for c in tg.calls for f in c.files.values()]
        assert outside.read_bytes() not in uploads
        assert tg.token not in reports
        await wait_for(lambda: tg.messages_in(4242), 5)
        assert len(tg.messages_in(4242)) <= 3  # gathered into a few messages, not one per file
        assert tg.rate_limit_hits == 0
    finally:
        await app.stop()
