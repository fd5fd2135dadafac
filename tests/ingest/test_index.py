"""The post index: lazy entries are parsed only when read, and leave when their file went."""

from __future__ import annotations

from pathlib import Path

from bot.domain import Post
from bot.errors import ContentError
from bot.ingest.index import PostIndex


def _unreadable(path: Path) -> Post:
    raise ContentError(path.name, "no such file")


def test_a_lazy_entry_whose_file_is_gone_still_leaves(tmp_path: Path) -> None:
    index = PostIndex(_unreadable, lambda p: p.name)
    index.add_lazy("party@km", tmp_path / "party.km.md")
    assert index.group("party") == ["party@km"]
    assert index.pop("party@km", None) is None
    assert "party@km" not in index and index.group("party") == [] and len(index) == 0
    assert index.pop("party@km", "absent") == "absent"
