"""Any post, in any script, of any length: every request fits its platform and no text is lost."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import Media, Post
from bot.format.discord import render_discord
from bot.format.limits import cut_point, utf16_len
from bot.format.markdown import to_blocks
from bot.format.telegram import render_telegram
from bot.i18n.labels import READ_ON_WEBSITE

from .support import (
    DC,
    OPTS,
    STATIC,
    TG,
    check_clean_boundaries,
    discord_messages,
    discord_visible,
    embed_length,
    make_post,
    squash,
    telegram_texts,
    telegram_visible,
    utf16,
)

FAST = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- generated text ----------------------------------------------------------------------------

KHMER_BASES = [chr(c) for c in range(0x1780, 0x17A3)]
KHMER_INDEPENDENT = [chr(c) for c in range(0x17A3, 0x17B4)]
KHMER_VOWELS = [chr(c) for c in range(0x17B6, 0x17C6)]
KHMER_SIGNS = [chr(c) for c in (*range(0x17C6, 0x17D2), 0x17D3, 0x17DD)]
COENG = "\u17d2"


@st.composite
def khmer_cluster(draw: st.DrawFn) -> str:
    """A base letter with its subscripts, vowel and signs: never split by a reader."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(KHMER_INDEPENDENT))
    text = draw(st.sampled_from(KHMER_BASES))
    for _ in range(draw(st.integers(0, 2))):
        text += COENG + draw(st.sampled_from(KHMER_BASES))
    if draw(st.booleans()):
        text += draw(st.sampled_from(KHMER_VOWELS))
    if draw(st.integers(0, 3)) == 0:
        text += draw(st.sampled_from(KHMER_SIGNS))
    return text


khmer_word = st.lists(khmer_cluster(), min_size=1, max_size=6).map("".join)
japanese_word = st.text(
    st.sampled_from("日本語の学生協会お知らせカンボジア大使館東京。、ー"), min_size=1, max_size=8
)
ascii_word = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789"), min_size=1, max_size=12
)
emoji = st.sampled_from(["😀", "🇰🇭", "🇯🇵", "👨\u200d👩\u200d👧", "👍🏽", "❤️", "🎉"])
markup = st.sampled_from(
    ["<", ">", "&", "*", "_", "`", "[", "]", "**", "-", "#", ".", "|", "~", "1."]
)
khmer_punct = st.sampled_from(["។", "៕", "០១២"])
token = st.one_of(khmer_word, japanese_word, ascii_word, emoji, markup, khmer_punct)

# a word is several tokens glued together; a run is one token repeated without any space
word = st.lists(token, min_size=1, max_size=4).map("".join)
run = st.tuples(st.one_of(khmer_cluster(), ascii_word, emoji), st.integers(50, 4000)).map(
    lambda t: t[0] * max(1, min(t[1], 20_000 // len(t[0])))
)
separator = st.sampled_from([" ", " ", " ", "\n", "\n\n", " \n"])
segment = st.one_of(word, word, word, run)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(segment, separator), max_size=60))
    text = "".join(a + b for a, b in parts)
    return text[:24_000]


title_word = st.one_of(khmer_word, japanese_word, ascii_word, emoji)
titles = st.one_of(
    st.lists(title_word, min_size=1, max_size=12),
    st.lists(title_word, min_size=40, max_size=160),  # past Discord's 256
).map(" ".join)


@st.composite
def media_lists(draw: st.DrawFn) -> list[Media]:
    out: list[Media] = []
    for i in range(draw(st.integers(0, 12))):
        local = draw(st.booleans())
        doc = draw(st.integers(0, 7)) == 0
        name = f"p{i}.jpg"
        out.append(
            Media(
                f"/images/{name}",
                name,
                path=f"{STATIC}/images/{name}" if local else None,
                url=None if local else f"https://cdn.example.org/{name}",
                as_document=doc,
            )
        )
    return out


# --- what a post should show -------------------------------------------------------------------


def body_plain(post: Post) -> str:
    """The visible text of the body per the Markdown model the renderers start from."""
    return "".join(b.plain for b in to_blocks(post.body, base_url=OPTS.site_url))


_FENCE_INFO = re.compile(r"(?m)^( {0,3}(?:`{3,}|~{3,}))[^\n]*$")


def letters(text: str) -> str:
    """Characters Markdown never consumes or adds: letters, marks, emoji, non-ASCII punctuation."""
    keep = []
    for ch in text:
        if ch.isascii():
            if ch.isalpha():
                keep.append(ch)
        elif not ch.isspace() and ch not in "•—…ˋ\u200b":
            keep.append(ch)
    return "".join(keep)


def source_letters(body: str) -> str:
    """Letters of the raw Markdown, except fence info strings (a code block's language)."""
    return letters(_FENCE_INFO.sub(r"\1", body))


def is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in all_strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in all_strings(v)]
    return []


# --- Telegram ----------------------------------------------------------------------------------


@FAST
@given(title=titles, body=bodies(), media=media_lists())
def test_telegram_limits_and_no_loss(title: str, body: str, media: list[Media]) -> None:
    post = make_post(title=title, body=body)
    requests = render_telegram(post, media, OPTS, TG).requests

    photos = [m for m in media if not m.as_document]
    sent: list[str] = []
    for r in requests:
        for s in all_strings(r.params):
            s.encode("utf-16-le", "strict")  # no lone surrogate anywhere
        if r.method == "sendMediaGroup":
            items = r.params["media"]
            assert 2 <= len(items) <= 10
            assert all(i["type"] == "photo" for i in items)
            assert all("caption" not in i for i in items[1:])
            sent.extend(i["media"] for i in items)
        elif r.method == "sendPhoto":
            sent.append(r.params["photo"])
        elif r.method == "sendDocument":
            sent.append(r.params["document"])
        else:
            assert r.method == "sendMessage"
            assert utf16(telegram_visible(r.params["text"]).strip()) >= 1
            assert utf16(telegram_visible(r.params["text"])) <= 4096
        if "caption" in r.params:
            assert utf16(telegram_visible(r.params["caption"])) <= 1024
        for item in r.params.get("media", []):
            if "caption" in item:
                assert utf16(telegram_visible(item["caption"])) <= 1024
        refs = {f"attach://{u.field}" for u in r.uploads}
        assert len(refs) == len(r.uploads)
        assert {s for s in all_strings(r.params) if s.startswith("attach://")} == refs

    # every image goes out once: the photos in order, then the documents
    order = [m for m in media if not m.as_document] + [m for m in media if m.as_document]
    assert len(sent) == len(media)
    linked = [s for s in sent if not s.startswith("attach://")]
    assert linked == [m.url for m in order if not m.path]
    uploaded = [u.filename for r in requests for u in r.uploads]
    assert sorted(uploaded) == sorted(m.filename for m in media if m.path)
    if photos:
        assert requests[0].method in ("sendPhoto", "sendMediaGroup")

    texts = [telegram_visible(h) for h in telegram_texts(requests)]
    shown = "".join(texts)
    expected_stream = squash(title) + squash(body_plain(post)) + squash(READ_ON_WEBSITE)
    assert squash(shown) == expected_stream
    assert is_subsequence(letters(title) + source_letters(body), letters(shown))
    check_clean_boundaries(texts)


# --- Discord -----------------------------------------------------------------------------------


@FAST
@given(title=titles, body=bodies(), media=media_lists())
def test_discord_limits_and_no_loss(title: str, body: str, media: list[Media]) -> None:
    post = make_post(title=title, body=body)
    requests = render_discord(post, media, OPTS, DC).requests
    messages = discord_messages(requests)
    assert len(messages) == len(requests)

    descriptions: list[str] = []
    shown_images: list[str] = []
    for r, p in zip(requests, messages, strict=True):
        for s in all_strings(p):
            s.encode("utf-16-le", "strict")
        embeds = p.get("embeds", [])
        assert len(embeds) <= 10
        assert len(r.uploads) <= 10
        assert len(p.get("attachments", [])) == len(r.uploads)
        assert len(p.get("content") or "") <= 2000
        assert embeds or p.get("content") or r.uploads
        assert p["allowed_mentions"] == {"parse": []}
        for e in embeds:
            assert len(e.get("title") or "") <= 256
            assert len(e.get("description") or "") <= 4096
            assert len((e.get("footer") or {}).get("text") or "") <= 2048
            if "description" in e:
                assert e["description"].strip()
                descriptions.append(discord_visible(e["description"]))
            if "image" in e:
                shown_images.append(e["image"]["url"])
        assert sum(embed_length(e) for e in embeds) <= 6000
        refs = {e["image"]["url"] for e in embeds if "image" in e}
        uploaded = {f"attachment://{u.filename}" for u in r.uploads}
        assert {u for u in refs if u.startswith("attachment://")} <= uploaded
        shown_images.extend(f"attachment://{u.filename}" for u in r.uploads)
        shown_images.extend((p.get("content") or "").split())

    # every image shows: as an embed, an upload or a link
    wanted = {f"attachment://{m.filename}" if m.path else m.url for m in media}
    assert wanted <= set(shown_images)

    main = messages[0]["embeds"][0]
    expected = squash(body_plain(post))
    if len(title) > 256:
        assert main["title"] == title[:255] + "…"
        expected = squash(title) + expected
    else:
        assert main["title"] == title
    shown = "".join(descriptions)
    assert squash(shown) == expected
    assert is_subsequence(source_letters(body), letters(shown))
    check_clean_boundaries(descriptions)


# --- focused cases the generator reaches only rarely ------------------------------------------


def _telegram_pieces(body: str, images: int = 0) -> list[str]:
    from .support import local_media

    requests = render_telegram(make_post(body=body), local_media(images), OPTS, TG).requests
    return [telegram_visible(h) for h in telegram_texts(requests)]


def test_long_khmer_run_is_cut_between_clusters() -> None:
    body = "ក្ស៊ី" * 3000 + "ស្ត្រី" * 2000
    pieces = _telegram_pieces(body, images=2)
    assert len(pieces) > 3
    check_clean_boundaries(pieces)
    assert squash("".join(pieces)) == squash("Title" + body + READ_ON_WEBSITE)


def test_long_emoji_runs_are_cut_between_emoji() -> None:
    for unit in ("🇰🇭", "👨\u200d👩\u200d👧", "👍🏽", "😀", "❤️"):
        body = "x" + unit * 3000
        pieces = _telegram_pieces(body)
        check_clean_boundaries(pieces)
        assert all(utf16(p) <= 4096 for p in pieces)
        assert squash("".join(pieces)) == squash("Title" + body + READ_ON_WEBSITE)


def test_discord_description_counts_escapes_at_span_starts() -> None:
    """Text after a bold span that starts with `-` must not push a description over 4096."""
    body = "\n\n".join(["**a** -b"] * 2000)
    requests = render_discord(make_post(body=body), [], OPTS, DC).requests
    for p in discord_messages(requests):
        for e in p["embeds"]:
            assert len(e.get("description") or "") <= 4096
        assert sum(embed_length(e) for e in p["embeds"]) <= 6000
    shown = "".join(
        discord_visible(p["embeds"][0]["description"]) for p in discord_messages(requests)
    )
    assert squash(shown) == squash(body.replace("**", ""))


def test_discord_description_counts_link_escapes() -> None:
    """Links whose address has `)` are written with `%29`: that must be counted."""
    body = "\n\n".join(["[w](https://e.org/Foo_(bar)_(baz)_(qux))"] * 600)
    requests = render_discord(make_post(body=body), [], OPTS, DC).requests
    for p in discord_messages(requests):
        for e in p["embeds"]:
            assert len(e.get("description") or "") <= 4096
        assert sum(embed_length(e) for e in p["embeds"]) <= 6000


def test_cut_point_measures_little_of_a_long_text() -> None:
    """Finding a cut costs a few measurements of the head, not one per candidate bound."""
    text = ("word " * 40 + "end.\n") * 500  # ~100k characters, 20k spaces
    measured = 0

    def counting(piece: str) -> int:
        nonlocal measured
        measured += len(piece)
        return utf16_len(piece)

    for limit in (1024, 4096):
        measured = 0
        cut = cut_point(text, limit, counting)
        assert 0 < utf16_len(text[:cut]) <= limit
        assert text[:cut].endswith("end.\n")
        assert measured <= 40 * len(text)
