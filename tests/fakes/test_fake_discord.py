"""The local Discord API fake, driven by real discord.py over HTTP: login and messages."""

from __future__ import annotations

import io
import json
from typing import Any

import aiohttp
import discord
import pytest
from discord.http import Route

from .discord_api import DEFAULT_GUILD_ID, FakeDiscord
from .discord_support import CHANNEL_ID, MESSAGE_ROUTE, OTHER_CHANNEL_ID, bot_headers, jpeg

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
    async with session.get(f"{fake.api_url}/users/@me", headers=bot_headers(fake)) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json"
        assert resp.headers["X-RateLimit-Bucket"]
    async with session.get(f"{fake.api_url}/nothing/here") as resp:
        assert resp.status == 404
        assert resp.headers["Content-Type"] == "application/json"


# ------------------------------------------------------------------------------ messages


async def test_send_content_embed_and_file(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    photo = jpeg()
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
        await channel.send(embed=orphan, file=discord.File(io.BytesIO(jpeg()), "photo.jpg"))
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
