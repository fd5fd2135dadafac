"""Reading the content folders: several folders, sources named from their root, progress."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from bot.ingest.loader import Content
from bot.ingest.parse import ParseContext
from tests.helpers import write_post

CTX = ParseContext(ZoneInfo("Asia/Tokyo"))


def test_posts_and_columns_of_a_checkout(tmp_path: Path) -> None:
    for folder in ("posts", "columns"):
        for i in range(3):
            write_post(tmp_path / folder / f"{folder}-{i}.md", f"{folder} {i}", "Body.")
    (tmp_path / "README.md").write_text("not a post", encoding="utf-8")
    content = Content((tmp_path / "posts", tmp_path / "columns"), CTX, root=tmp_path)
    seen: list[tuple[int, int]] = []
    loaded = content.load_all(progress=lambda done, total: seen.append((done, total)))
    assert sorted(p.source for p in loaded.posts) == [
        *(f"columns/columns-{i}.md" for i in range(3)),
        *(f"posts/posts-{i}.md" for i in range(3)),
    ]
    assert seen[-1] == (6, 6)
    assert content.is_post(tmp_path / "columns/columns-1.md")
    assert not content.is_post(tmp_path / "README.md")
    assert content.path_of("posts/posts-2.md") == tmp_path / "posts/posts-2.md"
