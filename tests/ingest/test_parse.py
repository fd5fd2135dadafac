"""Post files → `Post`: the two real samples, frontmatter fields, and every refusal."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.errors import ContentError
from bot.ingest.parse import ParseContext, clean_body, parse_post

TOKYO = ZoneInfo("Asia/Tokyo")
CTX = ParseContext(tz=TOKYO, publish_hour=9)
MTIME = datetime(2023, 10, 30, 3, 15, tzinfo=UTC)  # 12:15 in Tokyo
CONTENT = Path(__file__).resolve().parents[2] / "content"
ARTICLE = "posts/2023-01-23-70th-anniversary.md"
PRESS = "press/2023-10-30-japan-supports-cambodia.md"


def parse(text: str | bytes, source: str = "posts/sample.md", ctx: ParseContext = CTX):
    raw = text.encode() if isinstance(text, str) else text
    return parse_post(raw, source, mtime=MTIME, ctx=ctx)


def refusal(raw: bytes, source: str = "posts/broken.md") -> ContentError:
    with pytest.raises(ContentError) as info:
        parse_post(raw, source, mtime=MTIME, ctx=CTX)
    err = info.value
    assert err.source == source
    assert str(err).startswith(f"{source}: ")
    assert err.reason and err.reason in str(err)
    return err


def front(*lines: str, body: str = "Body text.") -> str:
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


# --- the two samples -------------------------------------------------------------------------


def test_article_sample() -> None:
    raw = (CONTENT / ARTICLE).read_bytes()
    post = parse_post(raw, ARTICLE, mtime=MTIME, ctx=CTX)

    assert post.title == "70th Anniversary of the Diplomatic Relations between Cambodia and Japan"
    assert post.date == datetime(2023, 1, 23, 9, 0, tzinfo=TOKYO)
    assert post.date.utcoffset() == timedelta(hours=9)
    assert post.images == ("/images/posts/230123-1-1.jpeg", "/images/posts/230123-1-2.jpeg")
    assert post.abstract is not None
    assert post.abstract.startswith("On the evening of January 23rd, 2023, with the warmest")
    assert post.abstract.endswith("(1953-2023)”.")
    assert post.key == "2023-01-23-70th-anniversary"
    assert post.source == ARTICLE
    assert post.has_frontmatter
    assert post.warnings == ()
    assert post.digest == hashlib.sha256(raw).hexdigest()
    assert post.publish_at is None and post.event is None and post.channels is None
    assert post.due_at == post.date
    # the three paragraphs keep their text, without the full-width indentation
    assert "\u3000" not in post.body
    paragraphs = post.body.split("\n\n")
    assert [p[:16] for p in paragraphs] == [
        "On the evening o",
        "Through the keyn",
        "On this special ",
    ]
    assert post.body.endswith("for an endless end.")
    assert all(line == line.rstrip() for line in post.body.split("\n"))


def test_press_text_without_frontmatter() -> None:
    raw = (CONTENT / PRESS).read_bytes()
    post = parse_post(raw, PRESS, mtime=MTIME, ctx=CTX)

    assert post.title == "Japan to continue supporting Cambodia’s long-term development"
    # the dateline at the end, at the publish hour in the association's zone, not the mtime
    assert post.date == datetime(2023, 10, 30, 9, 0, tzinfo=TOKYO)
    assert post.date.tzinfo == TOKYO
    assert not post.has_frontmatter
    assert post.warnings == (
        "no frontmatter: title taken from the quoted headline, "
        "date from the dateline 'Phnom Penh, 30 October 2023'",
    )
    assert post.images == () and post.abstract is None and post.tags == ()
    assert post.key == "2023-10-30-japan-supports-cambodia"
    assert post.body.startswith("**KINGDOM OF CAMBODIA\nNATION RELIGION KING**")
    assert post.body.endswith("Phnom Penh, 30 October 2023")
    assert "Her Excellency **KAMIKAWA** extended" in post.body


def test_press_headline_is_not_repeated_in_the_body() -> None:
    post = parse_post((CONTENT / PRESS).read_bytes(), PRESS, mtime=MTIME, ctx=CTX)
    assert "Japan to continue supporting" not in post.body
    assert "PRESS RELEASE\n\nOn 30 October 2023, His Excellency" in post.body
    assert "\n\n\n" not in post.body


def test_press_paragraph_cut_by_a_page_break_is_joined() -> None:
    post = parse_post((CONTENT / PRESS).read_bytes(), PRESS, mtime=MTIME, ctx=CTX)
    assert (
        "Her Excellency Minister KAMIKAWA reaffirmed the Japanese government's steadfast"
        in post.body
    )
    paragraphs = post.body.split("\n\n")
    assert not any(p.startswith("reaffirmed") for p in paragraphs)
    # the letterhead (2), the department, "PRESS RELEASE", 7 paragraphs and the dateline
    assert len(paragraphs) == 12


def test_press_text_date_from_the_mtime_when_the_text_has_none() -> None:
    raw = "“A headline”\n\nOn 30 October 2023 the ministers met.\n".encode()
    other = datetime(2024, 2, 29, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    post = parse_post(raw, "press/undated.md", mtime=other, ctx=CTX)
    assert post.date == other
    assert post.date.tzinfo == TOKYO
    assert (post.date.month, post.date.day, post.date.hour) == (3, 1, 13)
    assert post.warnings == (
        "no frontmatter: title taken from the quoted headline, "
        "date from the file's modification time",
    )


@pytest.mark.parametrize(
    "dateline",
    [
        "Phnom Penh, 30 October 2023",
        "30 October 2023",
        "October 30, 2023",
        "Tokyo, Oct. 30, 2023",
        "30th October 2023.",
        "2023-10-30",
        "2023年10月30日",
        "東京、2023年10月30日（月）",
        "**Phnom Penh, 30 Oct 2023**",
        "រាជធានីភ្នំពេញ ថ្ងៃទី៣០ ខែតុលា ឆ្នាំ២០២៣",
    ],
)
def test_press_text_date_from_a_dateline_at_the_end(dateline: str) -> None:
    text = f"# Release\n\nThe ministers met on 1 May 2020.\n\nMore text.\n\n{dateline}\n"
    post = parse(text, "press/dated.md", ctx=ParseContext(tz=TOKYO, publish_hour=7))
    assert post.date == datetime(2023, 10, 30, 7, 0, tzinfo=TOKYO)
    assert "date from the dateline" in post.warnings[0]


def test_press_text_date_from_a_dateline_at_the_beginning() -> None:
    letterhead = parse("2023年10月30日\n\n**お知らせ**\n\n本文です。\n", "press/ja.md")
    assert letterhead.date == datetime(2023, 10, 30, 9, 0, tzinfo=TOKYO)
    assert letterhead.title == "お知らせ"
    news = "# Head\n\nTOKYO, 30 October 2023 — The association met today.\n\nEnd.\n"
    assert parse(news, "press/news.md").date == datetime(2023, 10, 30, 9, 0, tzinfo=TOKYO)


def test_press_text_dates_inside_sentences_or_far_from_the_ends_are_not_datelines() -> None:
    middle = "\n\n".join(f"Paragraph {i}." for i in range(30))
    texts = [
        "# T\n\nOn 30 October 2023, the ministers met.\n",
        "# T\n\nThe summit is on 16 December 2023 in Tokyo.\n",
        f"# T\n\n{middle}\n\n30 October 2023\n\n{middle}\n",
        "# T\n\n31 February 2023\n",  # no such day
        "# T\n\nPhnom Penh, 30 Brumaire 2023\n",  # no such month
    ]
    for text in texts:
        post = parse(text, "press/x.md")
        assert post.date == MTIME, text
        assert "modification time" in post.warnings[0]


def test_press_paragraphs_are_joined_only_mid_sentence() -> None:
    text = (
        "# T\n\n"
        "The minister said that\n\n\n\nthe talks went well.\n\n"  # joined
        "A complete sentence.\n\nnext starts lowercase after a full stop.\n\n"  # kept apart
        "Title Case Line\n\nUpper start stays.\n\n"  # kept apart
        "- a list item\n\ncontinues lowercase\n\n"  # a list: kept apart
        "Contact:\n\nthe secretariat.\n\n"  # a colon ends the sentence
        "ការប្រជុំបានធ្វើឡើងនៅ\n\nទីក្រុងតូក្យូ\n\n"  # Khmer has no case: kept apart
        "会議は東京で\n\n開催されました。\n"  # Japanese: kept apart
    )
    post = parse(text, "press/joined.md")
    assert post.body.split("\n\n") == [
        "The minister said that the talks went well.",
        "A complete sentence.",
        "next starts lowercase after a full stop.",
        "Title Case Line",
        "Upper start stays.",
        "- a list item",
        "continues lowercase",
        "Contact:",
        "the secretariat.",
        "ការប្រជុំបានធ្វើឡើងនៅ",
        "ទីក្រុងតូក្យូ",
        "会議は東京で",
        "開催されました。",
    ]


def test_posts_with_frontmatter_keep_their_paragraphs() -> None:
    body = "The minister said that\n\nthe talks went well."
    post = parse(front("title: T", "date: 2023-01-23", body=body))
    assert post.body == body


@pytest.mark.parametrize(
    ("text", "title", "body", "how"),
    [
        ("# Heading\n\nText.\n", "Heading", "Text.", "first heading"),
        ("Intro.\n\n## Later heading\n\nMore.\n", "Later heading", "Intro.\n\nMore.", "heading"),
        ("«Quoted headline»\n\nText.\n", "Quoted headline", "Text.", "quoted headline"),
        ("「お知らせ」\n\n本文。\n", "お知らせ", "本文。", "quoted headline"),
        ("**ព័ត៌មានថ្មី**\n\nអត្ថបទ។\n", "ព័ត៌មានថ្មី", "អត្ថបទ។", "bold line"),
        (
            "Plain first line.\n\nText.\n",
            "Plain first line.",
            "Plain first line.\n\nText.",
            "first line",
        ),
    ],
)
def test_the_line_a_title_comes_from_is_not_repeated(
    text: str, title: str, body: str, how: str
) -> None:
    post = parse(text, "press/t.md")
    assert (post.title, post.body) == (title, body)
    assert how in post.warnings[0]


def test_a_title_derived_in_a_frontmatter_post_is_not_repeated() -> None:
    post = parse(front("date: 2023-01-23", body="## Fresh news\n\nText."))
    assert (post.title, post.body) == ("Fresh news", "Text.")


# --- body cleaning ---------------------------------------------------------------------------


def test_ideographic_indentation_removed_at_paragraph_starts_only() -> None:
    body = "\u3000\u3000First paragraph, with\u3000a wide space inside.\n\n\u3000Second one.\u3000"
    post = parse(front("title: T", "date: 2023-01-23", body=body))
    assert post.body == "First paragraph, with\u3000a wide space inside.\n\nSecond one."


def test_ideographic_indentation_in_press_text() -> None:
    post = parse("\u3000\u3000# Heading\n\n\u3000\u3000Text\u3000with\u3000spaces.\n", "press/x.md")
    assert post.title == "Heading"
    assert post.body == "Text\u3000with\u3000spaces."


def test_clean_body_keeps_inner_lines_and_strips_outer_blank_lines() -> None:
    assert clean_body("\n\n\u3000a\u3000b  \n  c\n\n") == "a\u3000b\n  c"


# --- refusals ----------------------------------------------------------------------------------


def test_malformed_yaml_names_the_line() -> None:
    raw = front("title: ok", "date: 2023-01-23", "abstract: one: two").encode()
    err = refusal(raw)
    assert "malformed YAML" in err.reason
    assert "line 4" in err.reason  # line 1 is the opening `---`


def test_title_of_wrong_type() -> None:
    err = refusal(front("title: [1, 2]", "date: 2023-01-23").encode())
    assert "`title`" in err.reason and "list" in err.reason


def test_unreadable_date() -> None:
    err = refusal(front("title: T", "date: yesterday-ish").encode())
    assert "`date`" in err.reason and "yesterday-ish" in err.reason
    assert "YYYY-MM-DD" in err.reason


def test_missing_date() -> None:
    err = refusal(front("title: T").encode())
    assert "date" in err.reason


def test_image_mapping_refused() -> None:
    err = refusal(front("title: T", "date: 2023-01-23", "image: {a: 1}").encode())
    assert "`image`" in err.reason and "list" in err.reason


def test_undecodable_bytes() -> None:
    err = refusal(b"\xff\xfe---\ntitle: T\n")
    assert "UTF-8" in err.reason
    assert "0xff" in err.reason and "offset 0" in err.reason


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \n\t\r\n  ",
        b"\xef\xbb\xbf",  # a byte-order mark alone
        b"\xef\xbb\xbf\r\n \r\n",
        "\u3000\u3000\n\u3000\n".encode(),  # full-width spaces only
    ],
    ids=["empty", "whitespace", "bom", "bom-whitespace", "ideographic-spaces"],
)
def test_empty_files(raw: bytes) -> None:
    err = refusal(raw)
    assert "empty" in err.reason


def test_binary_file() -> None:
    err = refusal(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "posts/photo.md")
    assert "binary" in err.reason


def test_event_end_before_start() -> None:
    raw = front(
        "title: T",
        "date: 2023-01-23",
        "event:",
        "  start: 2023-02-01 18:00",
        "  end: 2023-02-01 17:00",
    ).encode()
    err = refusal(raw)
    assert "event.end" in err.reason


def test_event_needs_start() -> None:
    err = refusal(front("title: T", "date: 2023-01-23", "event: {location: Tokyo}").encode())
    assert "start" in err.reason


# --- fields ------------------------------------------------------------------------------------


def test_slug_from_frontmatter() -> None:
    post = parse(front("title: T", "date: 2023-01-23", "slug: anniversary-70"), "posts/whatever.md")
    assert post.key == "anniversary-70"


def test_slug_is_made_safe() -> None:
    post = parse(front("title: T", "date: 2023-01-23", "slug: 'a b/c?d'"))
    assert post.key == "a-b-c-d"


def test_slug_from_file_stem() -> None:
    post = parse(front("title: T", "date: 2023-01-23"), "posts/2023/My first post.md")
    assert post.key == "My-first-post"


def test_tags_as_list() -> None:
    post = parse(front("title: T", "date: 2023-01-23", "tags: [news, ' events ', 2023]"))
    assert post.tags == ("news", "events", "2023")


def test_tags_as_comma_string() -> None:
    post = parse(front("title: T", "date: 2023-01-23", "tags: news, events"))
    assert post.tags == ("news", "events")


def test_tags_as_comma_string_skip_blanks() -> None:
    post = parse(front("title: T", "date: 2023-01-23", "tags: 'news, , events,'"))
    assert post.tags == ("news", "events")


def test_event_is_parsed_timezone_aware() -> None:
    post = parse(
        front(
            "title: Welcome party",
            "date: 2023-03-01",
            "event:",
            "  start: 2023-04-01 18:30",
            "  end: '2023-04-01T21:00:00+09:00'",
            "  location: Shinjuku, Tokyo",
        )
    )
    assert post.event is not None
    assert post.event.start == datetime(2023, 4, 1, 18, 30, tzinfo=TOKYO)
    assert post.event.start.tzinfo is not None
    assert post.event.end == datetime(2023, 4, 1, 21, 0, tzinfo=TOKYO)
    assert post.event.end is not None and post.event.end.utcoffset() == timedelta(hours=9)
    assert post.event.location == "Shinjuku, Tokyo"
    assert post.event.reminders is None


def test_event_start_from_yaml_timestamp() -> None:
    post = parse(front("title: T", "date: 2023-03-01", "event: {start: 2023-04-01 09:30:00}"))
    assert post.event is not None
    assert post.event.start == datetime(2023, 4, 1, 9, 30, tzinfo=TOKYO)


def test_publish_at_naive_is_tokyo_time() -> None:
    post = parse(front("title: T", "date: 2023-01-23", "publish_at: 2023-01-20 08:30"))
    assert post.publish_at == datetime(2023, 1, 20, 8, 30, tzinfo=TOKYO)
    assert post.publish_at.utcoffset() == timedelta(hours=9)
    assert post.due_at == post.publish_at


def test_aware_values_keep_their_offset() -> None:
    post = parse(front("title: T", "date: '2023-01-23T00:00:00Z'"))
    assert post.date == datetime(2023, 1, 23, 9, 0, tzinfo=TOKYO)
    assert post.date.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", ["2023-01-23", "'2023-01-23'"], ids=["yaml-date", "string"])
def test_date_only_goes_out_at_the_publish_hour(value: str) -> None:
    ctx = ParseContext(tz=TOKYO, publish_hour=7)
    post = parse(front("title: T", f"date: {value}", f"publish_at: {value}"), ctx=ctx)
    assert post.date == datetime(2023, 1, 23, 7, 0, tzinfo=TOKYO)
    assert post.publish_at == datetime(2023, 1, 23, 7, 0, tzinfo=TOKYO)


def test_single_image_as_string_and_images_key() -> None:
    one = parse(front("title: T", "date: 2023-01-23", "image: /images/a.jpg"))
    assert one.images == ("/images/a.jpg",)
    many = parse(
        front("title: T", "date: 2023-01-23", "images: [/images/a.jpg, '', /images/b.png]")
    )
    assert many.images == ("/images/a.jpg", "/images/b.png")


def test_missing_title_is_derived_with_a_warning() -> None:
    post = parse(front("date: 2023-01-23", body="## Fresh news\n\nText."))
    assert post.title == "Fresh news"
    assert any("no title" in w for w in post.warnings)


def test_unknown_keys_are_warned_about() -> None:
    post = parse(front("title: T", "date: 2023-01-23", "colour: red"))
    assert post.warnings == ("unknown frontmatter key 'colour' ignored",)


def test_crlf_and_bom_are_accepted() -> None:
    raw = b"\xef\xbb\xbf" + front("title: T", "date: 2023-01-23", body="a\nb").encode()
    post = parse(raw.replace(b"\n", b"\r\n"))
    assert post.title == "T"
    assert post.body == "a\nb"
