"""Words in English, Khmer and Japanese: CLDR dates, times, zones, countdowns and fallbacks."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from babel import Locale

from bot.i18n import LANGS, Words, pick_lang, words
from bot.i18n.labels import ALL as LABELS

from .support import khmer_problems

TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 12, 5, 18, 0, tzinfo=TOKYO)  # a Saturday
KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"


@pytest.mark.parametrize(
    ("wanted", "lang"),
    [
        ("ja-JP", "ja"),
        ("ja", "ja"),
        ("km_KH", "km"),
        ("km-KH", "km"),
        ("KM", "km"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("en", "en"),
        ("ja_JP.UTF-8", "ja"),
        ("fr", "en"),
        ("zh-TW", "en"),
        ("", "en"),
        (None, "en"),
        ("not a language!", "en"),
    ],
)
def test_pick_lang(wanted: str | None, lang: str) -> None:
    assert pick_lang(wanted) == lang


def test_pick_lang_falls_back_to_the_default_then_english() -> None:
    assert pick_lang("fr", default="km") == "km"
    assert pick_lang(None, default="ja-JP") == "ja"
    assert pick_lang("fr", default="de") == "en"
    assert pick_lang("ja", default="km") == "ja"


def test_words_are_cached_per_language_and_frozen() -> None:
    assert words("ja-JP") is words("ja")
    assert words("fr").lang == "en"
    assert Words("km") == words("km")
    assert Words("xx").lang == "en"
    with pytest.raises(FrozenInstanceError):
        words("km").lang = "ja"  # type: ignore[misc]


# --- dates ---------------------------------------------------------------------------------------


def test_dates_by_cldr() -> None:
    assert words("en").date(START) == "Sat 5 Dec 2026"
    assert words("ja").date(START) == "2026年12月5日(土)"
    assert words("km").date(START) == "សៅរ៍ ៥ ធ្នូ ២០២៦"


def test_a_date_is_read_in_the_moments_own_zone() -> None:
    late = datetime(2026, 12, 5, 23, 30, tzinfo=TOKYO)
    assert words("ja").date(late.astimezone(UTC)) == "2026年12月5日(土)"  # 14:30 UTC
    assert words("ja").date(late) == "2026年12月5日(土)"
    assert words("en").date(late.astimezone(ZoneInfo("America/Los_Angeles"))) == "Sat 5 Dec 2026"
    assert words("en").date(datetime(2026, 12, 6, 1, 0, tzinfo=TOKYO)) == "Sun 6 Dec 2026"


@pytest.mark.parametrize("month", range(1, 13))
def test_khmer_months_are_in_khmer_script_with_khmer_digits(month: int) -> None:
    moment = datetime(2026, month, 28, 9, 0, tzinfo=TOKYO)
    text = words("km").date(moment)
    month_name = Locale.parse("km").months["format"]["abbreviated"][month]
    assert month_name in text
    assert text.endswith(" ២៨ " + month_name + " ២០២៦")
    assert all("\u1780" <= ch <= "\u17ff" or ch == " " for ch in text), text
    assert not any(ch.isascii() and ch.isdigit() for ch in text)
    assert khmer_problems(text) == []


def test_japanese_order_is_year_month_day_weekday() -> None:
    for day, weekday in [(1, "火"), (6, "日"), (31, "木")]:
        moment = datetime(2026, 12, day, 9, 0, tzinfo=TOKYO)
        assert words("ja").date(moment) == f"2026年12月{day}日({weekday})"


def test_weekdays() -> None:
    assert words("en").weekday(START) == "Sat"
    assert words("ja").weekday(START) == "土曜日"
    assert words("km").weekday(START) == "សៅរ៍"
    names = {words("ja").weekday(START + timedelta(days=i)) for i in range(7)}
    assert len(names) == 7 and all(n.endswith("曜日") for n in names)


def test_times_on_the_24_hour_clock() -> None:
    morning = datetime(2026, 12, 5, 9, 5, tzinfo=TOKYO)
    assert [words(lang).time(START) for lang in LANGS] == ["18:00", "១៨:០០", "18:00"]
    assert words("en").time(morning) == "09:05"
    assert words("ja").time(morning) == "9:05"
    assert words("km").time(morning) == "០៩:០៥"


# --- when ----------------------------------------------------------------------------------------


def test_when_in_english_is_what_the_bot_always_wrote() -> None:
    en = words("en")
    assert en.when(START, None, TOKYO) == "Sat 5 Dec 2026, 18:00 (JST)"
    assert en.when(START, START + timedelta(hours=3), TOKYO) == "Sat 5 Dec 2026, 18:00–21:00 (JST)"
    assert (
        en.when(START, START + timedelta(hours=8), TOKYO)
        == "Sat 5 Dec 2026, 18:00 – Sun 6 Dec 2026, 02:00 (JST)"
    )
    summer = datetime(2026, 7, 14, 21, 0, tzinfo=PARIS)
    assert en.when(summer, None, PARIS) == "Tue 14 Jul 2026, 21:00 (CEST)"


def test_when_in_japanese() -> None:
    ja = words("ja")
    assert ja.when(START, None, TOKYO) == "2026年12月5日(土) 18:00(日本時間)"
    same_day = ja.when(START, START + timedelta(hours=3), TOKYO)
    assert same_day == "2026年12月5日(土) 18時00分～21時00分(日本時間)"  # CLDR's interval
    assert (
        ja.when(START, START + timedelta(hours=8), TOKYO)
        == "2026年12月5日(土) 18:00～2026年12月6日(日) 2:00(日本時間)"
    )


def test_when_in_khmer() -> None:
    km = words("km")
    zone = "ម៉ោង\u200bនៅ\u200bជប៉ុន"  # CLDR's "Japan Time", with its zero-width spaces
    assert km.when(START, None, TOKYO) == f"សៅរ៍ ៥ ធ្នូ ២០២៦, ១៨:០០ ({zone})"
    assert km.when(START, START + timedelta(hours=3), TOKYO) == (
        f"សៅរ៍ ៥ ធ្នូ ២០២៦, ១៨:០០ – ២១:០០ ({zone})"
    )
    other_day = km.when(START, START + timedelta(hours=8), TOKYO)
    assert other_day == f"សៅរ៍ ៥ ធ្នូ ២០២៦, ១៨:០០ - អាទិត្យ ៦ ធ្នូ ២០២៦, ០២:០០ ({zone})"
    assert khmer_problems(other_day) == []


def test_when_uses_the_given_zone() -> None:
    utc_start = START.astimezone(UTC)
    for lang in LANGS:
        assert words(lang).when(utc_start, None, TOKYO) == words(lang).when(START, None, TOKYO)
    assert words("ja").when(START, None, PARIS) == "2026年12月5日(土) 10:00(中央ヨーロッパ時間)"


def test_an_end_before_the_start_is_left_out() -> None:
    for lang in LANGS:
        w = words(lang)
        assert w.when(START, START - timedelta(hours=1), TOKYO) == w.when(START, None, TOKYO)
        assert w.when(START, START, TOKYO) == w.when(START, None, TOKYO)


def test_zone_names() -> None:
    assert words("en").zone_name(START) == "JST"
    assert words("ja").zone_name(START) == "日本時間"
    assert words("km").zone_name(START) == "ម៉ោង\u200bនៅ\u200bជប៉ុន"
    utc = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
    fixed = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=9)))
    assert [words(lang).zone_name(utc) for lang in LANGS] == ["UTC", "UTC", "UTC"]
    assert words("ja").zone_name(fixed) == "UTC+09:00"
    assert words("km").zone_name(fixed) == "UTC+០៩:០០"


# --- countdowns ----------------------------------------------------------------------------------

COUNTDOWNS = [
    (timedelta(days=7), "in 7 days", "៧ ថ្ងៃទៀត", "あと7日"),
    (timedelta(days=1), "in 1 day", "១ ថ្ងៃទៀត", "あと1日"),
    (timedelta(days=1, hours=20), "in 2 days", "២ ថ្ងៃទៀត", "あと2日"),
    (timedelta(hours=20), "in 20 hours", "២០ ម៉ោងទៀត", "あと20時間"),
    (timedelta(hours=2), "in 2 hours", "២ ម៉ោងទៀត", "あと2時間"),
    (timedelta(hours=1), "in 1 hour", "១ ម៉ោងទៀត", "あと1時間"),
    (timedelta(minutes=30), "in 30 minutes", "៣០ នាទីទៀត", "あと30分"),
    (timedelta(minutes=1), "in 1 minute", "១ នាទីទៀត", "あと1分"),
    (timedelta(seconds=20), "starting now", "កំពុងចាប់ផ្ដើម", "まもなく始まります"),
    (timedelta(0), "already started", "បានចាប់ផ្ដើមហើយ", "すでに始まっています"),
    (-timedelta(hours=1), "already started", "បានចាប់ផ្ដើមហើយ", "すでに始まっています"),
]


@pytest.mark.parametrize(("left", "en", "km", "ja"), COUNTDOWNS)
def test_countdown(left: timedelta, en: str, km: str, ja: str) -> None:
    now = START - left
    assert [words(lang).countdown(START, now, TOKYO) for lang in ("en", "km", "ja")] == [en, km, ja]
    assert khmer_problems(km) == []


def test_countdown_plurals_follow_each_languages_rule() -> None:
    # English has a singular and a plural; Khmer and Japanese (CLDR: "other" only) have one form
    en, km, ja = words("en"), words("km"), words("ja")
    assert en.n_("in {num} day", "in {num} days", 1) == "in {num} day"
    assert en.n_("in {num} day", "in {num} days", 0) == "in {num} days"
    assert en.n_("in {num} day", "in {num} days", 21) == "in {num} days"
    for n in (0, 1, 2, 21, 101):
        assert km.n_("in {num} day", "in {num} days", n) == "{num} ថ្ងៃទៀត"
        assert ja.n_("in {num} day", "in {num} days", n) == "あと{num}日"


def test_countdown_counts_calendar_days_across_dst_in_every_language() -> None:
    start = datetime(2026, 3, 29, 19, 0, tzinfo=PARIS)
    day_before = datetime(2026, 3, 28, 19, 0, tzinfo=PARIS)  # 23 real hours earlier
    assert [words(lang).countdown(start, day_before, PARIS) for lang in LANGS] == [
        "in 1 day",
        "១ ថ្ងៃទៀត",
        "あと1日",
    ]


def test_numbers_use_the_languages_digits() -> None:
    assert words("en").number(1234) == "1,234"
    assert words("ja").number(1234) == "1,234"
    assert words("km").number(1234) == "១,២៣៤"
    assert set(words("km").number(9876543210)) <= set(KHMER_DIGITS) | {","}


# --- messages and fallbacks ----------------------------------------------------------------------


def test_labels_are_translated() -> None:
    assert words("ja")._("Read on the website") == "ウェブサイトで読む"
    assert words("km")._("Read on the website") == "អាននៅលើគេហទំព័រ"
    assert words("en")._("Read on the website") == "Read on the website"
    for label in LABELS:
        assert words("ja")._(label) != label
        km = words("km")._(label)
        assert km != label and khmer_problems(km) == []


def test_a_message_missing_from_the_catalogue_is_shown_in_english() -> None:
    for lang in LANGS:
        assert words(lang)._("Brand-new label") == "Brand-new label"
        assert words(lang).n_("{num} new thing", "{num} new things", 1) == "{num} new thing"
    assert words("km").n_("{num} new thing", "{num} new things", 2) == "{num} new things"


def test_an_unknown_language_gets_english() -> None:
    assert words("fr").date(START) == "Sat 5 Dec 2026"
    assert words("de-DE").countdown(START, START - timedelta(hours=2), TOKYO) == "in 2 hours"
    assert words(None)._("Map") == "Map"


def test_language_names() -> None:
    assert words("km").language_name("km") == "ភាសាខ្មែរ"
    assert words("en").language_name("km") == "Khmer"
    assert words("ja").language_name("km") == "クメール語"
    assert [words("km").language_name(x) for x in ("en", "ja")] == ["ភាសាអង់គ្លេស", "ភាសាជប៉ុន"]
    assert [words("ja").language_name(x) for x in ("en", "ja-JP")] == ["英語", "日本語"]
    assert words("en").language_name("zz-unknown") == "zz-unknown"
    for name in (words("km").language_name(x) for x in LANGS):
        assert khmer_problems(name) == [] and unicodedata.is_normalized("NFC", name)


def test_words_can_be_used_from_many_threads() -> None:
    moments = [START + timedelta(hours=h) for h in range(48)]

    def say(args: tuple[str, datetime]) -> str:
        lang, moment = args
        w = words(lang)
        return f"{w.when(moment, None, PARIS)} {w.countdown(moment, START, TOKYO)}"

    work = [(lang, m) for m in moments for lang in LANGS]
    expected = [say(job) for job in work]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(say, work * 4)) == expected * 4


# --- the checker itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "broken",
    [
        "\u17b6ក",  # a vowel sign with nothing before it
        "ក \u17b6",  # after a space
        "\u25ccា",  # a dotted circle
        "ក\u17b6\u17d2ម",  # a subscript written after the vowel
        "ម\u17c4\u17c9ង",  # the register shifter after the vowel (ម៉ោង written backwards)
        "ក\u17d2",  # a coeng with nothing under it
        "ក\u17c6\u17b6",  # a sign before the vowel
        "ក\u200b\u17b7",  # a mark after a zero-width space
    ],
)
def test_the_khmer_checker_finds_broken_clusters(broken: str) -> None:
    assert khmer_problems(broken)


def test_the_khmer_checker_accepts_well_formed_text() -> None:
    for text in ("ម៉ោង", "ព្រឹត្តិការណ៍", "បញ្ចូលទៅក្នុងប្រតិទិន", "កុំ", "ស្ត្រី", "ធម៌"):
        assert khmer_problems(text) == [], text
