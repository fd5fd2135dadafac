"""Versions of one announcement in several languages, and posts without a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain import Channel, pick_version
from bot.errors import ContentError
from bot.ingest.loader import check_duplicates, load_all
from bot.ingest.parse import ParseContext

from .test_parse import CTX, TOKYO, front, parse


def test_a_version_in_another_language_is_keyed_by_slug_and_language() -> None:
    en = parse(front("title: Party", "date: 2026-11-20", "slug: party"))
    km = parse(front("title: ពិធី", "date: 2026-11-20", "slug: party", "lang: km"), "p/km.md")
    ja = parse(front("title: 忘年会", "date: 2026-11-20", "slug: party", "lang: ja-JP"), "p/ja.md")
    assert (en.key, km.key, ja.key) == ("party", "party@km", "party@ja")
    assert {p.shared_slug for p in (en, km, ja)} == {"party"}
    assert ja.lang == "ja"
    same = parse(front("title: Party", "date: 2026-11-20", "slug: party", "lang: en"), "p/en.md")
    assert same.key == "party"  # the default language keeps the bare slug


def test_the_default_language_is_configurable() -> None:
    ctx = ParseContext(tz=TOKYO, default_lang="km")
    km = parse(front("title: ពិធី", "date: 2026-11-20", "slug: party", "lang: km"), ctx=ctx)
    en = parse(front("title: Party", "date: 2026-11-20", "slug: party", "lang: en"), ctx=ctx)
    assert (km.key, en.key) == ("party", "party@en")


def test_a_slug_cannot_hold_the_version_mark() -> None:
    post = parse(front("title: A", "date: 2026-11-20", "slug: 'a@b'"))
    assert post.key == "a-b"


def test_a_bad_language_is_refused() -> None:
    with pytest.raises(ContentError, match="`lang` 'English please'"):
        parse(front("title: A", "date: 2026-11-20", "lang: English please"))


def test_same_slug_is_an_error_only_in_the_same_language(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(front("title: A", "date: 2026-11-20", "slug: party"))
    (tmp_path / "b.md").write_text(front("title: B", "date: 2026-11-20", "slug: party",
                                         "lang: km"))  # fmt: skip
    (tmp_path / "c.md").write_text(front("title: C", "date: 2026-11-20", "slug: party",
                                         "lang: km"))  # fmt: skip
    loaded = load_all([tmp_path], tmp_path, CTX, 100_000)
    assert sorted(p.key for p in loaded.posts) == ["party", "party@km"]
    [error] = loaded.errors
    assert str(error) == "c.md: slug 'party' in km is already used by b.md"
    assert check_duplicates(loaded.posts).errors == []


def test_posts_without_a_page() -> None:
    press = parse("“A headline”\n\nPhnom Penh, 30 October 2023\n\nText.", "press/a.md")
    assert press.page is False  # a press text has no page on the website
    assert parse(front("title: A", "date: 2026-11-20", "page: false")).page is False
    assert parse(front("title: A", "date: 2026-11-20")).page is True
    ctx = ParseContext(tz=TOKYO, no_pages=("notices", "/press/"))
    assert parse(front("title: A", "date: 2026-11-20"), "notices/a.md", ctx).page is False
    assert parse(front("title: A", "date: 2026-11-20"), "press/x/a.md", ctx).page is False
    assert parse(front("title: A", "date: 2026-11-20"), "noticeboard/a.md", ctx).page is True
    with pytest.raises(ContentError, match="`page` must be true or false"):
        parse(front("title: A", "date: 2026-11-20", "page: maybe"))


def test_a_channel_gets_its_language_else_the_default_else_one() -> None:
    en = parse(front("title: Party", "date: 2026-11-20", "slug: party"))
    km = parse(front("title: ពិធី", "date: 2026-11-20", "slug: party", "lang: km"), "km.md")
    ja = parse(front("title: 忘年会", "date: 2026-11-20", "slug: party", "lang: ja"), "ja.md")
    assert pick_version([en, km, ja], "km", "en") is km
    assert pick_version([en, km], "ja", "en") is en
    assert pick_version([km], "ja", "en") is km
    assert pick_version([ja, km], "en", "en") is ja  # several, none fits: the first by key
    assert Channel("c", "telegram").lang == "en"
