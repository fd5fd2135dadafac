"""The bot's own words for the formatters, loaded when first needed: Babel and the gettext
catalogues are imported with the first message that is worded, not with the service (an idle
service stays a few MB lighter)."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..i18n.words import Words


def say(lang: str | None) -> Words:
    """The words of `lang` (``en``, ``km``, ``ja``; others fall back to English)."""
    from ..i18n import words

    return words(lang)


def labels() -> ModuleType:
    """`bot.i18n.labels`: the bot's own labels, to be worded with ``say(lang)._(...)``."""
    from ..i18n import labels as module

    return module
