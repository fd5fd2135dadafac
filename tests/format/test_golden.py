"""The two sample posts as exact requests, plus the layout rules stated one by one.

Set UPDATE_GOLDEN=1 to rewrite the snapshots under golden/ after checking the new output by eye.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain import Channel, Media, Post
from bot.format.discord import render_discord
from bot.format.layout import FormatOptions
from bot.format.model import Rendering, Request, Step
from bot.format.profiles import profile_for
from bot.format.telegram import render_telegram
from bot.ingest.parse import ParseContext, parse_post

from .support import (
    DC,
    HOOK,
    OPTS,
    REPO,
    STATIC,
    TG,
    TOKYO,
    discord_visible,
    local_media,
    make_post,
    media_for,
    squash,
    telegram_texts,
    telegram_visible,
    utf16,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
ARTICLE = "posts/2023-01-23-70th-anniversary.md"
PRESS = "press/2023-10-30-japan-supports-cambodia.md"
MTIME = datetime(2023, 10, 30, 3, 0, tzinfo=UTC)
CTX = ParseContext(tz=TOKYO)
Renderer = Callable[[Post, list[Media], FormatOptions, Channel], Rendering]


def sample(source: str) -> Post:
    raw = (REPO / "content" / source).read_bytes()
    return parse_post(raw, source, mtime=MTIME, ctx=CTX)


@pytest.fixture(scope="module")
def article() -> Post:
    return sample(ARTICLE)


@pytest.fixture(scope="module")
def press() -> Post:
    return sample(PRESS)


# --- snapshots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["telegram", "discord"])
@pytest.mark.parametrize("name,source", [("article", ARTICLE), ("press", PRESS)])
def test_golden(name: str, source: str, platform: str) -> None:
    post = sample(source)
    render, channel = (render_telegram, TG) if platform == "telegram" else (render_discord, DC)
    rendering = render(post, media_for(post), OPTS, channel)
    actual = [r.to_json() for r in rendering.requests]
    assert rendering.notes == ()
    path = GOLDEN / f"{name}-{platform}.json"
    text = json.dumps(actual, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"{path.name} is missing: run with UPDATE_GOLDEN=1 and review it")
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == actual


def test_rendering_is_deterministic(article: Post) -> None:
    for render, channel in ((render_telegram, TG), (render_discord, DC)):
        first = render(article, media_for(article), OPTS, channel)
        again = render(sample(ARTICLE), media_for(article), OPTS, channel)
        assert first == again


# --- the article on Telegram -------------------------------------------------------------------


def test_article_on_telegram(article: Post) -> None:
    requests = render_telegram(article, media_for(article), OPTS, TG).requests
    album, *texts = requests
    assert album.method == "sendMediaGroup"
    assert album.params["chat_id"] == "-100123"
    items = album.params["media"]
    assert [i["type"] for i in items] == ["photo", "photo"]
    assert [i["media"] for i in items] == [f"attach://{u.field}" for u in album.uploads]
    assert [u.filename for u in album.uploads] == ["230123-1-1.jpeg", "230123-1-2.jpeg"]
    assert [u.path for u in album.uploads] == [
        f"{STATIC}/images/posts/230123-1-1.jpeg",
        f"{STATIC}/images/posts/230123-1-2.jpeg",
    ]
    assert items[0]["parse_mode"] == "HTML"
    assert "caption" not in items[1] and "parse_mode" not in items[1]
    caption = telegram_visible(items[0]["caption"])
    assert 0 < utf16(caption) <= 1024
    assert items[0]["caption"].startswith(
        "<b>70th Anniversary of the Diplomatic Relations between Cambodia and Japan</b>\n\n"
    )

    assert texts and all(r.method == "sendMessage" for r in texts)
    for r in texts:
        assert r.params["parse_mode"] == "HTML"
        assert r.params["link_preview_options"] == {"is_disabled": True}
        assert 0 < utf16(telegram_visible(r.params["text"])) <= 4096
    shown = "".join(telegram_visible(t) for t in telegram_texts(requests))
    body = squash(article.body)
    assert squash(shown) == squash(article.title) + body + squash("Read on the website")
    url = "https://example.org/posts/2023-01-23-70th-anniversary/"
    link = f'<a href="{url}">Read on the website</a>'
    assert texts[-1].params["text"].endswith(link)
    # the abstract repeats the opening of the body: it is not shown twice
    assert shown.count("On the evening of January 23rd") == 1


def test_press_on_telegram(press: Post) -> None:
    requests = render_telegram(press, [], OPTS, TG).requests
    assert [r.method for r in requests] == ["sendMessage"]
    html = requests[0].params["text"]
    assert html.startswith("<b>Japan to continue supporting Cambodia’s long-term development</b>")
    assert "<b>KINGDOM OF CAMBODIA\nNATION RELIGION KING</b>" in html
    assert "**" not in html
    assert utf16(telegram_visible(html)) <= 4096


# --- the article on Discord --------------------------------------------------------------------


def test_article_on_discord(article: Post) -> None:
    requests = render_discord(article, media_for(article), OPTS, DC).requests
    assert len(requests) == 1
    (req,) = requests
    assert (req.method, req.path) == ("POST", "/channels/777/messages")
    p = req.params
    main, gallery = p["embeds"]
    url = "https://example.org/posts/2023-01-23-70th-anniversary/"
    assert main["title"] == article.title
    assert main["url"] == url
    assert main["image"] == {"url": "attachment://230123-1-1.jpeg"}
    assert main["footer"] == {"text": "Cambodian Students Association in Japan"}
    assert datetime.fromisoformat(main["timestamp"]) == datetime(2023, 1, 23, 9, 0, tzinfo=TOKYO)
    assert gallery == {"url": url, "image": {"url": "attachment://230123-1-2.jpeg"}}
    assert [a["filename"] for a in p["attachments"]] == ["230123-1-1.jpeg", "230123-1-2.jpeg"]
    assert [str(a["id"]) for a in p["attachments"]] == ["0", "1"]
    assert [(u.field, u.filename) for u in req.uploads] == [
        ("files[0]", "230123-1-1.jpeg"),
        ("files[1]", "230123-1-2.jpeg"),
    ]
    assert "nonce" not in p  # given per delivery, when the outbox row is queued
    assert p["allowed_mentions"] == {"parse": []}
    assert squash(discord_visible(main["description"])) == squash(article.body)


def stamped(requests: Sequence[Request], identity: str) -> list[dict[str, Any]]:
    channel = DC if requests and "/channels/" in requests[0].path else HOOK
    steps = profile_for(channel).stamp([Step(r) for r in requests], identity)
    return [s.to_json() for s in steps]


def test_discord_nonce_differs_per_step_and_delivery(article: Post) -> None:
    long = make_post(body="\n\n".join(f"Paragraph {i}. " + "word " * 150 for i in range(20)))
    requests = render_discord(long, [], OPTS, DC).requests
    assert len(requests) > 1
    steps = stamped(requests, "post:dc:publish:v1")
    nonces = [s["params"]["nonce"] for s in steps]
    assert len(set(nonces)) == len(nonces)
    assert all(0 < len(n) <= 25 and s["params"]["enforce_nonce"] is True
               for n, s in zip(nonces, steps, strict=True))  # fmt: skip
    assert stamped(requests, "post:dc:publish:v1") == steps  # the same on a resend
    for other in ("post:dc2:publish:v1", "post:dc:publish:v2", "post:dc:resend:2026-12-01"):
        assert stamped(requests, other)[0]["params"]["nonce"] != nonces[0]
    assert [r.params["embeds"][0].get("title") for r in requests[1:]] == [None] * (
        len(requests) - 1
    )


def test_press_on_discord(press: Post) -> None:
    (req,) = render_discord(press, [], OPTS, DC).requests
    (embed,) = req.params["embeds"]
    assert "image" not in embed
    assert "attachments" not in req.params and req.uploads == ()
    assert embed["title"] == "Japan to continue supporting Cambodia’s long-term development"
    assert embed["description"].startswith("**KINGDOM OF CAMBODIA\nNATION RELIGION KING**")
    assert squash(discord_visible(embed["description"])) == squash(press.body.replace("**", ""))


def test_webhook_has_no_nonce(article: Post) -> None:
    requests = render_discord(article, media_for(article), OPTS, HOOK).requests
    for req, step in zip(requests, stamped(requests, "a:hook:publish:v1"), strict=True):
        assert req.path == "/webhooks/{webhook_id}/{webhook_token}?wait=true"
        assert "nonce" not in step["params"] and "enforce_nonce" not in step["params"]
        assert req.params["allowed_mentions"] == {"parse": []}


# --- image counts ------------------------------------------------------------------------------


def test_one_image_is_a_photo_with_caption() -> None:
    post = make_post(body="A short note.")
    (photo,) = render_telegram(post, local_media(1), OPTS, TG).requests
    assert photo.method == "sendPhoto"
    assert photo.params["photo"] == "attach://photo"
    assert [(u.field, u.filename) for u in photo.uploads] == [("photo", "img-1.jpeg")]
    assert photo.params["parse_mode"] == "HTML"
    assert telegram_visible(photo.params["caption"]).startswith("Title\n\nA short note.")


def test_one_remote_image_is_sent_by_url() -> None:
    media = [Media("https://cdn.example.org/a.jpg", "a.jpg", url="https://cdn.example.org/a.jpg")]
    (photo,) = render_telegram(make_post(), media, OPTS, TG).requests
    assert photo.params["photo"] == "https://cdn.example.org/a.jpg"
    assert photo.uploads == ()


def test_eleven_images_make_two_albums() -> None:
    requests = render_telegram(make_post(), local_media(11), OPTS, TG).requests
    albums = [r for r in requests if r.method == "sendMediaGroup"]
    assert [len(a.params["media"]) for a in albums] == [6, 5]
    assert requests[:2] == tuple(albums)
    refs = [item["media"] for a in albums for item in a.params["media"]]
    fields = [u.field for a in albums for u in a.uploads]
    assert refs == [f"attach://{f}" for f in fields]
    assert len(set(fields)) == 11
    assert [u.filename for a in albums for u in a.uploads] == [
        f"img-{i}.jpeg" for i in range(1, 12)
    ]
    captions = [item for a in albums for item in a.params["media"] if "caption" in item]
    assert captions == [albums[0].params["media"][0]]


def test_no_image_means_text_only() -> None:
    requests = render_telegram(make_post(), [], OPTS, TG).requests
    assert [r.method for r in requests] == ["sendMessage"]
    assert telegram_visible(requests[0].params["text"]) == "Title\n\nBody.\n\nRead on the website"


def test_twelve_images_on_discord() -> None:
    requests = render_discord(make_post(), local_media(12), OPTS, DC).requests
    first, extra = requests
    assert len(first.params["embeds"]) == 4
    assert len(first.uploads) == 10 and len(first.params["attachments"]) == 10
    assert [u.filename for u in extra.uploads] == ["img-11.jpeg", "img-12.jpeg"]
    assert [a["filename"] for a in extra.params["attachments"]] == ["img-11.jpeg", "img-12.jpeg"]
    first_step, extra_step = stamped(requests, "p:dc:publish:v1")
    assert extra_step["params"]["nonce"] != first_step["params"]["nonce"]


def test_every_remote_image_is_shown_on_discord() -> None:
    urls = [f"https://cdn.example.org/{i}.jpg" for i in range(7)]
    media = [Media(u, f"{i}.jpg", url=u) for i, u in enumerate(urls)]
    requests = render_discord(make_post(), media, OPTS, DC).requests
    shown: list[str] = []
    for r in requests:
        shown.extend(e["image"]["url"] for e in r.params.get("embeds", []) if "image" in e)
        shown.extend((r.params.get("content") or "").split())
    assert sorted(shown) == sorted(urls)


def test_documents_go_separately_on_telegram() -> None:
    big = Media("/images/huge.png", "huge.png", path=f"{STATIC}/images/huge.png", as_document=True)
    requests = render_telegram(make_post(), [*local_media(2), big], OPTS, TG).requests
    assert [r.method for r in requests] == ["sendMediaGroup", "sendDocument"]
    doc = requests[-1]
    assert doc.params["document"] == "attach://document"
    assert [(u.field, u.filename) for u in doc.uploads] == [("document", "huge.png")]


# --- markup details ----------------------------------------------------------------------------


def test_telegram_escapes_html_and_keeps_formatting() -> None:
    body = 'Tom & Jerry <script> **bold** *it* ~~old~~ `a<b` [site](https://x.org/?a=1&b="2")'
    html = render_telegram(make_post(body=body), [], OPTS, TG).requests[0].params["text"]
    assert "Tom &amp; Jerry &lt;script&gt;" in html
    assert "<b>bold</b> <i>it</i> <s>old</s> <code>a&lt;b</code>" in html
    assert '<a href="https://x.org/?a=1&amp;b=%222%22">site</a>' in html
    visible = telegram_visible(html)
    assert "Tom & Jerry <script> bold it old a<b site" in visible


def test_discord_escapes_markdown() -> None:
    body = "5 * 3 = 15_000 `x` 2 < 3 | ~ [a]\n\n- item\n\n# Heading\n\n> quoted"
    (req,) = render_discord(make_post(body=body), [], OPTS, DC).requests
    desc = req.params["embeds"][0]["description"]
    assert desc == (
        "5 \\* 3 = 15\\_000 `x` 2 \\< 3 \\| \\~ \\[a\\]\n\n• item\n\n**Heading**\n\n> quoted"
    )
    assert discord_visible(desc) == "5 * 3 = 15_000 x 2 < 3 | ~ [a]\n\n• item\n\nHeading\n\nquoted"


def test_discord_escapes_numbers_that_would_become_a_list() -> None:
    """Discord's parser escapes punctuation only: `\\1.` would show its backslash."""
    body = "Relations began in\n1953. That year...\n\n3. third\n4. fourth"
    (req,) = render_discord(make_post(body=body), [], OPTS, DC).requests
    desc = req.params["embeds"][0]["description"]
    assert "\\1" not in desc and "\\3" not in desc
    assert desc == "Relations began in\n1953\\. That year...\n\n3\\. third\n\n4\\. fourth"
    assert (
        discord_visible(desc) == "Relations began in\n1953. That year...\n\n3. third\n\n4. fourth"
    )


def test_discord_escapes_only_real_line_starts() -> None:
    body = "**Note** - details, **A** #1 and **B** +2"
    (req,) = render_discord(make_post(body=body), [], OPTS, DC).requests
    desc = req.params["embeds"][0]["description"]
    assert desc == "**Note** - details, **A** #1 and **B** +2"


def test_long_title_on_discord_is_cut_and_repeated_in_full() -> None:
    title = "Long title " * 30
    (req,) = render_discord(make_post(title=title.strip()), [], OPTS, DC).requests
    embed = req.params["embeds"][0]
    assert len(embed["title"]) == 256 and embed["title"].endswith("…")
    assert discord_visible(embed["description"]).startswith(title.strip())
