"""The bot's own words in English, Khmer and Japanese: gettext catalogues and CLDR (Babel).

``words(lang)`` gives one language's `Words`; ``pick_lang`` maps a channel's ``lang`` or an
admin's Telegram ``language_code`` / Discord ``locale`` to one of `LANGS`.
"""

from __future__ import annotations

from .words import LANGS, Words, pick_lang, words

__all__ = ["LANGS", "Words", "pick_lang", "words"]
