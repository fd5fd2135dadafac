"""The local Discord API fake, driven by real discord.py over HTTP."""

from __future__ import annotations

import asyncio
import functools
import io
import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.http import Route
from PIL import Image

from .discord_api import DEFAULT_GUILD_ID, FakeDiscord

CHANNEL_ID = 1_302_150_000_000_000_001
OTHER_CHANNEL_ID = 1_302_150_000_000_000_002
SPEC_PATH = Path("/work/shared/specs/discord-openapi.json")
MESSAGE_ROUTE = "POST /channels/{channel_id}/messages"
WINDOW = 0.4


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(
        known_channels={CHANNEL_ID, OTHER_CHANNEL_ID},
        message_rate=(5, WINDOW),
        webhook_rate=(5, WINDOW),
    ) as dc:
        yield dc


@pytest.fixture
def discord_base(fake: FakeDiscord) -> Iterator[str]:
    previous = Route.BASE
    Route.BASE = fake.api_url
    try:
        yield fake.api_url
    finally:
        Route.BASE = previous


@pytest.fixture
async def client(fake: FakeDiscord, discord_base: str) -> AsyncIterator[discord.Client]:
    bot = discord.Client(intents=discord.Intents.none())
    try:
        await bot.login(fake.token)
        yield bot
    finally:
        await bot.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


def _jpeg(width: int = 64, height: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def _bot_headers(fake: FakeDiscord) -> dict[str, str]:
    return {"Authorization": f"Bot {fake.token}"}


# ------------------------------------------------------------------------------ login


async def test_login_reads_user_and_application(fake: FakeDiscord, client: discord.Client) -> None:
    assert client.user is not None
    assert client.user.id == fake.bot_user_id
    assert client.user.bot
    assert client.application_id == fake.application_id

    me = fake.calls_to("GET /users/@me")[0]
    assert me.status == 200
    assert me.authenticated
    assert me.headers["Authorization"] == "Bot [REDACTED]"
    assert fake.token not in json.dumps([c.headers for c in fake.calls])
    assert [c.route for c in fake.calls] == ["GET /users/@me", "GET /oauth2/applications/@me"]


async def test_wrong_token_is_refused(fake: FakeDiscord, discord_base: str) -> None:
    bot = discord.Client(intents=discord.Intents.none())
    try:
        with pytest.raises(discord.LoginFailure):
            await bot.login("not-the-token")
    finally:
        await bot.close()
    assert fake.calls[-1].status == 401
    assert fake.calls[-1].response == {"message": "401: Unauthorized", "code": 0}
    assert not fake.calls[-1].authenticated


async def test_json_content_type_is_exact(
    fake: FakeDiscord, session: aiohttp.ClientSession
) -> None:
    async with session.get(f"{fake.api_url}/users/@me", headers=_bot_headers(fake)) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json"
        assert resp.headers["X-RateLimit-Bucket"]
    async with session.get(f"{fake.api_url}/nothing/here") as resp:
        assert resp.status == 404
        assert resp.headers["Content-Type"] == "application/json"


# ------------------------------------------------------------------------------ messages


async def test_send_content_embed_and_file(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    photo = _jpeg()
    embed = discord.Embed(title="Spring party", description="Friday, 20:00", colour=0x3366FF)
    embed.add_field(name="Where", value="Main hall")
    embed.set_image(url="attachment://photo.jpg")
    embed.set_footer(text="Student association")

    sent = await channel.send(
        "Tickets are out!", embed=embed, file=discord.File(io.BytesIO(photo), "photo.jpg")
    )

    [stored] = fake.messages[CHANNEL_ID]
    assert stored["id"] == str(sent.id)
    assert stored["content"] == "Tickets are out!"
    assert stored["author"]["id"] == str(fake.bot_user_id)
    assert stored["edited_timestamp"] is None
    [attachment] = stored["attachments"]
    assert attachment["filename"] == "photo.jpg"
    assert attachment["size"] == len(photo)
    assert (attachment["width"], attachment["height"]) == (64, 32)
    assert attachment["content_type"] == "image/jpeg"
    [rendered] = stored["embeds"]
    assert rendered["title"] == "Spring party"
    assert rendered["fields"] == [{"name": "Where", "value": "Main hall", "inline": True}]
    assert rendered["image"]["url"] == attachment["url"]
    assert rendered["footer"] == {"text": "Student association"}

    call = fake.calls_to(MESSAGE_ROUTE)[-1]
    assert call.json["embeds"][0]["image"] == {"url": "attachment://photo.jpg"}
    [(field_name, filename, data, _)] = call.files
    assert (field_name, filename, data) == ("files[0]", "photo.jpg", photo)

    assert sent.embeds[0].image.url == attachment["url"]
    assert sent.attachments[0].filename == "photo.jpg"
    assert await sent.attachments[0].read() == photo
    assert fake.attachment_bytes(attachment["id"]) == photo


async def test_edit_fetch_reply_and_delete(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    first = await channel.send("Draft")
    edited = await first.edit(content="Final", embed=discord.Embed(description="details"))
    assert edited.content == "Final"
    assert edited.edited_at is not None
    stored = fake.message(first.id)
    assert stored["content"] == "Final"
    assert stored["edited_timestamp"] is not None
    assert stored["embeds"][0]["description"] == "details"

    fetched = await channel.fetch_message(first.id)
    assert fetched.content == "Final"

    reply = await channel.send("See above", reference=first)
    stored_reply = fake.message(reply.id)
    assert stored_reply["type"] == 19
    assert stored_reply["message_reference"]["message_id"] == str(first.id)
    assert reply.reference is not None and reply.reference.message_id == first.id

    await first.delete()
    assert [m["id"] for m in fake.messages[CHANNEL_ID]] == [str(reply.id)]
    assert fake.deleted_messages[0]["id"] == str(first.id)
    with pytest.raises(discord.NotFound) as missing:
        await channel.fetch_message(first.id)
    assert missing.value.code == 10008


async def test_description_over_limit_is_rejected(
    fake: FakeDiscord, client: discord.Client
) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    with pytest.raises(discord.HTTPException) as rejected:
        await channel.send(embed=discord.Embed(description="d" * 4097))
    assert rejected.value.status == 400
    assert rejected.value.code == 50035
    errors = fake.calls[-1].response["errors"]
    assert errors["embeds"]["0"]["description"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert fake.messages[CHANNEL_ID] == []


async def test_total_embed_size_counts_all_embeds(
    fake: FakeDiscord, client: discord.Client
) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    with pytest.raises(discord.HTTPException) as rejected:
        await channel.send(
            embeds=[discord.Embed(description="é" * 4000), discord.Embed(description="x" * 2001)]
        )
    assert rejected.value.status == 400
    assert fake.calls[-1].response["errors"]["embeds"]["_errors"][0]["code"] == (
        "MAX_EMBED_SIZE_EXCEEDED"
    )

    await channel.send(
        embeds=[discord.Embed(description="é" * 4000), discord.Embed(description="x" * 2000)]
    )
    assert len(fake.messages[CHANNEL_ID]) == 1


async def test_eleven_embeds_are_rejected(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    embeds = [discord.Embed(title=f"#{i}") for i in range(11)]
    with pytest.raises(ValueError):
        await channel.send(embeds=embeds)

    route = Route("POST", "/channels/{channel_id}/messages", channel_id=CHANNEL_ID)
    with pytest.raises(discord.HTTPException) as rejected:
        await client.http.request(route, json={"embeds": [e.to_dict() for e in embeds]})
    assert rejected.value.status == 400
    assert fake.calls[-1].response["errors"]["embeds"]["_errors"][0]["message"] == (
        "Must be 10 or fewer in length."
    )


async def test_other_message_limits(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)

    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send("x" * 2001)
    assert fake.calls[-1].response["errors"]["content"]["_errors"][0]["code"] == (
        "BASE_TYPE_MAX_LENGTH"
    )
    assert too_long.value.status == 400

    with pytest.raises(discord.HTTPException) as empty:
        await channel.send()
    assert (empty.value.status, empty.value.code) == (400, 50006)

    orphan = discord.Embed(title="Poster").set_image(url="attachment://missing.png")
    with pytest.raises(discord.HTTPException):
        await channel.send(embed=orphan, file=discord.File(io.BytesIO(_jpeg()), "photo.jpg"))
    image_errors = fake.calls[-1].response["errors"]["embeds"]["0"]["image"]["url"]
    assert "missing.png" in image_errors["_errors"][0]["message"]

    with pytest.raises(discord.HTTPException):
        await channel.send(embed=discord.Embed(title="Link", url="ftp://example.org/file"))
    assert fake.calls[-1].response["errors"]["embeds"]["0"]["url"]["_errors"][0]["code"] == (
        "URL_TYPE_INVALID_SCHEME"
    )

    fake.max_file_size = 1024
    with pytest.raises(discord.HTTPException) as too_big:
        await channel.send(file=discord.File(io.BytesIO(b"\0" * 1025), "big.bin"))
    assert (too_big.value.status, too_big.value.code) == (413, 40005)

    route = Route("POST", "/channels/{channel_id}/messages", channel_id=CHANNEL_ID)
    form: list[dict[str, Any]] = [
        {"name": "payload_json", "value": json.dumps({"content": "many"})}
    ]
    form += [{"name": f"files[{i}]", "value": b"x", "filename": f"{i}.txt"} for i in range(11)]
    with pytest.raises(discord.HTTPException):
        await client.http.request(route, form=form)
    assert "attachments" in fake.calls[-1].response["errors"]
    assert fake.messages[CHANNEL_ID] == []


async def test_unknown_and_forbidden_channels(fake: FakeDiscord, client: discord.Client) -> None:
    with pytest.raises(discord.NotFound) as unknown:
        await client.get_partial_messageable(42_000_000_000_000_000).send("hi")
    assert unknown.value.code == 10003
    assert fake.calls[-1].response == {"message": "Unknown Channel", "code": 10003}

    fake.forbid_channel(OTHER_CHANNEL_ID)
    with pytest.raises(discord.Forbidden) as forbidden:
        await client.get_partial_messageable(OTHER_CHANNEL_ID).send("hi")
    assert forbidden.value.code == 50001

    fetched = await client.fetch_channel(CHANNEL_ID)
    assert isinstance(fetched, discord.TextChannel)
    assert fetched.guild.id == DEFAULT_GUILD_ID


async def test_nonce_deduplicates_creates(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    first = await channel.send("Once only", nonce="post-42")
    second = await channel.send("Once only", nonce="post-42")
    other = await channel.send("Once only", nonce="post-43")

    assert second.id == first.id
    assert other.id != first.id
    assert [m["nonce"] for m in fake.messages[CHANNEL_ID]] == ["post-42", "post-43"]
    [deduplicated] = fake.deduplicated_calls
    assert deduplicated.json["nonce"] == "post-42"
    assert deduplicated.json["enforce_nonce"] is True


# ------------------------------------------------------------------------------ webhooks


async def test_webhook_send_wait_and_edit(
    fake: FakeDiscord, discord_base: str, session: aiohttp.ClientSession
) -> None:
    url = fake.webhook_url(channel_id=CHANNEL_ID)
    webhook_id, token = url.rsplit("/", 2)[-2:]
    assert 17 <= len(webhook_id) <= 20 and len(token) == 68
    webhook = discord.Webhook.partial(int(webhook_id), token, session=session)

    sent = await webhook.send("From the board", username="Board", wait=True)
    assert isinstance(sent, discord.WebhookMessage)
    assert sent.author.name == "Board"
    [stored] = fake.messages[CHANNEL_ID]
    assert stored["webhook_id"] == webhook_id
    assert stored["author"]["username"] == "Board"
    assert fake.calls[-1].query["wait"] == "1"

    edited = await sent.edit(content="From the board (updated)")
    assert edited.content == "From the board (updated)"
    assert fake.message(sent.id)["edited_timestamp"] is not None

    await webhook.send("No wait")
    assert fake.calls[-1].status == 204
    assert len(fake.messages[CHANNEL_ID]) == 2

    await webhook.send("In a thread", thread=discord.Object(OTHER_CHANNEL_ID))
    assert fake.messages[OTHER_CHANNEL_ID][0]["content"] == "In a thread"

    fetched = await webhook.fetch()
    assert fetched.channel_id == CHANNEL_ID

    wrong = discord.Webhook.partial(int(webhook_id), "x" * 68, session=session)
    with pytest.raises(discord.HTTPException) as refused:
        await wrong.send("nope", wait=True)
    assert (refused.value.status, refused.value.code) == (401, 50027)


async def test_webhook_posting_with_plain_http(
    fake: FakeDiscord, session: aiohttp.ClientSession
) -> None:
    url = fake.webhook_url()
    async with session.post(f"{url}?wait=true", json={"content": "plain"}) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body["content"] == "plain"
    channel_id = fake.webhooks[int(body["webhook_id"])].channel_id
    assert fake.messages[channel_id][0]["id"] == body["id"]


# ------------------------------------------------------------------------------ rate limits


async def test_scripted_429_is_retried(fake: FakeDiscord, client: discord.Client) -> None:
    fake.fail_next(MESSAGE_ROUTE, status=429, retry_after=0.05)
    message = await client.get_partial_messageable(CHANNEL_ID).send("Eventually")

    statuses = [c.status for c in fake.calls_to(MESSAGE_ROUTE)]
    assert statuses == [429, 200]
    limited = fake.calls_to(MESSAGE_ROUTE)[0]
    assert limited.scripted
    assert limited.response == {
        "message": "You are being rate limited.",
        "retry_after": 0.05,
        "global": False,
    }
    assert limited.response_headers["Via"] == "1.1 google"
    assert limited.response_headers["X-RateLimit-Scope"] == "user"
    assert limited.response_headers["Retry-After"] == "1"
    assert fake.rate_limit_hits == 0
    assert fake.message(message.id)["content"] == "Eventually"


async def test_scripted_faults(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    fake.fail_next(MESSAGE_ROUTE, status=503)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("down")

    fake.fail_next(
        f"POST /channels/{CHANNEL_ID}/messages",
        status=403,
        code=50013,
        message="Missing Permissions",
    )
    with pytest.raises(discord.Forbidden) as forbidden:
        await channel.send("no perms")
    assert forbidden.value.code == 50013

    fake.fail_next(status=200, delay=0.2)
    started = time.monotonic()
    await channel.send("slow")
    assert time.monotonic() - started >= 0.2
    assert [m["content"] for m in fake.messages[CHANNEL_ID]] == ["slow"]


async def test_burst_honours_headers_without_429(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    started = time.monotonic()
    await asyncio.gather(*(channel.send(f"burst {i}") for i in range(12)))
    elapsed = time.monotonic() - started

    assert fake.rate_limit_hits == 0
    assert len(fake.messages[CHANNEL_ID]) == 12
    creates = fake.calls_to(MESSAGE_ROUTE)
    assert [c.status for c in creates] == [200] * 12
    assert {c.response_headers["X-RateLimit-Limit"] for c in creates} == {"5"}
    assert sum(c.response_headers["X-RateLimit-Remaining"] == "0" for c in creates) >= 2
    assert elapsed >= 2 * WINDOW * 0.9


async def test_webhook_burst_honours_headers(
    fake: FakeDiscord, discord_base: str, session: aiohttp.ClientSession
) -> None:
    hook = fake.create_webhook(channel_id=CHANNEL_ID)
    webhook = discord.Webhook.partial(hook.id, hook.token, session=session)
    await asyncio.gather(*(webhook.send(f"hook {i}", wait=True) for i in range(7)))

    assert fake.rate_limit_hits == 0
    assert len(fake.messages[CHANNEL_ID]) == 7
    executes = fake.calls_to("POST /webhooks/{webhook_id}/{webhook_token}")
    assert [c.status for c in executes] == [200] * 7
    assert not any(c.authenticated for c in executes)


async def test_real_limits_answer_429(fake: FakeDiscord, session: aiohttp.ClientSession) -> None:
    url = f"{fake.api_url}/channels/{CHANNEL_ID}/messages"
    statuses: list[int] = []
    last: Any = None
    for i in range(6):
        async with session.post(url, json={"content": f"{i}"}, headers=_bot_headers(fake)) as r:
            statuses.append(r.status)
            if r.status == 429:
                last = (dict(r.headers), await r.json())
    assert statuses == [200] * 5 + [429]
    headers, body = last
    assert body["global"] is False and 0 < body["retry_after"] <= WINDOW
    assert headers["Content-Type"] == "application/json"
    assert headers["X-RateLimit-Remaining"] == "0"
    assert headers["X-RateLimit-Scope"] == "user"
    assert headers["Via"]
    assert fake.rate_limit_hits == 1


async def test_global_limit(session: aiohttp.ClientSession) -> None:
    async with FakeDiscord(global_rate=(3, 1.0)) as dc:
        statuses = []
        for path in ("/users/@me", "/gateway/bot", "/oauth2/applications/@me", "/users/@me"):
            async with session.get(dc.api_url + path, headers=_bot_headers(dc)) as resp:
                statuses.append(resp.status)
                body = await resp.json()
        assert statuses == [200, 200, 200, 429]
        assert body["global"] is True
        assert dc.calls[-1].response_headers["X-RateLimit-Scope"] == "global"
        assert dc.rate_limit_hits == 1


# ------------------------------------------------------------------------------ app commands


async def test_command_tree_sync_to_guild(fake: FakeDiscord, client: discord.Client) -> None:
    tree = app_commands.CommandTree(client)

    @tree.command(name="announce", description="Post an announcement now")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(slug="Post to publish")
    async def announce(interaction: discord.Interaction, slug: str) -> None:
        await interaction.response.send_message(slug)

    @tree.command(name="queue", description="Show pending posts")
    async def queue(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("empty")

    guild = discord.Object(DEFAULT_GUILD_ID)
    tree.copy_global_to(guild=guild)
    synced = await tree.sync(guild=guild)

    assert sorted(c.name for c in synced) == ["announce", "queue"]
    stored = fake.commands[(fake.application_id, DEFAULT_GUILD_ID)]
    by_name = {c["name"]: c for c in stored}
    assert by_name["announce"]["default_member_permissions"] == str(
        discord.Permissions(manage_guild=True).value
    )
    assert by_name["queue"]["default_member_permissions"] is None
    assert by_name["announce"]["options"][0]["name"] == "slug"
    assert all(c["guild_id"] == str(DEFAULT_GUILD_ID) for c in stored)

    again = await tree.sync(guild=guild)
    assert {c.id for c in again} == {c.id for c in synced}
    listed = await tree.fetch_commands(guild=guild)
    assert len(listed) == 2


async def test_interaction_callback_and_followups(
    fake: FakeDiscord, client: discord.Client
) -> None:
    payload = fake.new_interaction("announce", channel_id=CHANNEL_ID)
    interaction: discord.Interaction = discord.Interaction(
        data=payload,  # type: ignore[arg-type]
        state=client._connection,
    )
    await interaction.response.send_message("Posting…")
    followup = await interaction.followup.send("Posted to 2 channels", wait=True)
    original = await interaction.edit_original_response(content="Done")

    assert fake.interaction_responses == [
        {"type": 4, "data": fake.interaction_responses[0]["data"]}
    ]
    assert fake.interaction_responses[0]["data"]["content"] == "Posting…"
    assert original.content == "Done"
    contents = [m["content"] for m in fake.messages[CHANNEL_ID]]
    assert contents == ["Done", "Posted to 2 channels"]
    assert fake.message(followup.id)["webhook_id"] == str(fake.application_id)

    with pytest.raises(discord.HTTPException) as twice:
        await client.http.request(
            Route(
                "POST",
                "/interactions/{interaction_id}/{token}/callback",
                interaction_id=interaction.id,
                token=interaction.token,
            ),
            json={"type": 4, "data": {"content": "again"}},
        )
    assert twice.value.code == 40060


async def test_deferred_interaction_is_completed_by_editing(
    fake: FakeDiscord, client: discord.Client
) -> None:
    payload = fake.new_interaction("announce", channel_id=CHANNEL_ID)
    interaction: discord.Interaction = discord.Interaction(
        data=payload,  # type: ignore[arg-type]
        state=client._connection,
    )
    await interaction.response.defer(thinking=True)
    [placeholder] = fake.messages[CHANNEL_ID]
    assert placeholder["flags"] & 128
    assert fake.interaction_responses[-1]["type"] == 5

    await interaction.edit_original_response(content="Published")
    assert placeholder["content"] == "Published"
    assert not placeholder["flags"] & 128


# ------------------------------------------------------------------------------ events


async def test_scheduled_events(fake: FakeDiscord, client: discord.Client) -> None:
    guild = await client.fetch_guild(DEFAULT_GUILD_ID)
    start = datetime.now(UTC) + timedelta(days=3)
    event = await guild.create_scheduled_event(
        name="General assembly",
        description="Yearly meeting",
        start_time=start,
        end_time=start + timedelta(hours=2),
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,
        location="Room A101",
    )
    [stored] = fake.scheduled_events[DEFAULT_GUILD_ID]
    assert stored["id"] == str(event.id)
    assert stored["entity_metadata"] == {"location": "Room A101"}
    assert event.location == "Room A101"
    assert event.start_time == start

    edited = await event.edit(name="General assembly (moved)", location="Room B202")
    assert edited.name == "General assembly (moved)"
    assert stored["entity_metadata"] == {"location": "Room B202"}

    listed = await guild.fetch_scheduled_events()
    assert [e.id for e in listed] == [event.id]

    with pytest.raises(discord.HTTPException) as past:
        await guild.create_scheduled_event(
            name="Too late",
            start_time=datetime.now(UTC) - timedelta(hours=1),
            end_time=datetime.now(UTC) + timedelta(hours=1),
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location="Room A101",
        )
    assert past.value.status == 400

    await event.delete()
    assert fake.scheduled_events[DEFAULT_GUILD_ID] == []


# ------------------------------------------------------------------------------ shapes


@functools.cache
def _spec_validator_factory() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    from referencing.jsonschema import DRAFT202012

    spec = json.loads(SPEC_PATH.read_text())
    resource = referencing.Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = referencing.Registry().with_resource("urn:discord", resource)

    def validate(schema_name: str, instance: Any) -> None:
        schema = {"$ref": f"urn:discord#/components/schemas/{schema_name}"}
        jsonschema.Draft202012Validator(schema, registry=registry).validate(instance)

    return validate


@pytest.mark.skipif(not SPEC_PATH.exists(), reason="Discord OpenAPI description not available")
async def test_responses_match_the_openapi_shapes(
    fake: FakeDiscord, client: discord.Client, session: aiohttp.ClientSession
) -> None:
    validate = _spec_validator_factory()
    channel = client.get_partial_messageable(CHANNEL_ID)
    first = await channel.send(
        "Hello @everyone",
        embed=discord.Embed(title="t", description="d").set_thumbnail(url="attachment://a.jpg"),
        file=discord.File(io.BytesIO(_jpeg()), "a.jpg"),
        nonce=7,
    )
    await channel.send("reply", reference=first)
    hook = fake.create_webhook(channel_id=CHANNEL_ID)
    webhook = discord.Webhook.partial(hook.id, hook.token, session=session)
    await webhook.send("hook", wait=True)
    await webhook.fetch()
    tree = app_commands.CommandTree(client)

    @tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    await tree.sync(guild=discord.Object(DEFAULT_GUILD_ID))
    guild = await client.fetch_guild(DEFAULT_GUILD_ID)
    start = datetime.now(UTC) + timedelta(days=1)
    await guild.create_scheduled_event(
        name="Quiz",
        start_time=start,
        end_time=start + timedelta(hours=1),
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,
        location="Bar",
    )
    await client.fetch_channel(CHANNEL_ID)
    interaction: discord.Interaction = discord.Interaction(
        data=fake.new_interaction("ping", channel_id=CHANNEL_ID),  # type: ignore[arg-type]
        state=client._connection,
    )
    await interaction.response.send_message("pong")

    schemas = {
        "GET /users/@me": "UserPIIResponse",
        "GET /oauth2/applications/@me": "PrivateApplicationResponse",
        "POST /channels/{channel_id}/messages": "MessageResponse",
        "POST /webhooks/{webhook_id}/{webhook_token}": "MessageResponse",
        "GET /guilds/{guild_id}": "GuildWithCountsResponse",
        "POST /guilds/{guild_id}/scheduled-events": "ExternalScheduledEventResponse",
        "GET /channels/{channel_id}": "GuildChannelResponse",
        "GET /webhooks/{webhook_id}/{webhook_token}": "GuildIncomingWebhookResponse",
        "POST /interactions/{interaction_id}/{interaction_token}/callback": (
            "InteractionCallbackResponse"
        ),
    }
    checked: set[str] = set()
    for call in fake.calls:
        if call.status != 200:
            continue
        if call.route in schemas:
            validate(schemas[call.route], call.response)
            checked.add(call.route)
        if call.route == "PUT /applications/{application_id}/guilds/{guild_id}/commands":
            for command in call.response:
                validate("ApplicationCommandResponse", command)
            checked.add(call.route)
    assert len(checked) == len(schemas) + 1
