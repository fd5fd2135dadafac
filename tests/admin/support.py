"""Driving the running service as an admin would, on both platforms."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PIL import Image

from bot.app import App
from tests.fakes.discord_api import Call
from tests.fakes.discord_gateway import MANAGE_GUILD, GatewayDiscord
from tests.fakes.telegram_api import FakeTelegram, SentMessage

StartApp = Callable[..., Awaitable[App]]
ARTICLE = "content/posts/2023-01-23-70th-anniversary.md"
KEY = "2023-01-23-70th-anniversary"
ADMIN = 5_001
MEMBER = 5_002
ADMIN_CHAT = "-1009876543210"
ROLE = 1_302_146_010_203_700_001
JsonObject = dict[str, Any]


async def eventually(check: Callable[[], Any], within: float = 5.0) -> Any:
    """Wait until ``check()`` is truthy and return it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not (result := check()):
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {check}")
        await asyncio.sleep(0.02)
    return result


def jpeg(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


async def tg_command(
    tg: FakeTelegram, text: str, *, user: int = ADMIN, chat: int | str | None = None,
    answers: int = 1, **extra: Any,
) -> list[SentMessage]:  # fmt: skip
    """Send a command as ``user`` and return the ``answers`` it got in the private chat."""
    before = len(tg.messages_in(user))
    chat_id = int(chat) if chat is not None else user
    tg.push_update(tg.make_command_update(text=text, user_id=user, chat_id=chat_id, **extra))
    await eventually(lambda: len(tg.messages_in(user)) >= before + answers)
    return tg.messages_in(user)[before:]


def option(name: str, value: Any, kind: int = 3) -> JsonObject:
    return {"name": name, "type": kind, "value": value}


def interaction(
    dc: GatewayDiscord, command: str, *options: JsonObject, permissions: int = MANAGE_GUILD,
    roles: tuple[int, ...] = (), resolved: JsonObject | None = None, user_id: int | None = None,
    locale: str = "en-US",
) -> JsonObject:  # fmt: skip
    listed = list(options) or None
    payload = dc.new_interaction(
        command, options=listed, permissions=permissions, user_id=user_id, locale=locale
    )
    payload["member"]["roles"] = [str(r) for r in roles]
    if resolved:
        payload["data"]["resolved"] = resolved
    return payload


async def reply_to(dc: GatewayDiscord, payload: JsonObject, within: float = 5.0) -> JsonObject:
    """The body of the interaction's callback (``{"type": 4, "data": {...}}`` or type 5 or 8)."""
    prefix = f"/interactions/{payload['id']}/"
    call = await eventually(
        lambda: next((c for c in dc.calls if c.path.startswith(prefix) and c.status), None), within
    )
    assert call.status in (200, 204), call.response
    return dict(call.json)


async def _answered(dc: GatewayDiscord, path: str, method: str | None = None) -> Call:
    """The first answered call to ``path`` (made with ``method``, when given); it succeeded."""
    call = await eventually(
        lambda: next(
            (
                c
                for c in dc.calls
                if c.path == path and (method is None or c.method == method) and c.status
            ),
            None,
        )
    )
    assert call.status == 200, call.response
    return call


async def followup(dc: GatewayDiscord, payload: JsonObject) -> JsonObject:
    """The first follow-up message of a deferred interaction."""
    call = await _answered(dc, f"/webhooks/{dc.application_id}/{payload['token']}")
    return dict(call.json)


async def dc_command(
    dc: GatewayDiscord, command: str, *options: JsonObject, **kw: Any
) -> JsonObject:
    """Run a command and return the message data the admin sees (after a deferral too)."""
    payload = interaction(dc, command, *options, **kw)
    await dc.dispatch_interaction(payload)
    body = await reply_to(dc, payload)
    if body["type"] == 5:
        return await followup(dc, payload)
    assert body["type"] == 4, body
    return dict(body["data"])


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the site (content and images), the service's own data left out."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "data" not in p.relative_to(root).parts
    }


def watch_batches(app: App) -> list[set[Path]]:
    """Records each batch of changed files the content watcher hands to the service."""
    seen: list[set[Path]] = []
    handler = app.watcher.on_batch

    async def recording(changed: set[Path], removed: set[Path]) -> object:
        result = await handler(changed, removed)
        seen.append({p.resolve() for p in changed})
        return result

    app.watcher.on_batch = recording
    return seen


async def all_delivered(app: App, key: str, count: int) -> None:
    def done() -> bool:
        found = app.store.deliveries(post_key=key)
        return len(found) == count and all(d.state == "sent" for d in found)

    await eventually(done)


# -- drafts: buttons pressed, answers read ---------------------------------------------------
def keyboard(message: SentMessage) -> list[list[tuple[str, str]]]:
    """The inline keyboard under a Telegram message: rows of (label, callback data)."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [[(b["text"], b.get("callback_data", "")) for b in row] for row in rows]


def button(message: SentMessage, label: str) -> str:
    """The callback data of the button labelled `label`."""
    found = [data for row in keyboard(message) for text, data in row if text == label]
    assert found, f"no button {label!r} in {keyboard(message)}"
    return found[0]


async def tg_press(
    tg: FakeTelegram, message: SentMessage, data: str, *, user: int = ADMIN, **extra: Any
) -> JsonObject:
    """Press a button (any data: the bot must not trust it); the answerCallbackQuery params."""
    before = len(tg.answered_callbacks)
    tg.push_update(tg.make_callback_update(data=data, user_id=user, message=message.message,
                                           **extra))  # fmt: skip
    await eventually(lambda: len(tg.answered_callbacks) > before)
    return dict(tg.answered_callbacks[before])


def dc_buttons(message: JsonObject) -> list[tuple[str, str]]:
    """(label, custom_id) of every button of a Discord message."""
    return [(c["label"], c["custom_id"]) for row in message.get("components", [])
            for c in row["components"]]  # fmt: skip


def dc_button(message: JsonObject, label: str) -> str:
    found = [custom for text, custom in dc_buttons(message) if text == label]
    assert found, f"no button {label!r} in {dc_buttons(message)}"
    return found[0]


async def dc_press(
    dc: GatewayDiscord, message: JsonObject, custom_id: str, *, user_id: int = 7001,
    permissions: int = MANAGE_GUILD, roles: tuple[int, ...] = (), locale: str = "en-US",
) -> tuple[JsonObject, JsonObject]:  # fmt: skip
    """Press a button under a message: the interaction's payload and its callback's body."""
    payload = dc.new_component_interaction(
        message, custom_id, user_id=user_id, permissions=permissions, roles=roles, locale=locale
    )
    await dc.dispatch_interaction(payload)
    return payload, await reply_to(dc, payload)


async def dc_edit_of(dc: GatewayDiscord, payload: JsonObject) -> JsonObject:
    """The edit of the pressed message after a deferred update (PATCH @original)."""
    path = f"/webhooks/{dc.application_id}/{payload['token']}/messages/@original"
    call = await _answered(dc, path, "PATCH")
    return dict(call.response)


async def dc_message(
    dc: GatewayDiscord, command: str, *options: JsonObject, **kw: Any
) -> JsonObject:
    """Run a command answered after a deferral; the follow-up message as Discord stored it."""
    payload = interaction(dc, command, *options, **kw)
    await dc.dispatch_interaction(payload)
    body = await reply_to(dc, payload)
    assert body["type"] == 5, body
    call = await _answered(dc, f"/webhooks/{dc.application_id}/{payload['token']}")
    return dc.message(call.response["id"])
