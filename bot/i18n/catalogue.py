"""Gettext catalogues kept as ``.po`` files in the package, compiled in memory when first used.

The ``.po`` files are the only form kept: reading one with Babel and writing its ``.mo`` into a
buffer takes a few milliseconds once per language, so there is no build step and no compiled
file that could fall behind its source. English is the source language and has no catalogue.
"""

from __future__ import annotations

import gettext
import io
import logging
import string
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

DOMAIN = "bot"
SOURCE_LANG = "en"
log = logging.getLogger(__name__)


def locales_dir() -> Traversable:
    """Where ``bot.pot`` and ``<lang>/LC_MESSAGES/bot.po`` live (package data)."""
    return resources.files(__package__ or "bot.i18n") / "locales"


def po_file(lang: str) -> Traversable:
    return locales_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang`; the source text itself where there is none.

    A catalogue that cannot be read is logged and replaced by the English source text: words
    must never stop a message.
    """
    if lang == SOURCE_LANG:
        return gettext.NullTranslations()
    try:
        with po_file(lang).open("rb") as handle:
            return compile_po(handle, lang)
    except (OSError, ValueError) as exc:
        log.warning("the %s catalogue cannot be read (%s): English words are used", lang, exc)
        return gettext.NullTranslations()


def compile_po(handle: IO[bytes], lang: str) -> gettext.GNUTranslations:
    """A ``.po`` file compiled in memory, as msgfmt would compile it.

    Fuzzy entries are left out, as msgfmt leaves them out, and so are entries with an empty
    plural form or placeholders other than their msgid's: those show the English text.
    """
    from babel.messages.mofile import write_mo  # only where a catalogue is used
    from babel.messages.pofile import read_po

    catalog = read_po(handle, locale=lang, domain=DOMAIN)
    _drop_unusable(catalog, lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def placeholders(text: str) -> frozenset[str] | None:
    """The ``{name}`` fields of `text`; None when its braces do not parse."""
    try:
        fields = string.Formatter().parse(text)
        return frozenset(name for _, name, _, _ in fields if name is not None)
    except ValueError:
        return None


def problem(message: Message) -> str | None:
    """Why a translated entry cannot be used, or None when it can."""
    ids = _texts(message.id)
    strings = _texts(message.string)
    if not any(strings):
        return None  # untranslated: gettext shows the English text by itself
    if not all(strings):
        return "a plural form is empty"
    wanted = placeholders(ids[-1])
    if any(placeholders(s) != wanted for s in strings):
        return f"placeholders differ from the msgid's {sorted(wanted or ())}"
    return None


def _texts(value: object) -> tuple[str, ...]:
    """A message's id or string as a tuple: one item, or one per plural form."""
    if isinstance(value, tuple | list):
        return tuple(str(v) for v in value)
    return (value,) if isinstance(value, str) else ("",)


def _drop_unusable(catalog: Catalog, lang: str) -> None:
    for message in list(catalog)[1:]:
        strings = _texts(message.string)
        if (why := problem(message)) is not None:
            log.warning("%s catalogue: %r left out: %s", lang, message.id, why)
        elif any(strings):
            continue
        # untranslated too: write_mo would give a plural entry the English singular for every n
        catalog.delete(message.id, context=message.context)
