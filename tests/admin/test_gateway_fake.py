"""The simulated gateway speaks the protocol steps discord.py relies on."""

from __future__ import annotations

import aiohttp

from tests.admin.support import ROLE
from tests.fakes.discord_gateway import GatewayDiscord


async def test_hello_identify_ready_guilds_and_interactions(dc: GatewayDiscord) -> None:
    auth = {"Authorization": f"Bot {dc.token}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{dc.api_url}/gateway/bot", headers=auth) as answer:
            assert (await answer.json())["url"] == dc.gateway_url  # REST and gateway agree
        async with http.ws_connect(f"{dc.gateway_url}?v=10&encoding=json") as ws:
            assert await ws.receive_json() == {"op": 10, "d": {"heartbeat_interval": 41_250}}
            await ws.send_json({"op": 1, "d": None})
            assert await ws.receive_json() == {"op": 11}
            await ws.send_json({"op": 2, "d": {"token": dc.token, "intents": 1, "properties": {}}})
            ready = await ws.receive_json()
            assert (ready["op"], ready["t"], ready["s"]) == (0, "READY", 1)
            assert ready["d"]["guilds"] == [{"id": str(dc.guild_id), "unavailable": True}]
            assert ready["d"]["application"] == {"id": str(dc.application_id), "flags": 0}
            assert ready["d"]["resume_gateway_url"] == dc.gateway_url
            guild = await ws.receive_json()
            assert (guild["t"], guild["s"], guild["d"]["id"]) == (
                "GUILD_CREATE",
                2,
                str(dc.guild_id),
            )
            assert str(ROLE) in {role["id"] for role in guild["d"]["roles"]}
            await dc.wait_ready()
            payload = dc.new_interaction("status")
            await dc.dispatch_interaction(payload)
            event = await ws.receive_json()
            assert (event["t"], event["s"], event["d"]) == ("INTERACTION_CREATE", 3, payload)
            await ws.send_json({"op": 6, "d": {"token": dc.token, "session_id": "x", "seq": 3}})
            assert await ws.receive_json() == {"op": 9, "d": False}
        assert dc.identifies == [{"token": "[REDACTED]", "intents": 1, "properties": {}}]
        assert dc.heartbeats == 1


async def test_a_wrong_token_is_refused(dc: GatewayDiscord) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(dc.gateway_url) as ws:
        await ws.receive_json()
        await ws.send_json({"op": 2, "d": {"token": "not-the-token"}})
        closing = await ws.receive()
        assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == 4004
    assert dc.identifies == []
