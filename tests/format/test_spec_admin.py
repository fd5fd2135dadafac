"""The admin side's requests (preview pictures, buttons, answers to presses) checked against the
platforms' specs, as `test_spec` checks the announcements'."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain import Channel
from bot.format.admin import (
    callback_answer,
    discord_picture,
    drop_keyboard,
    force_reply,
    inline_keyboard,
    telegram_picture,
    with_markup,
)
from bot.format.model import Request
from bot.format.telegram import text_request

from .test_spec import (
    DISCORD_SPEC,
    TELEGRAM_SPEC,
    check_discord,
    load,
    telegram_object_errors,
    undeclared,
)

CHAT = Channel("admin-reply", "telegram", chat_id="5001")
ADMIN_CHANNEL = Channel("admin", "discord", channel_id="555")
BUTTONS = [[("Publish now", "dr:abcdefghijklmnop:p"), ("Schedule…", "dr:abcdefghijklmnop:s")],
           [("Cancel", "dr:abcdefghijklmnop:c")]]  # fmt: skip


def telegram_cases() -> list[Request]:
    keyboard = inline_keyboard(BUTTONS)
    return [
        with_markup(
            telegram_picture(
                CHAT, "/tmp/p.png", "Draft: «T»", width=1692, height=2900, size=900_000
            ),
            keyboard,
        ),
        telegram_picture(CHAT, "/tmp/p.png", "Preview", width=1692, height=9000, size=3_000_000),
        with_markup(text_request(CHAT, "When?"), force_reply("fri 18:00")),
        callback_answer("4000000000000000001", "x" * 300, alert=True),
        drop_keyboard("5001", "12"),
    ]


@pytest.mark.parametrize("request_", telegram_cases(), ids=lambda r: r.method)
def test_telegram_admin_requests_match_the_bot_api(request_: Request) -> None:
    spec = load(TELEGRAM_SPEC)
    method = spec["methods"].get(request_.method)
    assert method is not None, f"{request_.method} is not a Bot API method"
    errors = telegram_object_errors(request_.params, method["fields"], spec, request_.method)
    assert not errors, errors


def test_pictures_too_large_for_a_photo_go_as_documents() -> None:
    tall = telegram_picture(CHAT, "/tmp/p.png", "c", width=1692, height=9000, size=3_000_000)
    assert tall.method == "sendDocument" and tall.params["document"] == "attach://picture"
    fits = telegram_picture(CHAT, "/tmp/p.png", "c", width=1692, height=2900, size=900_000)
    assert fits.method == "sendPhoto" and [u.field for u in fits.uploads] == ["picture"]
    assert len(callback_answer("1", "x" * 300).params["text"]) == 200


def test_discord_admin_channel_messages_match_the_openapi_schema() -> None:
    """The schema validates the whole message; the strict key check of `test_spec` merges the
    many kinds of component into one, so the rows and buttons are checked here one by one."""
    spec = load(DISCORD_SPEC)
    schemas = spec["components"]["schemas"]
    for request in (
        discord_picture(ADMIN_CHANNEL, "/tmp/p.png", "Review", BUTTONS),
        discord_picture(ADMIN_CHANNEL, None, "Review, text only", BUTTONS),
    ):
        rows = request.params.pop("components")
        check_discord(spec, request)  # everything but the components, keys included
        request.params["components"] = rows
        check_discord_schema_only(spec, request)
        for i, row in enumerate(rows):
            row_schema = schemas["ActionRowComponentForMessageRequest"]
            assert not undeclared(spec, {**row, "components": []}, row_schema, f"row {i}")
            for j, item in enumerate(row["components"]):
                button = schemas["ButtonComponentForMessageRequest"]
                assert not undeclared(spec, item, button, f"row {i} button {j}")


def check_discord_schema_only(spec: dict[str, Any], request: Request) -> None:
    from jsonschema import Draft202012Validator

    from .test_spec import body_schema, operation

    op, _ = operation(spec, request.path, request.method)
    schema = body_schema(spec, op, "application/json")
    errors = list(Draft202012Validator(schema).iter_errors(request.params))
    assert not errors, [e.message for e in errors[:3]]
