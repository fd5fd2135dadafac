"""The bot's own words in one language: catalogue messages, and dates, times, zones and
countdowns written by CLDR (Babel). Pure: no process locale, no global state, safe in threads.

Babel itself, its date and number modules, and CLDR's data for a language, are loaded on the
first date or number written, not at import: a service that only shows labels (or English
words) stays a few MB lighter.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache, cached_property
from typing import TYPE_CHECKING

from .catalogue import translations

if TYPE_CHECKING:
    from babel import Locale

LANGS = ("en", "km", "ja")

# The CLDR locale behind each language. English takes CLDR's Irish English: day before month,
# no comma after the weekday, a 24-hour clock ("Sat 5 Dec 2026, 18:00"), as the bot has always
# written English (en_GB would write "Sat, 5 Dec 2026"; en_US "Sat, Dec 5, 2026, 6:00 PM").
_CLDR = {"en": "en_IE", "km": "km", "ja": "ja"}
# Khmer prose writes Khmer digits (CLDR's native numbering system for km); Japanese writes
# Western digits, which is also CLDR's default for ja.
_NATIVE_DIGITS = {"km": "KHMER"}
# A weekday standing alone: English keeps its short "Sat"; elsewhere the full name (土曜日).
_WEEKDAY_PATTERN = {"en": "EEE"}
# CLDR separates some ranges with thin or narrow no-break spaces; chat apps render them
# unevenly, so they are written as ordinary spaces.
_SPACES = str.maketrans({"\u2009": " ", "\u202f": " "})
_SIMPLE_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")  # ja, ja-JP, zh_Hant_TW


def _digit_table(script: str) -> dict[int, int]:
    zero = ord(unicodedata.lookup(f"{script} DIGIT ZERO"))  # Unicode keeps digits contiguous
    return str.maketrans("0123456789", "".join(chr(zero + i) for i in range(10)))


def _base_lang(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    if simple := _SIMPLE_TAG.fullmatch(value.strip()):  # without importing Babel
        return simple[1].lower()
    from babel.core import parse_locale

    try:
        return parse_locale(value.strip().replace("-", "_"))[0].lower()
    except ValueError:
        return None


def pick_lang(wanted: str | None, default: str = "en") -> str:
    """The supported language for a tag: ``ja-JP`` → ``ja``, ``km_KH`` → ``km``, Discord's
    ``en-US``/``en-GB`` → ``en``; an unknown or empty tag gives `default`, then ``en``."""
    for candidate in (wanted, default):
        lang = _base_lang(candidate)
        if lang in LANGS:
            return lang
    return "en"


@dataclass(frozen=True)
class Words:
    """Everything the bot writes in one language (`lang` is one of `LANGS`; others fall back)."""

    lang: str
    _catalogue: gettext.NullTranslations = field(init=False, repr=False, compare=False)
    _digits: dict[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lang = pick_lang(self.lang)
        script = _NATIVE_DIGITS.get(lang)
        object.__setattr__(self, "lang", lang)
        object.__setattr__(self, "_catalogue", translations(lang))
        object.__setattr__(self, "_digits", _digit_table(script) if script else {})

    @cached_property
    def _locale(self) -> Locale:
        """CLDR's locale of the language, parsed when first written with."""
        from babel import Locale

        return Locale.parse(_CLDR[self.lang])

    # --- catalogue ------------------------------------------------------------------------

    def _(self, message: str) -> str:
        """`message` in this language; the English text where the catalogue lacks it."""
        return self._catalogue.gettext(message)

    def n_(self, singular: str, plural: str, n: int) -> str:
        """The form of a counted message that `n` takes, by the language's CLDR plural rule."""
        return self._catalogue.ngettext(singular, plural, n)

    def _fill(self, message: str, **values: object) -> str:
        # The catalogue keeps only translations whose placeholders match their msgid.
        return message.format(**values)

    def _text(self, cldr: str) -> str:
        return cldr.translate(_SPACES).translate(self._digits)

    def number(self, n: int) -> str:
        """`n` with this language's digits and grouping."""
        from babel.numbers import format_decimal

        return self._text(format_decimal(n, locale=self._locale))

    # --- dates and times ------------------------------------------------------------------

    def date(self, moment: datetime) -> str:
        """Weekday and date in `moment`'s own zone: ``Sat 5 Dec 2026``, ``2026年12月5日(土)``."""
        from babel.dates import format_skeleton

        return self._text(format_skeleton("yMMMEd", moment, moment.tzinfo, locale=self._locale))

    def time(self, moment: datetime) -> str:
        """``18:00``: the 24-hour clock, as events in Japan are announced in every language."""
        from babel.dates import format_skeleton

        return self._text(format_skeleton("Hm", moment, moment.tzinfo, locale=self._locale))

    def weekday(self, moment: datetime) -> str:
        """The day's name in `moment`'s own zone: ``Sat``, ``土曜日``, ``សៅរ៍``."""
        from babel.dates import format_datetime

        pattern = _WEEKDAY_PATTERN.get(self.lang, "EEEE")
        return self._text(format_datetime(moment, pattern, moment.tzinfo, locale=self._locale))

    def zone_name(self, moment: datetime) -> str:
        """The zone of `moment`: its abbreviation in English (``JST``, ``CEST``), its localized
        name elsewhere (``日本時間``); the abbreviation or offset where CLDR names no zone."""
        from babel.core import get_global
        from babel.dates import get_timezone_name

        abbreviation = moment.tzname() or moment.strftime("%z")
        key = getattr(moment.tzinfo, "key", None)
        if self.lang == "en" or key is None or get_global("meta_zones").get(key) is None:
            return self._text(abbreviation)
        return self._text(get_timezone_name(moment.tzinfo, "long", locale=self._locale))

    def _at(self, moment: datetime) -> str:
        joined: str = self._locale.datetime_formats["medium"]
        return joined.format(self.time(moment), self.date(moment))

    def when(self, start: datetime, end: datetime | None, tz: tzinfo) -> str:
        """``Sat 5 Dec 2026, 18:00–21:00 (JST)`` in `tz`; an end on another day in full."""
        from babel.dates import format_interval

        local = start.astimezone(tz)
        text = self._at(local)
        if end is not None and end.astimezone(UTC) > start.astimezone(UTC):
            until = end.astimezone(tz)
            if until.date() == local.date():
                hours = format_interval(local, until, "Hm", tzinfo=tz, locale=self._locale)
                joined: str = self._locale.datetime_formats["medium"]
                text = joined.format(self._text(hours), self.date(local))
            else:
                fallback: str = self._locale.interval_formats[None]
                text = self._text(fallback.format(text, self._at(until)))
        # TRANSLATORS: an event's date and time, then its time zone's name (JST, 日本時間).
        return self._fill(self._("{when} ({zone})"), when=text, zone=self.zone_name(local))

    def countdown(self, start: datetime, now: datetime, tz: tzinfo) -> str:
        """``in 2 hours``, ``in 1 day``, ``in 7 days``; ``starting now``; ``already started``.

        Under a day it counts real time; from about a day on it counts calendar days on the local
        clock, so a reminder sent at the same time the day before says "in 1 day" even across a
        daylight-saving change.
        """
        left = start.astimezone(UTC) - now.astimezone(UTC)
        if left <= timedelta(0):
            # TRANSLATORS: a countdown in a reminder, after the event's date and time.
            return self._("already started")
        minutes = int(left / timedelta(minutes=1) + 0.5)
        if minutes < 1:
            # TRANSLATORS: a countdown in a reminder: the event starts within the minute.
            return self._("starting now")
        if minutes < 60:
            # TRANSLATORS: a countdown in a reminder; {num} is written in the language's digits.
            message = self.n_("in {num} minute", "in {num} minutes", minutes)
            return self._fill(message, num=self.number(minutes))
        hours = int(left / timedelta(hours=1) + 0.5)
        if hours < 23:
            # TRANSLATORS: a countdown in a reminder; {num} is written in the language's digits.
            message = self.n_("in {num} hour", "in {num} hours", hours)
            return self._fill(message, num=self.number(hours))
        wall = start.astimezone(tz).replace(tzinfo=None) - now.astimezone(tz).replace(tzinfo=None)
        days = max(1, int(wall / timedelta(days=1) + 0.5))
        # TRANSLATORS: a countdown in a reminder, in calendar days on the association's clock.
        message = self.n_("in {num} day", "in {num} days", days)
        return self._fill(message, num=self.number(days))

    def language_name(self, lang: str) -> str:
        """The name of language `lang` in this language: ``Khmer``, ``ភាសាខ្មែរ``, ``クメール語``."""
        from babel import Locale

        code = _base_lang(lang) or lang
        name = self._locale.languages.get(code) or Locale.parse("en").languages.get(code, lang)
        # TRANSLATORS: a language's name standing alone ({name} is CLDR's), as in a list of
        # the languages a post is also available in.
        return self._fill(self._catalogue.pgettext("language name", "{name}"), name=name)


@cache
def _cached(lang: str) -> Words:
    return Words(lang)


def words(lang: str | None) -> Words:
    """The `Words` of a language tag (``ja-JP`` works too), one instance per language."""
    return _cached(pick_lang(lang))
