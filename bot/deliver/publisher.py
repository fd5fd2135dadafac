"""What every publisher offers: send one request to one channel, return the message ids."""

from __future__ import annotations

from typing import Protocol

from ..domain import Channel
from ..format.model import Request


class Publisher(Protocol):
    """Sends requests to one platform. Raises `DeliveryError` (and only that) on failure."""

    platform: str

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def send(self, channel: Channel, request: Request) -> list[str]:
        """Perform `request`; returns the platform ids of the messages it created or touched."""
        ...
