"""The page drawn from a preview document (pure: no browser)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.deliver.picture import page_html
from bot.deliver.picture.media import load_media, upload_paths
from tests.helpers import preview_document, write_post

TOKYO = ZoneInfo("Asia/Tokyo")
DUE = "2026-12-05T18:00:00+09:00"


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def document(*requests: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {"title": "t", "due_at": DUE},
        "warnings": [],
        "problems": [],
        "requests": list(requests),
    }


def tg(method: str = "sendMessage", channel: str = "tg-news", **params: Any) -> dict[str, Any]:
    return {"channel": channel, "platform": "telegram", "method": method, "params": params}


def dc(
    channel: str = "dc-news", path: str = "/channels/1/messages", **params: Any
) -> dict[str, Any]:
    return {
        "channel": channel,
        "platform": "discord",
        "method": "POST",
        "path": path,
        "params": params,
    }


def assert_safe(html: str) -> None:
    """No script, no event handler, no link to follow, nothing loaded from elsewhere."""
    for tag, attrs in tags(html):
        assert tag not in ("script", "iframe", "object", "embed", "a", "link", "base", "form")
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "img":
            assert str(attrs.get("src")).startswith(("data:", "file:")), attrs


HOSTILE = (
    '<script>alert(1)</script><img src=x onerror="alert(2)"><b onclick="x()">bold</b>'
    '<a href="javascript:alert(3)">link</a><iframe src="https://evil"></iframe>'
    '<span class="tg-spoiler" style="x">hidden</span> &nbsp; &lt;ok&gt;'
)


def test_hostile_telegram_html_never_reaches_the_page() -> None:
    html = page_html(document(tg(text=HOSTILE, parse_mode="HTML")), platform="telegram")
    assert_safe(html)
    assert '<span class="tg-b">bold</span>' in html
    assert '<span class="tg-link">link</span>' in html
    assert '<span class="tg-spoiler">hidden</span>' in html
    assert "&amp;nbsp;" in html and "&lt;ok&gt;" in html  # unknown entities stay text


def test_hostile_post_text_is_escaped_on_both_platforms(
    site: Path, make_settings: Callable[..., Settings]
) -> None:
    path = write_post(site / "content/posts/x.md", "<script>alert(1)</script>", HOSTILE)
    html = page_html(preview_document(make_settings(), path, None))
    assert_safe(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_plain_text_without_parse_mode_shows_the_tags_as_written() -> None:
    html = page_html(document(tg(text="<b>not bold</b>")), platform="telegram")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and 'class="tg-b"' not in html


def test_discord_markdown_is_drawn() -> None:
    content = "**bold** *it* ~~gone~~ `x<y` [site](<https://example.org>) \\*plain\\*\n> quoted"
    html = page_html(document(dc(content=content)), platform="discord")
    assert_safe(html)
    for drawn in (
        '<span class="dc-b">bold</span>',
        '<span class="dc-i">it</span>',
        '<span class="dc-s">gone</span>',
        '<span class="dc-code">x&lt;y</span>',
        '<span class="dc-link">site</span>',
        " *plain*",
        '<span class="dc-quote">quoted</span>',
    ):
        assert drawn in html, drawn


def test_timestamp_markup_shows_the_moment_in_the_association_zone() -> None:
    start = int(datetime(2026, 12, 5, 18, 0, tzinfo=TOKYO).timestamp())
    content = f"<t:{start}:F> · <t:{start}:R> · <t:{start}:t> · <t:{start}:d>"
    html = page_html(document(dc(content=content)), platform="discord", tz=TOKYO)
    assert "Saturday, December 5, 2026 6:00 PM" in html
    assert "a few seconds ago" in html or "in a few seconds" in html  # seen when it is due
    assert ">6:00 PM<" in html and ">12/05/2026<" in html
    earlier = datetime(2026, 12, 3, 18, 0, tzinfo=TOKYO)
    later = page_html(document(dc(content=content)), platform="discord", tz=TOKYO, now=earlier)
    assert "in a few seconds" in later  # `now` before the due time: members see it when due
    utc = page_html(document(dc(content=content)), platform="discord", tz=ZoneInfo("UTC"))
    assert "Saturday, December 5, 2026 9:00 AM" in utc


def test_buttons_are_drawn_under_their_message() -> None:
    keyboard = {"inline_keyboard": [[{"text": "Read on the website", "url": "https://x"}]]}
    row = {
        "type": 1,
        "components": [{"type": 2, "style": 5, "label": "Event page", "url": "https://y"}],
    }
    html = page_html(
        document(tg(text="hi", reply_markup=keyboard), dc(content="hi", components=[row]))
    )
    assert '<span class="tg-kbtn">Read on the website<span class="tg-kbtn-arrow">' in html
    assert '<span class="dc-btn link">Event page<span class="dc-ext">' in html


def test_silent_messages_are_marked() -> None:
    loud = page_html(document(tg(text="a"), dc(content="a")))
    assert 'class="tg-silent"' not in loud and 'class="dc-silent"' not in loud
    quiet = page_html(
        document(tg(text="a", disable_notification=True), dc(content="a", flags=4096))
    )
    assert 'class="tg-silent"' in quiet and 'class="dc-silent"' in quiet


def test_other_channels_are_named_and_only_the_first_is_drawn() -> None:
    html = page_html(
        document(
            tg(text="first"), tg(text="second", channel="tg-other"), dc(content="x"),
            dc(content="y", channel="dc-hook"),
        )
    )  # fmt: skip
    assert "also: tg-other" in html and "also: dc-hook" in html
    assert "first" in html and "second" not in html


def test_a_forum_post_shows_its_thread_title() -> None:
    message = {"content": "hello", "embeds": [{"title": "Year-end party", "color": 0x032EA1}]}
    thread = dc(path="/channels/5/threads", name="Year-end party 2026", message=message)
    html = page_html(document(thread), platform="discord")
    assert '<div class="dc-thread-title">Year-end party 2026</div>' in html
    assert "border-left-color: #032ea1" in html


def test_remote_images_are_placeholders_with_their_file_name() -> None:
    media = [
        {"type": "photo", "media": "https://example.org/a/photo-1.jpg"},
        {"type": "photo", "media": "https://example.org/b.png"},
    ]
    embed = {"image": {"url": "https://cdn.example.org/x/banner.webp"}}
    html = page_html(document(tg("sendMediaGroup", media=media), dc(embeds=[embed])), media={})
    assert_safe(html)
    for name in ("photo-1.jpg", "b.png", "banner.webp"):
        assert f'<span class="ph-name">{name}</span>' in html
    assert "<img" not in html


def test_uploads_are_embedded_as_data_uris(
    site: Path, make_settings: Callable[..., Settings]
) -> None:
    doc = preview_document(
        make_settings(), site / "content/posts/2023-01-23-70th-anniversary.md", None
    )
    media = load_media(upload_paths(doc))
    assert {m.size for m in media.values()} == {(960, 640)}
    html = page_html(doc, media=media)
    sources = [a["src"] for t, a in tags(html) if t == "img"]
    assert len(sources) == 4  # two in the album, two in the gallery
    assert all(str(s).startswith("data:image/jpeg;base64,") for s in sources)
    assert_safe(html)
    unread = page_html(doc, media={})  # the files could not be read
    assert unread.count("file not found") == 4


def test_an_event_file_is_a_file_bubble(tmp_path: Path) -> None:
    ics = tmp_path / "party.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" * 40)
    request = tg("sendDocument", document="attach://document")
    request["files"] = [{"field": "document", "filename": "party.ics", "path": str(ics)}]
    html = page_html(document(request), platform="telegram", media=load_media([str(ics)]))
    assert '<span class="tg-file-name">party.ics</span>' in html
    assert '<span class="tg-file-size">1.2 KB</span>' in html
