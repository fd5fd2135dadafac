"""Small helpers for service-level tests."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path


async def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Poll until `condition()` is truthy; fail with a clear message after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


def write_post(
    path: Path, title: str, body: str, *, date: str = "2026-11-20", extra: str = ""
) -> Path:
    """Write a post the way editors do: a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(
        f"---\ntitle: '{title}'\ndate: '{date}'\n{extra}---\n\n{body}\n", encoding="utf-8"
    )
    os.replace(tmp, path)
    return path
