"""The local Discord API fake, driven by real discord.py over HTTP: application commands,
interactions, scheduled events and the response shapes."""

from __future__ import annotations

import functools
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.http import Route

from .discord_api import DEFAULT_GUILD_ID, FakeDiscord
from .discord_support import CHANNEL_ID, jpeg

SPEC_PATH = Path("/work/shared/specs/discord-openapi.json")


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
        file=discord.File(io.BytesIO(jpeg()), "a.jpg"),
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
