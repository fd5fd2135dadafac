"""Discord publisher: bot channels over REST and webhooks, through discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Mapping
from typing import Any

import aiohttp
import discord
from discord.http import Route

from ..domain import Channel
from ..errors import DeliveryError
from ..format.model import Request

_WEBHOOK = re.compile(r"/webhooks/(\d+)/([^/?#]+)")
_MESSAGE = re.compile(r"/messages/(\d+)")
SUPPRESS_NOTIFICATIONS = 1 << 12  # message flag: members get no sound


def point_at(api_url: str) -> None:
    """Aim discord.py (bot REST and webhooks) at `api_url`, e.g. a self-hosted proxy or a test."""
    Route.BASE = api_url.rstrip("/")


def parse_webhook_url(url: str) -> tuple[int, str]:
    match = _WEBHOOK.search(url)
    if not match:
        raise DeliveryError("the webhook URL is not a Discord webhook URL", retryable=False)
    return int(match.group(1)), match.group(2)


def _embeds(params: Mapping[str, Any]) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in params.get("embeds", [])]


def _files(request: Request) -> list[discord.File]:
    return [discord.File(u.path, filename=u.filename) for u in request.uploads]


def _reference(params: Mapping[str, Any]) -> discord.MessageReference | None:
    ref = params.get("message_reference")
    if not ref:
        return None
    return discord.MessageReference(
        message_id=int(ref["message_id"]),
        channel_id=int(ref["channel_id"]),
        fail_if_not_exists=False,
    )


def _mentions(params: Mapping[str, Any]) -> discord.AllowedMentions:
    """Exactly the pings the request allows: none unless it lists role or user ids."""
    allowed = params.get("allowed_mentions") or {}
    roles = [discord.Object(id=int(r)) for r in allowed.get("roles", [])]
    users = [discord.Object(id=int(u)) for u in allowed.get("users", [])]
    return discord.AllowedMentions(
        everyone=False, users=users or False, roles=roles or False, replied_user=False
    )


def _view(params: Mapping[str, Any]) -> discord.ui.View | None:
    """The message's buttons (action rows given as API JSON) as discord.py takes them."""
    rows = params.get("components") or []
    if not rows:
        return None
    view = discord.ui.View(timeout=None)
    for number, row in enumerate(rows):
        for item in row.get("components", []):
            view.add_item(
                discord.ui.Button(
                    style=discord.ButtonStyle(int(item.get("style", 2))), label=item.get("label"),
                    custom_id=item.get("custom_id"), url=item.get("url"), row=number,
                )
            )  # fmt: skip
    return view


def _create_kwargs(request: Request) -> dict[str, Any]:
    """What a new message carries, passed explicitly: nothing the request does not hold."""
    p = request.params
    kwargs: dict[str, Any] = {"allowed_mentions": _mentions(p)}
    if p.get("content"):
        kwargs["content"] = str(p["content"])
    if embeds := _embeds(p):
        kwargs["embeds"] = embeds
    if files := _files(request):
        kwargs["files"] = files
    if (view := _view(p)) is not None:
        kwargs["view"] = view
    if int(p.get("flags") or 0) & SUPPRESS_NOTIFICATIONS:
        kwargs["silent"] = True
    return kwargs


def _edit_kwargs(request: Request) -> dict[str, Any]:
    """An edit replaces the whole message: absent content, embeds or files are cleared."""
    p = request.params
    return {
        "content": p.get("content"),
        "embeds": _embeds(p),
        "attachments": _files(request),
        "allowed_mentions": _mentions(p),
    }


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
        target = self.client.get_partial_messageable(int(channel.channel_id or 0))
        p = request.params
        if request.method == "POST":
            kwargs = _create_kwargs(request)
            if p.get("nonce") is not None:  # every outbox message has one; discord.py's own
                kwargs["nonce"] = str(p["nonce"])  # random nonce otherwise
            if (reference := _reference(p)) is not None:
                kwargs["reference"] = reference
            message = await target.send(**kwargs)
            return [str(message.id)]
        match = _MESSAGE.search(request.path)
        if not match:
            raise DeliveryError(f"no message id in {request.path}", retryable=False)
        partial = target.get_partial_message(int(match.group(1)))
        if request.method == "PATCH":
            await partial.edit(**_edit_kwargs(request))
        elif request.method == "DELETE":
            with contextlib.suppress(discord.NotFound):
                await partial.delete()
        return [match.group(1)]

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
            message = await hook.send(**_create_kwargs(request), wait=True)
            return [str(message.id)]
        match = _MESSAGE.search(request.path)
        if not match:
            raise DeliveryError(f"no message id in {request.path}", retryable=False)
        mid = int(match.group(1))
        if request.method == "PATCH":
            await hook.edit_message(mid, **_edit_kwargs(request))
        elif request.method == "DELETE":
            with contextlib.suppress(discord.NotFound):
                await hook.delete_message(mid)
        return [str(mid)]


def make_client() -> discord.Client:
    """A client for REST sends; admin commands connect it to the gateway as well."""
    intents = discord.Intents.none()
    intents.guilds = True  # the guilds' roles, for the admin role allow-list
    return discord.Client(intents=intents)
