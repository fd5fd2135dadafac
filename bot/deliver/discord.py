"""Discord publisher: bot channels over REST and webhooks, through discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any

import aiohttp
import discord
from discord.http import Route

from ..domain import Channel
from ..errors import DeliveryError
from ..format.model import Request
from .discord_payloads import create_kwargs, edit_kwargs, reference, thread_message
from .discord_routes import call, channel_info, channel_of, create_thread, crosspost

_WEBHOOK = re.compile(r"/webhooks/(\d+)/([^/?#]+)")
_MESSAGE = re.compile(r"/messages/(\d+)")
RAW = ("pin", "unpin")  # requests without a message body


def point_at(api_url: str) -> None:
    """Aim discord.py (bot REST and webhooks) at `api_url`, e.g. a self-hosted proxy or a test."""
    Route.BASE = api_url.rstrip("/")


def parse_webhook_url(url: str) -> tuple[int, str]:
    match = _WEBHOOK.search(url)
    if not match:
        raise DeliveryError("the webhook URL is not a Discord webhook URL", retryable=False)
    return int(match.group(1)), match.group(2)


class DiscordPublisher:
    """Sends through a logged-in `discord.Client` (REST only is enough) and webhooks."""

    platform = "discord"

    def __init__(
        self,
        client: discord.Client,
        token: str | None,
        webhook_urls: dict[str, str],
        *,
        timeout: float = 30.0,
    ) -> None:
        self.client = client
        self.timeout = timeout  # seconds for one request, waits for rate limits included
        self.token = token
        self.webhook_urls = webhook_urls  # channel name -> URL (secret)
        self._session: aiohttp.ClientSession | None = None
        self._webhooks: dict[str, discord.Webhook] = {}

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        if self.token and not self.client.is_ready() and self.client.user is None:
            try:
                await self.client.login(self.token)
            except discord.LoginFailure:
                raise DeliveryError("Discord refused the bot token", retryable=False) from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if not self.client.is_closed():
            await self.client.close()

    def _webhook(self, channel: Channel) -> discord.Webhook:
        if channel.name not in self._webhooks:
            url = self.webhook_urls.get(channel.name)
            if not url:
                raise DeliveryError(
                    f"no webhook URL in ${channel.webhook_url_env} for {channel.name}",
                    retryable=False,
                )
            wid, token = parse_webhook_url(url)
            assert self._session is not None, "start() the publisher first"
            hook = discord.Webhook.partial(wid, token, session=self._session)
            self._webhooks[channel.name] = hook
        return self._webhooks[channel.name]

    async def send(self, channel: Channel, request: Request) -> list[str]:
        try:
            async with asyncio.timeout(self.timeout):
                if channel.platform == "discord-webhook":
                    return await self._send_webhook(channel, request)
                return await self._send_channel(channel, request)
        except discord.RateLimited as exc:
            raise DeliveryError(
                "Discord rate limit",
                retryable=True,
                retry_after=exc.retry_after,
                platform="discord",
            ) from None
        except (discord.Forbidden, discord.NotFound) as exc:
            raise DeliveryError(
                f"Discord: {exc.status} {exc.text}", retryable=False, platform="discord"
            ) from None
        except discord.HTTPException as exc:
            retryable = exc.status >= 500 or exc.status == 429
            raise DeliveryError(
                f"Discord: {exc.status} {exc.text}", retryable=retryable, platform="discord"
            ) from None
        except (TimeoutError, aiohttp.ClientError, ConnectionError) as exc:
            raise DeliveryError(
                f"Discord network error: {type(exc).__name__}", retryable=True, platform="discord"
            ) from None
        except OSError as exc:
            raise DeliveryError(
                f"cannot read an upload: {exc}", retryable=False, platform="discord"
            ) from None

    async def _send_channel(self, channel: Channel, request: Request) -> list[str]:
        if request.purpose == "thread":
            return await create_thread(
                self.client, request.path, request.params, thread_message(request)
            )
        if request.purpose == "crosspost":
            assert self._session is not None and self.token, "start() the publisher first"
            return await crosspost(self._session, self.token, request.path)
        thread_gone = request.method == "DELETE" and not _MESSAGE.search(request.path)
        if request.purpose in RAW or thread_gone:
            return await call(self.client, request.method, request.path)
        target = self.client.get_partial_messageable(channel_of(request.path, channel.channel_id))
        p = request.params
        if request.method == "POST":
            kwargs = create_kwargs(request)
            if p.get("nonce") is not None:  # every outbox message has one; discord.py's own
                kwargs["nonce"] = str(p["nonce"])  # random nonce otherwise
            if (ref := reference(p)) is not None:
                kwargs["reference"] = ref
            message = await target.send(**kwargs)
            return [str(message.id)]
        match = _MESSAGE.search(request.path)
        if not match:
            raise DeliveryError(f"no message id in {request.path}", retryable=False)
        partial = target.get_partial_message(int(match.group(1)))
        if request.method == "PATCH":
            await partial.edit(**edit_kwargs(request))
        elif request.method == "DELETE":
            with contextlib.suppress(discord.NotFound):
                await partial.delete()
        return [match.group(1)]

    async def channel_info(self, channel_id: str) -> dict[str, Any]:
        """What a channel is (text, announcement, forum) and a forum's tags; DeliveryError if
        it cannot be read."""
        try:
            async with asyncio.timeout(self.timeout):
                return await channel_info(self.client, channel_id)
        except discord.HTTPException as exc:
            raise DeliveryError(f"Discord: {exc.status} {exc.text}", retryable=exc.status >= 500,
                                platform="discord") from None  # fmt: skip
        except (TimeoutError, aiohttp.ClientError, ConnectionError) as exc:
            raise DeliveryError(f"Discord network error: {type(exc).__name__}", retryable=True,
                                platform="discord") from None  # fmt: skip

    async def create_guild_event(self, guild_id: str, payload: dict[str, Any]) -> str:
        data = await self.client.http.create_guild_scheduled_event(int(guild_id), **payload)
        return str(data["id"])

    async def edit_guild_event(self, guild_id: str, event_id: str, payload: dict[str, Any]) -> None:
        await self.client.http.edit_scheduled_event(int(guild_id), int(event_id), **payload)

    async def delete_guild_event(self, guild_id: str, event_id: str) -> None:
        with contextlib.suppress(discord.NotFound):
            await self.client.http.delete_scheduled_event(int(guild_id), int(event_id))

    async def _send_webhook(self, channel: Channel, request: Request) -> list[str]:
        hook = self._webhook(channel)
        if request.method == "POST":
            message = await hook.send(**create_kwargs(request), wait=True)
            return [str(message.id)]
        match = _MESSAGE.search(request.path)
        if not match:
            raise DeliveryError(f"no message id in {request.path}", retryable=False)
        mid = int(match.group(1))
        if request.method == "PATCH":
            await hook.edit_message(mid, **edit_kwargs(request))
        elif request.method == "DELETE":
            with contextlib.suppress(discord.NotFound):
                await hook.delete_message(mid)
        return [str(mid)]


def make_client() -> discord.Client:
    """A client for REST sends; admin commands connect it to the gateway as well."""
    intents = discord.Intents.none()
    intents.guilds = True  # the guilds' roles, for the admin role allow-list
    return discord.Client(intents=intents)
