"""The catalogues never fall behind the code: every message extracted from bot/ is in bot.pot
and translated in km and ja, with the placeholders and plural rules the code expects."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from bot.i18n import labels
from bot.i18n.catalogue import compile_po, locales_dir, placeholders, problem

from .support import halfwidth_kana, is_japanese, khmer_problems

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "bot" / "i18n" / "locales"
TRANSLATED = ("km", "ja")
Key = tuple[str, str | None]


def _make_i18n_recipe() -> str:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^i18n:.*?(?=^\S|\Z)", text, re.M | re.S)
    assert recipe, "the Makefile has no i18n target"
    return recipe.group(0)


def _key(message: Message) -> Key:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return (msgid, message.context)


def extracted() -> dict[Key, Message]:
    """What `make i18n` extracts, with the same mapping file and keywords."""
    recipe = _make_i18n_recipe()
    assert "-F bot/i18n/babel.cfg" in recipe
    keywords = dict(parse_keywords(re.findall(r"-k (\S+)", recipe)))
    with (ROOT / "bot/i18n/babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT / "bot", method_map, options_map, {**DEFAULT_KEYWORDS, **keywords}, ("TRANSLATORS:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return {_key(m): m for m in list(catalog)[1:]}


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def entries(catalog: Catalog) -> dict[Key, Message]:
    return {_key(m): m for m in list(catalog)[1:]}


@pytest.fixture(scope="module")
def code() -> dict[Key, Message]:
    return extracted()


def test_the_code_has_the_labels_announcements_and_reminders_use(code: dict[Key, Message]) -> None:
    wanted = {"Read on the website", "Event page", "Map", "Add to calendar", "When", "Where"}
    wanted |= {"Also in", "Starts", "Ends", "starting now", "already started", "Reminder", "Event"}
    assert wanted <= {msgid for msgid, _ in code}
    assert set(labels.ALL) <= {msgid for msgid, _ in code}
    assert ("in {num} day", None) in code and ("{name}", "language name") in code


def test_the_template_matches_the_code(code: dict[Key, Message]) -> None:
    template = entries(read(LOCALES / "bot.pot"))
    missing = sorted(set(code) - set(template), key=str)
    stale = sorted(set(template) - set(code), key=str)
    assert not missing, f"messages missing from bot.pot (run make i18n): {missing}"
    assert not stale, f"bot.pot has messages the code no longer uses (run make i18n): {stale}"
    for key, message in code.items():
        assert template[key].id == message.id, f"{key}: the plural differs; run make i18n"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str, code: dict[Key, Message]) -> None:
    catalog = read(LOCALES / lang / "LC_MESSAGES" / "bot.po", locale=lang)
    translated = entries(catalog)
    assert catalog.plural_forms == get_plural(lang).plural_forms  # CLDR's rule for the language
    assert not catalog.obsolete, f"{lang}: obsolete entries left in the catalogue"
    for key, source in code.items():
        assert key in translated, f"{lang}: {key} is missing (run make i18n, then translate it)"
        message = translated[key]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: {key} is not translated"
        assert len(strings) == get_plural(lang).num_plurals
        assert not message.fuzzy, f"{lang}: {key} is marked fuzzy"
        assert problem(message) is None, f"{lang}: {key}: {problem(message)}"
        assert message.id == source.id


def _texts(lang: str) -> list[str]:
    catalog = read(LOCALES / lang / "LC_MESSAGES" / "bot.po", locale=lang)
    out: list[str] = []
    for message in entries(catalog).values():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out.extend(s for s in strings if s)
    return out


def test_khmer_is_khmer_script_nfc_with_whole_clusters() -> None:
    for text in _texts("km"):
        assert khmer_problems(text) == [], text
        words = re.sub(r"\{\w+\}|[\s()]", "", text)
        assert all("\u1780" <= ch <= "\u17ff" for ch in words), f"not all Khmer script: {text!r}"


def test_japanese_is_japanese_nfc_without_halfwidth_kana() -> None:
    for text in _texts("ja"):
        assert unicodedata.normalize("NFC", text) == text
        assert not halfwidth_kana(text), text
        assert is_japanese(text) or placeholders(text), text


def test_the_catalogues_ship_with_the_package() -> None:
    assert (locales_dir() / "bot.pot").is_file()
    for lang in TRANSLATED:
        assert (locales_dir() / lang / "LC_MESSAGES" / "bot.po").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locales/*/LC_MESSAGES/*.po"' in pyproject


# --- compiling ---------------------------------------------------------------------------------


def _po(*messages: Message) -> io.BytesIO:
    catalog = Catalog(locale="ja")
    for message in messages:
        catalog[message.id] = message
    out = io.BytesIO()
    write_po(out, catalog)
    out.seek(0)
    return out


def test_compiled_in_memory_like_msgfmt() -> None:
    po = _po(
        Message("Map", "地図"),
        Message("Event", "イベント", flags=["fuzzy"]),
        Message(("in {num} day", "in {num} days"), ("あと{num}日",)),
    )
    t = compile_po(po, "ja")
    assert t.gettext("Map") == "地図"
    assert t.gettext("Event") == "Event"  # fuzzy entries are not used
    assert t.ngettext("in {num} day", "in {num} days", 3) == "あと{num}日"
    assert t.gettext("Never translated") == "Never translated"


def test_translations_with_wrong_placeholders_or_empty_forms_fall_back_to_english() -> None:
    po = _po(
        Message("{when} ({zone})", "{wann}({zone})"),
        Message(("in {num} hour", "in {num} hours"), ("",)),
        Message("Where", "場所{"),
        Message(("in {num} minute", "in {num} minutes"), ("",)),
    )
    t = compile_po(po, "ja")
    assert t.gettext("{when} ({zone})") == "{when} ({zone})"
    assert t.ngettext("in {num} hour", "in {num} hours", 1) == "in {num} hour"
    assert t.ngettext("in {num} hour", "in {num} hours", 2) == "in {num} hours"
    assert t.gettext("Where") == "Where"
    assert t.ngettext("in {num} minute", "in {num} minutes", 5) == "in {num} minutes"


def test_placeholders() -> None:
    assert placeholders("in {num} days") == {"num"}
    assert placeholders("{when}({zone})") == {"when", "zone"}
    assert placeholders("Map") == frozenset()
    assert placeholders("broken {") is None


@pytest.mark.parametrize("lang", TRANSLATED)
def test_nothing_shipped_is_left_out_when_compiled(lang: str) -> None:
    path = LOCALES / lang / "LC_MESSAGES" / "bot.po"
    with path.open("rb") as handle:
        compiled = compile_po(handle, lang)
    for message in list(read(path, locale=lang))[1:]:
        if isinstance(message.id, tuple):
            shown = compiled.ngettext(message.id[0], message.id[1], 5)
            assert shown == message.string[0]
        elif message.context:
            assert compiled.pgettext(message.context, message.id) == message.string
        else:
            assert compiled.gettext(message.id) == message.string
