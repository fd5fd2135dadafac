"""Tokens never reach the logs, reports or previews."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.app import App
from tests.conftest import TG_CHAT
from tests.helpers import preview_document, wait_for, write_post


async def test_tokens_are_redacted_from_logs(
    site: Path, make_settings, tg, dc, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = make_settings(tg=tg, dc=dc)
    app = App(settings, with_admin=False)
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # httpx logs request URLs with the token
    await app.start()
    try:
        tg.fail_next("sendMessage", status=500)
        write_post(site / "content/n/s.md", "Secret-free", "Nothing to hide.")
        await wait_for(lambda: any("Nothing to hide." in m.text for m in tg.messages_in(TG_CHAT)))
    finally:
        await app.stop()
    text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert "/bot" in text  # httpx did log the request URLs...
    assert tg.token not in text  # ...without the token
    assert dc.token not in text
    webhook = settings.webhook_url(settings.channel_list()[2])
    assert webhook and webhook.rsplit("/", 1)[1] not in text


def test_preview_json_names_no_webhook_secret(site: Path, make_settings, dc) -> None:
    settings = make_settings(dc=dc)
    document = preview_document(
        settings, site / "content/press/2023-10-30-japan-supports-cambodia.md", None
    )
    webhook = settings.webhook_url(settings.channel_list()[1])
    assert webhook and webhook.rsplit("/", 1)[1] not in json.dumps(document)
