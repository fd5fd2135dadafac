"""Telegram publisher: request data → python-telegram-bot calls; PTB errors → DeliveryError."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as a timedelta

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaDocument,
    InputMediaPhoto,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from ..domain import Channel
from ..errors import DeliveryError
from ..format.model import Request, Upload

NOT_JSON = "the server's answer was not JSON"
HARMLESS = (
    "message is not modified",
    "message to delete not found",
    "message to edit not found",
    "message to unpin not found",
)


class QuietRequest(HTTPXRequest):
    """python-telegram-bot's HTTP client, minus its traceback for answers that are not JSON.

    A front server answering 502 with an HTML page makes the library log an ERROR with a full
    traceback before raising; the outbox retries such a request and logs one warning itself.
    """

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        try:
            return dict(json.loads(payload.decode("utf-8", "replace")))
        except ValueError:  # a network fault: retried, whatever the status said
            raise NetworkError(NOT_JSON) from None


def make_bot(token: str, api_url: str, timeout: float = 30.0) -> Bot:
    request = QuietRequest(
        connection_pool_size=16, read_timeout=timeout, write_timeout=timeout, connect_timeout=10
    )
    base_file = api_url.replace("/bot", "/file/bot") if api_url.endswith("/bot") else api_url
    return Bot(
        token,
        base_url=api_url,
        base_file_url=base_file,
        request=request,
        get_updates_request=QuietRequest(connection_pool_size=1),  # the library's defaults
    )


def _network_reason(exc: TelegramError) -> str:
    """The library's message, without the server's page it quotes when the answer is not JSON."""
    head, cut, _ = exc.message.partition(". Parsing the server response")
    return f"{head} ({NOT_JSON})" if cut else exc.message


def _file(ref: str, uploads: dict[str, Upload]) -> InputFile | str:
    if ref.startswith("attach://") and (up := uploads.get(ref.removeprefix("attach://"))):
        return InputFile(Path(up.path).read_bytes(), filename=up.filename, attach=True)
    return ref


def _markup(params: dict[str, Any]) -> dict[str, Any]:
    """The keyword that carries the request's keyboard (or forced reply), when it has one."""
    markup = _reply_markup(params)
    return {"reply_markup": markup} if markup is not None else {}


def _preview(params: dict[str, Any]) -> LinkPreviewOptions:
    """The link preview the request asks for; none unless it names one."""
    shown = params.get("link_preview_options") or {"is_disabled": True}
    return LinkPreviewOptions(**shown)


def _common(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"chat_id": params["chat_id"], **_markup(params)}
    if "message_thread_id" in params:
        out["message_thread_id"] = params["message_thread_id"]
    if params.get("disable_notification"):
        out["disable_notification"] = True
    if reply := params.get("reply_parameters"):
        out["reply_parameters"] = ReplyParameters(
            message_id=int(reply["message_id"]),
            allow_sending_without_reply=reply.get("allow_sending_without_reply", True),
        )
    return out


def _reply_markup(params: dict[str, Any]) -> InlineKeyboardMarkup | ForceReply | None:
    """An inline keyboard, or a forced reply, given as Bot API JSON."""
    markup = params.get("reply_markup")
    if not markup:
        return None
    if "force_reply" in markup:
        return ForceReply.de_json(markup, None)
    return InlineKeyboardMarkup.de_json(markup, None)


def _ids(result: Message | tuple[Message, ...] | bool) -> list[str]:
    if isinstance(result, Message):
        return [str(result.message_id)]
    if isinstance(result, tuple):
        return [str(m.message_id) for m in result]
    return []


class TelegramPublisher:
    platform = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def start(self) -> None:
        try:
            await self.bot.initialize()
        except InvalidToken:
            raise DeliveryError("Telegram refused the bot token", retryable=False) from None
        except NetworkError as exc:
            reason = _network_reason(exc)
            raise DeliveryError(f"Telegram unreachable: {reason}", retryable=True) from None

    async def close(self) -> None:
        await self.bot.shutdown()

    async def send(self, channel: Channel, request: Request) -> list[str]:
        try:
            return _ids(await self._call(request))
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            raise DeliveryError(
                f"Telegram flood control: retry after {seconds:g}s",
                retryable=True,
                retry_after=seconds,
                platform="telegram",
            ) from None
        except BadRequest as exc:
            if any(h in exc.message.lower() for h in HARMLESS):
                return []
            raise DeliveryError(
                f"Telegram: {exc.message}", retryable=False, platform="telegram"
            ) from None
        except (Forbidden, InvalidToken) as exc:
            raise DeliveryError(
                f"Telegram: {exc.message}", retryable=False, platform="telegram"
            ) from None
        except (TimedOut, NetworkError) as exc:
            raise DeliveryError(
                f"Telegram network error: {_network_reason(exc)}",
                retryable=True,
                platform="telegram",
            ) from None
        except OSError as exc:
            raise DeliveryError(
                f"cannot read an upload: {exc}", retryable=False, platform="telegram"
            ) from None

    async def _call(self, request: Request) -> Message | tuple[Message, ...] | bool:
        p = request.params
        uploads = {u.field: u for u in request.uploads}
        html = p.get("parse_mode")
        match request.method:
            case "sendMessage":
                return await self.bot.send_message(
                    text=p["text"], parse_mode=html, link_preview_options=_preview(p), **_common(p)
                )
            case "sendPhoto":
                return await self.bot.send_photo(
                    photo=_file(p["photo"], uploads),
                    caption=p.get("caption"),
                    parse_mode=html,
                    **_common(p),
                )
            case "sendDocument":
                return await self.bot.send_document(
                    document=_file(p["document"], uploads),
                    caption=p.get("caption"),
                    parse_mode=html,
                    **_common(p),
                )
            case "sendMediaGroup":
                media = [
                    (InputMediaPhoto if item["type"] == "photo" else InputMediaDocument)(
                        media=_file(item["media"], uploads),
                        caption=item.get("caption"),
                        parse_mode=item.get("parse_mode"),
                    )
                    for item in p["media"]
                ]
                common = _common(p)
                common.pop("reply_markup", None)  # an album cannot carry buttons
                return await self.bot.send_media_group(media=media, **common)
            case "editMessageText":
                return await self.bot.edit_message_text(
                    text=p["text"],
                    chat_id=p["chat_id"],
                    message_id=int(p["message_id"]),
                    parse_mode=html,
                    link_preview_options=_preview(p),
                    **_markup(p),
                )
            case "editMessageCaption":
                return await self.bot.edit_message_caption(
                    chat_id=p["chat_id"],
                    message_id=int(p["message_id"]),
                    caption=p.get("caption"),
                    parse_mode=html,
                    **_markup(p),
                )
            case "pinChatMessage":
                return await self.bot.pin_chat_message(
                    chat_id=p["chat_id"],
                    message_id=int(p["message_id"]),
                    disable_notification=bool(p.get("disable_notification")),
                )
            case "unpinChatMessage":
                return await self.bot.unpin_chat_message(
                    chat_id=p["chat_id"], message_id=int(p["message_id"])
                )
            case "editMessageReplyMarkup":
                keyboard = _reply_markup(p)
                return await self.bot.edit_message_reply_markup(
                    chat_id=p["chat_id"],
                    message_id=int(p["message_id"]),
                    reply_markup=keyboard if isinstance(keyboard, InlineKeyboardMarkup) else None,
                )
            case "answerCallbackQuery":
                return await self.bot.answer_callback_query(
                    p["callback_query_id"], text=p.get("text"), show_alert=p.get("show_alert")
                )
            case "deleteMessage":
                return await self.bot.delete_message(
                    chat_id=p["chat_id"], message_id=int(p["message_id"])
                )
        raise DeliveryError(f"unsupported Telegram method {request.method}", retryable=False)
