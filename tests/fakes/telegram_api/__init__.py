"""A local stand-in for the Telegram Bot API that unmodified python-telegram-bot can talk to.

Point PTB at it with ``telegram.Bot(fake.token, base_url=fake.base_url,
base_file_url=fake.base_file_url)``. The server listens on 127.0.0.1 on a free port, answers
with the same envelopes, status codes and error descriptions as ``api.telegram.org`` and keeps
what it receives so tests can assert on it:

* ``calls`` — every request (method, decoded parameters, uploaded files, status, response);
* ``sent`` — every message the bot created, with its visible text after entity parsing;
* ``commands`` — bot command lists by scope and language.

Enforced like the real server: HTML entity parsing (allowed tags and entities, byte offsets
in the error descriptions), text and caption lengths counted in UTF-16 code units after
parsing and trimming, album rules, photo size and dimension rules, unknown and kicked chats,
edit rules, and flood control (per chat, per group, overall) answered with 429 and
``parameters.retry_after``. ``getUpdates`` long-polls over updates queued with
:meth:`FakeTelegram.push_update`; :meth:`FakeTelegram.fail_next` scripts faults.

When ``shared/specs/telegram-bot-api.json`` is present, form fields are decoded by their
documented types (a text ``"123"`` stays a string) and :class:`ApiSpec` can check responses
against the documented objects.

The package, by concern: ``server`` (:class:`FakeTelegram`: state, lifecycle, routing),
``controls`` (what tests call), ``decoding`` (reading requests), ``entities`` and
``formatting`` (HTML entities, UTF-16 lengths, visible text), ``flood`` (flood control),
``models`` (records), ``media`` (files), the methods in ``sending``, ``editing``, ``updates``
and ``commands``, and ``spec`` (the Bot API description).
"""

from .common import DEFAULT_TOKEN, ApiError, ScopeKey
from .entities import parse_html, utf16_len
from .flood import ManualClock
from .formatting import FormattedText, format_text
from .models import Call, FakeChat, SentMessage
from .server import FakeTelegram
from .spec import SPEC_PATH, ApiSpec

__all__ = [
    "DEFAULT_TOKEN",
    "SPEC_PATH",
    "ApiError",
    "ApiSpec",
    "Call",
    "FakeChat",
    "FakeTelegram",
    "FormattedText",
    "ManualClock",
    "ScopeKey",
    "SentMessage",
    "format_text",
    "parse_html",
    "utf16_len",
]
