"""The publishers: a real one for each platform that has a token (or webhook URLs), the console
(a dry run that prints) for the others. The platform libraries are imported only when used."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .publisher import Publisher

if TYPE_CHECKING:
    from rich.console import Console


def publishers_for(
    *,
    dry_run: bool,
    telegram_token: str | None,
    telegram_api: str,
    discord_token: str | None,
    discord_api: str,
    webhooks: Mapping[str, str],
    timeout: float,
    console: Console | None = None,
) -> dict[str, Publisher]:
    if dry_run:
        return {p: _console(p, console) for p in ("telegram", "discord")}
    publishers: dict[str, Publisher] = {}
    if telegram_token is not None:
        from .telegram import TelegramPublisher, make_bot

        publishers["telegram"] = TelegramPublisher(make_bot(telegram_token, telegram_api, timeout))
    else:
        publishers["telegram"] = _console("telegram", console)
    from .discord import DiscordPublisher, make_client, point_at

    point_at(discord_api)
    if discord_token is not None or webhooks:
        publishers["discord"] = DiscordPublisher(
            make_client(), discord_token, dict(webhooks), timeout=timeout
        )
    else:
        publishers["discord"] = _console("discord", console)
    return publishers


def _console(platform: str, console: Console | None) -> Publisher:
    from .console import ConsolePublisher  # rich only where something is printed

    return ConsolePublisher(platform, console)
