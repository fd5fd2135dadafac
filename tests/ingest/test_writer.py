"""Post files written and edited by admin commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.ingest.writer import (
    Photo,
    PhotoError,
    photo_extension,
    read_frontmatter,
    set_frontmatter,
    slugify,
    write_atomic,
    write_new_post,
)
from tests.admin.support import jpeg

ARTICLE = """\
---
title: 'Khmer New Year party'   # keep this comment
date: 2026-04-10
image:
- '/images/posts/a.jpeg'
event:
  start: 2026-04-14 18:00
  location: Tokyo
tags: [party]
---

　　Body with **bold** text.
Second line.
"""


def test_slugify() -> None:
    assert slugify("Khmer New Year: Party 2026!") == "khmer-new-year-party-2026"
    assert slugify("Café & crème") == "cafe-creme"
    assert slugify("ពិធីបុណ្យចូលឆ្នាំ") == "announcement"
    assert len(slugify("word " * 40)) <= 60


def test_set_frontmatter_changes_only_the_keys_given() -> None:
    new = set_frontmatter(ARTICLE, {"publish_at": "2026-04-11T09:00:00+09:00"})
    assert new.startswith(ARTICLE.split("---\n\n")[0])  # the header is kept, comment included
    assert new.endswith("---\n\n　　Body with **bold** text.\nSecond line.\n")
    assert "publish_at: '2026-04-11T09:00:00+09:00'\n---" in new
    again = set_frontmatter(new, {"publish_at": "2026-04-12T09:00:00+09:00"})
    assert again.count("publish_at") == 1 and "2026-04-12T09" in again


def test_set_frontmatter_replaces_a_nested_block() -> None:
    meta = read_frontmatter(ARTICLE)
    event = {**meta["event"], "reminders": ["1d", "3h"]}
    new = set_frontmatter(ARTICLE, {"event": event})
    parsed = read_frontmatter(new)
    assert parsed["event"]["reminders"] == ["1d", "3h"]
    assert parsed["event"]["location"] == "Tokyo"
    assert parsed["tags"] == ["party"] and parsed["image"] == ["/images/posts/a.jpeg"]
    assert new.split("---\n\n", 1)[1] == ARTICLE.split("---\n\n", 1)[1]


def test_set_frontmatter_removes_a_key_and_keeps_crlf() -> None:
    crlf = ARTICLE.replace("\n", "\r\n")
    new = set_frontmatter(crlf, {"tags": None, "channels": ["tg-news"]})
    assert "tags" not in read_frontmatter(new)
    assert "channels:\r\n- tg-news\r\n---" in new
    assert "\n" not in new.replace("\r\n", "")


def test_set_frontmatter_gives_a_press_text_a_header() -> None:
    text = "“Japan to continue supporting Cambodia”\n\nOn 30 October 2023, ...\n"
    defaults = {"title": "Japan to continue", "date": "2023-10-30T09:00:00+09:00"}
    new = set_frontmatter(text, {"publish_at": "2026-01-01T09:00:00+09:00"}, defaults=defaults)
    assert read_frontmatter(new) == {
        "title": "Japan to continue", "date": "2023-10-30T09:00:00+09:00",
        "publish_at": "2026-01-01T09:00:00+09:00",
    }  # fmt: skip
    assert new.endswith("\n\n" + text)


def test_photo_extension_checks_the_real_format() -> None:
    assert photo_extension(Photo(jpeg()), 1) == "jpg"
    with pytest.raises(PhotoError, match="photo 2 \\(notes.txt\\) is not a JPEG"):
        photo_extension(Photo(b"hello", "notes.txt"), 2)
    with pytest.raises(PhotoError, match="limit is 10 MiB"):
        photo_extension(Photo(b"\xff" * (10 * 1024 * 1024 + 1)), 1)


def test_new_posts_never_overwrite(tmp_path: Path) -> None:
    content, static = tmp_path / "content", tmp_path / "static"
    meta = {"title": "General meeting", "date": "2026-11-25T14:30:00+09:00"}
    kwargs = dict(
        folder=content / "announcements",
        static_dir=static,
        day=date(2026, 11, 25),
        meta=meta,
        body="Come!",
    )
    first = write_new_post(**kwargs, photos=[Photo(jpeg())], taken=set())  # type: ignore[arg-type]
    second = write_new_post(**kwargs, photos=[], taken={"2026-11-25-general-meeting-2"})  # type: ignore[arg-type]
    assert first.path == content / "announcements" / "2026-11-25-general-meeting.md"
    assert first.images == (static / "images" / "posts" / "2026-11-25-general-meeting-1.jpg",)
    assert second.path.name == "2026-11-25-general-meeting-3.md"
    text = first.path.read_text()
    assert read_frontmatter(text) == {
        **meta,
        "images": ["/images/posts/2026-11-25-general-meeting-1.jpg"],
    }
    assert text.endswith("---\n\nCome!\n")
    assert sorted(p.name for p in (content / "announcements").iterdir()) == [
        "2026-11-25-general-meeting-3.md",
        "2026-11-25-general-meeting.md",
    ]  # no temporary files left behind


def test_exclusive_write_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "post.md"
    assert write_atomic(target, b"one", exclusive=True)
    assert not write_atomic(target, b"two", exclusive=True)
    assert target.read_bytes() == b"one"
    assert write_atomic(target, b"three")
    assert target.read_bytes() == b"three" and [p.name for p in tmp_path.iterdir()] == ["post.md"]
