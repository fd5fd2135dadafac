"""The Telegram fake itself: its state, lifecycle, HTTP routing and method table."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from pathlib import Path

from aiohttp import web

from ..loopback import LoopbackServer
from .commands import _CommandMethods
from .common import _TOKEN, DEFAULT_TOKEN, MAX_UPLOAD_BYTES, MIB, ApiError, JsonObject, ScopeKey
from .controls import _Controls
from .decoding import Handler, _chat_key, _Request, read_request
from .editing import _EditingMethods
from .flood import _FloodControl
from .media import _MediaStore
from .messages import _MessageBuilding
from .models import Call, FakeChat, SentMessage, _Fault, _StoredFile, front_server_page
from .pins import _PinMethods
from .sending import _SendingMethods
from .spec import SPEC_PATH, ApiSpec
from .updates import _UpdateMethods


class FakeTelegram(
    _Controls,
    _MessageBuilding,
    _MediaStore,
    _SendingMethods,
    _EditingMethods,
    _PinMethods,
    _UpdateMethods,
    _CommandMethods,
    LoopbackServer,
):
    """The Bot API on 127.0.0.1; use ``async with FakeTelegram() as tg:``.

    Flood limits (all constructor parameters): per chat one message per
    ``per_chat_interval`` seconds with ``per_chat_tolerance`` of slack, per group, supergroup
    or channel (negative chat id) ``group_limit`` messages per rolling ``group_window``
    seconds, and ``global_limit`` messages per rolling ``global_window`` seconds overall. An
    album of N items counts as N messages. ``clock`` drives these limits and ``Call.time``.
    """

    _not_running_message = "FakeTelegram is not running"
    _shutdown_timeout = 2.0
    _handler_cancellation = True

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        enforce_rate_limits: bool = True,
        known_chats: Iterable[str | int] | None = None,
        bot_username: str = "assoc_test_bot",
        bot_name: str = "Association Bot",
        per_chat_interval: float = 1.0,
        per_chat_tolerance: float = 0.05,
        group_limit: int = 20,
        group_window: float = 60.0,
        global_limit: int = 30,
        global_window: float = 1.0,
        strict_html: bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        spec_path: Path = SPEC_PATH,
    ) -> None:
        super().__init__()
        self.token = token
        self.enforce_rate_limits = enforce_rate_limits
        self.strict_html = strict_html
        self.bot_username = bot_username
        self.bot_name = bot_name
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123456
        self.spec = ApiSpec.load(spec_path)

        self.calls: list[Call] = []
        self.sent: list[SentMessage] = []
        self.commands: dict[ScopeKey, list[JsonObject]] = {}
        self.rate_limit_hits = 0
        self.answered_callbacks: list[JsonObject] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.pins: dict[int, list[int]] = {}  # chat id → pinned message ids, newest last
        self.webhook_url = ""

        self._clock = clock
        self._wall_clock = wall_clock
        self._flood = _FloodControl(
            per_chat_interval=per_chat_interval,
            per_chat_tolerance=per_chat_tolerance,
            group_limit=group_limit,
            group_window=group_window,
            global_limit=global_limit,
            global_window=global_window,
        )
        self._faults: list[_Fault] = []
        self._chats: dict[int, FakeChat] = {}
        self._usernames: dict[str, int] = {}
        self._next_channel_id = -1_001_000_000_001
        self._restrict_chats = known_chats is not None
        self._messages: dict[tuple[int, int], JsonObject] = {}
        self._sent_index: dict[tuple[int, int], SentMessage] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._file_counter = 0
        self._media_group_counter = 0
        self._callback_ids: set[str] = set()
        self._callback_counter = 0

        self._updates: list[JsonObject] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self.poll_conflicts = 0  # getUpdates answered 409 because another poller took over
        self._updates_event = asyncio.Event()

        self._closing = asyncio.Event()
        self._handlers = self._build_handlers()

        for chat in known_chats or ():
            self.register_chat(chat)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._closing = asyncio.Event()
        self._updates_event = asyncio.Event()
        await super().start()

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 4 * MIB)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unrouted)
        return app

    async def _before_stop(self) -> None:
        self._closing.set()
        self._wake_pollers()

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: it appends ``{token}/{method}``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's ``base_file_url``: it appends ``{token}/{file_path}``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_unrouted(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(HTTPStatus.NOT_FOUND, "Not Found").payload(), status=404)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._file_paths.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None or stored.data is None:
            error = ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            return web.json_response(error.payload(), status=error.status)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(
            method=method,
            params={},
            files={},
            chat_id=None,
            time=self._clock(),
            http_method=request.method,
        )
        self.calls.append(call)
        fault: _Fault | None = None
        try:
            fields = self.spec.method_fields(method) if self.spec else None
            params, uploads = await read_request(request, fields)
            call.params = params
            call.files = {name: upload.data for name, upload in uploads.items()}
            call.chat_id = _chat_key(params.get("chat_id"))
            if fields is not None:
                call.unknown_params = [name for name in params if name not in fields]
            token = request.match_info["token"]
            if not _TOKEN.fullmatch(token):
                raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            if token != self.token:
                raise ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized")
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            fault = self._take_fault(method)
            if fault is not None and fault.status != HTTPStatus.OK:
                await self._pause(fault.delay)
                if fault.html:
                    call.status = fault.status
                    return web.Response(
                        text=front_server_page(fault.status),
                        status=fault.status,
                        content_type="text/html",
                    )
                raise fault.error()

            def connected() -> bool:
                transport = request.transport
                return transport is not None and not transport.is_closing()

            result = await handler(_Request(method, params, uploads, connected))
            payload: JsonObject = {"ok": True, "result": result}
            status = 200
        except ApiError as error:
            payload, status = error.payload(), int(error.status)
        call.status = status
        call.response = payload
        if fault is not None and fault.status == HTTPStatus.OK:
            await self._pause(fault.delay)
            if fault.html:  # carried out, but a proxy answers with a page of its own
                return web.Response(text=front_server_page(status), content_type="text/html")
        return web.json_response(payload, status=status)

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), seconds)

    def _build_handlers(self) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._ok,
            "close": self._ok,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageMedia": self._edit_message_media,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "pinChatMessage": self._pin_chat_message,
            "unpinChatMessage": self._unpin_chat_message,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChat": self._get_chat,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMember": self._get_chat_member,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
        }
        return {name.lower(): handler for name, handler in handlers.items()}
