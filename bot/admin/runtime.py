"""Starts the admin command handlers of each platform that has a bot token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..app import App


class AdminHandle(Protocol):
    async def stop(self) -> None: ...


class _Nothing:
    async def stop(self) -> None:
        return None


async def start_admin(app: App) -> AdminHandle:
    """Placeholder until the command handlers are wired: nothing to start."""
    return _Nothing()
