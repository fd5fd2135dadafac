"""Both platform fakes in a process of their own, so a load test's client owns its event loop.

`python -m benchmarks._fake_server SPEC.json` starts FakeTelegram and FakeDiscord as SPEC says
(constructor options, chats to register, Discord channels to create) and prints one JSON line
with their addresses and tokens. Then it reads commands on stdin, one per line: `dump` prints
one JSON line with what they received (`time`/`at` are `time.monotonic()`, comparable across
processes on Linux), `stop` (or end of input) stops them.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram


def _first_line(value: Any) -> str:
    return value.split("\n", 1)[0] if isinstance(value, str) else ""


def dump(tg: FakeTelegram, dc: FakeDiscord) -> dict[str, Any]:
    return {
        "telegram": {
            "rate_limit_hits": tg.rate_limit_hits,
            "calls": [
                {
                    "method": c.method,
                    "chat_id": c.chat_id,
                    "time": c.time,
                    "status": c.status,
                    "text": _first_line(c.params.get("text")),
                    "retry_after": ((c.response or {}).get("parameters") or {}).get("retry_after"),
                }
                for c in tg.calls
            ],
            "sent": [{"chat_id": s.chat_id, "text": _first_line(s.text)} for s in tg.sent],
        },
        "discord": {
            "rate_limit_hits": dc.rate_limit_hits,
            "calls": [
                {
                    "method": c.method,
                    "path": c.path,
                    "route": c.route,
                    "at": c.at,
                    "status": c.status,
                    "deduplicated": c.deduplicated,
                    "rate_limited": c.rate_limited,
                    "scripted": c.scripted,
                }
                for c in dc.calls
            ],
            "messages": {
                str(cid): [
                    ((m.get("embeds") or [{}])[0].get("title") or m.get("content") or "")
                    for m in msgs
                ]
                for cid, msgs in dc.messages.items()
            },
        },
    }


async def serve(spec: dict[str, Any]) -> None:
    tg = FakeTelegram(**spec.get("telegram", {}))
    dc = FakeDiscord(**spec.get("discord", {}))
    async with tg, dc:
        for chat in spec.get("chats", []):
            tg.register_chat(chat)
        channels = [
            dc.add_channel(name=f"news-{i}") for i in range(spec.get("discord_channels", 0))
        ]
        hello = {
            "tg_token": tg.token,
            "tg_base_url": tg.base_url,
            "tg_base_file_url": tg.base_file_url,
            "dc_token": dc.token,
            "dc_api_url": dc.api_url,
            "dc_channels": channels,
        }
        print(json.dumps(hello), flush=True)
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            command = line.strip()
            if command == "dump":
                print(json.dumps(dump(tg, dc), default=str), flush=True)
            elif command in ("stop", ""):
                break


if __name__ == "__main__":
    asyncio.run(serve(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
