"""A local stand-in for Discord's REST API (v10) that unmodified discord.py can talk to.

Point discord.py at it with ``discord.http.Route.BASE = fake.api_url``; webhooks built with
``discord.Webhook.partial(...)`` use the same base. The server listens on 127.0.0.1 on a free
port and keeps everything it receives so tests can assert on it:

* ``calls`` — every request (method, path, route key, JSON payload, uploaded files, headers with
  the token redacted, response status);
* ``messages`` — channel id → messages as Discord would store them;
* ``commands``, ``scheduled_events``, ``interaction_responses``.

It enforces Discord's documented message limits (content, embeds, files, ``attachment://``
references, empty messages), nonce de-duplication, per-route and global rate limits reported
through the ``X-RateLimit-*`` headers, and can script faults with :meth:`FakeDiscord.fail_next`.
Response bodies follow the shapes of Discord's OpenAPI description (``MessageResponse``,
``UserResponse``, ``ApplicationCommandResponse``, ``ScheduledEventResponse``, ...).

The package, by concern: ``server`` (:class:`FakeDiscord`: state, lifecycle, dispatch),
``routing`` (the route table), ``controls`` (what tests call), ``ratelimits`` (buckets and
scripted faults), ``validation`` (message limits), ``models`` and ``message_store`` (JSON
objects and stored messages), ``records`` (calls and requests), and the routes in
``messages``, ``webhooks``, ``interactions`` and ``guilds``.
"""

from .common import (
    DEFAULT_APPLICATION_ID,
    DEFAULT_GUILD_ID,
    DEFAULT_TOKEN,
    DISCORD_EPOCH_MS,
)
from .common import _now_iso as _now_iso
from .records import Call, FakeWebhook, UploadedFile
from .server import FakeDiscord

__all__ = [
    "DEFAULT_APPLICATION_ID",
    "DEFAULT_GUILD_ID",
    "DEFAULT_TOKEN",
    "DISCORD_EPOCH_MS",
    "Call",
    "FakeDiscord",
    "FakeWebhook",
    "UploadedFile",
]
