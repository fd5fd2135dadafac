"""Pushing the post files the bot writes: the round trip, a remote that moved on, a conflict,
and commits that could not be pushed at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.ingest.git import FileChange, GitCredentials, GitError, GitSource
from tests.ingest.git_support import TOKYO, Origin, post

BOT = "CSAJ announcements <bot@csaj.example.org>"
NOW = datetime(2024, 4, 14, 18, 30, tzinfo=TOKYO)


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[Origin]:
    remote = Origin(tmp_path / "site.git")
    remote.commit({"posts/230123-1.md": post("70th Anniversary"), "README.md": "# Site\n"})
    yield remote
    remote.close()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "site"


@pytest.fixture
def source(origin: Origin, site: Path) -> GitSource:
    source = GitSource(
        origin.url,
        branch="main",
        checkout=site,
        credentials=GitCredentials(),
        author=BOT,
        clock=lambda: NOW,
    )
    source.sync()
    return source


def write(site: Path, rel: str, data: str | bytes) -> Path:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def test_round_trip(source: GitSource, origin: Origin, site: Path):
    before = origin.head()
    text = post("Khmer New Year party", day="2024-04-20")
    files = [
        write(site, "posts/240420-1.md", text),
        write(site, "public/images/posts/240420-1-1.jpg", b"\xff\xd8 photo"),
    ]
    pushed = source.commit_and_push(files, "Add post: Khmer New Year party")
    assert origin.head() == pushed.encode()
    commit = origin.get(pushed.encode())  # type: ignore[arg-type]
    assert commit.parents == [before]
    assert commit.author == commit.committer == BOT.encode()
    assert commit.author_time == int(NOW.timestamp()) and commit.author_timezone == 9 * 3600
    assert commit.message == b"Add post: Khmer New Year party\n"
    assert origin.files()["posts/240420-1.md"] == text.encode()
    assert origin.files()["public/images/posts/240420-1-1.jpg"] == b"\xff\xd8 photo"
    # the bot's own files do not come back as news, and the checkout is clean
    again = source.sync()
    assert (again.before, again.after, again.changes) == (pushed, pushed, ())


def test_only_the_given_files_are_committed(source: GitSource, origin: Origin, site: Path):
    wanted = write(site, "posts/a.md", post("A"))
    write(site, "posts/draft.md", post("Not yet"))
    write(site, "posts/230123-1.md", post("70th Anniversary", "edited but not given"))
    pushed = source.commit_and_push([wanted], "Add post: A")
    files = origin.files(pushed.encode())  # type: ignore[arg-type]
    assert "posts/a.md" in files and "posts/draft.md" not in files
    assert files["posts/230123-1.md"] == post("70th Anniversary").encode()


def test_paths_relative_to_the_checkout_and_an_edit(source: GitSource, origin: Origin, site: Path):
    write(site, "posts/230123-1.md", post("70th Anniversary", "A corrected text."))
    pushed = source.commit_and_push([Path("posts/230123-1.md")], "Correct the anniversary post")
    assert b"A corrected text." in origin.files(pushed.encode())["posts/230123-1.md"]  # type: ignore[arg-type]


def test_nothing_to_commit_returns_the_head(source: GitSource, origin: Origin, site: Path):
    head = origin.head()
    assert source.commit_and_push([site / "posts/230123-1.md"], "No change") == head.decode()  # type: ignore[union-attr]
    assert origin.head() == head


def test_a_file_removed_by_the_bot_is_committed_as_removed(
    source: GitSource, origin: Origin, site: Path
):
    (site / "posts/230123-1.md").unlink()
    never = site / "posts/never-existed.md"
    pushed = source.commit_and_push([site / "posts/230123-1.md", never], "Remove a post")
    assert "posts/230123-1.md" not in origin.files(pushed.encode())  # type: ignore[arg-type]
    assert source.sync().changes == ()


def test_paths_outside_the_checkout_are_refused(source: GitSource, tmp_path: Path, site: Path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(post("Elsewhere"), encoding="utf-8")
    with pytest.raises(GitError, match="not inside the checkout"):
        source.commit_and_push([outside], "Nope")
    with pytest.raises(GitError, match="not inside the checkout"):
        source.commit_and_push([Path("../elsewhere.md")], "Nope")
    with pytest.raises(GitError, match=r"inside \.git"):
        source.commit_and_push([site / ".git" / "config"], "Nope")


def test_a_rejected_push_is_rebased_and_pushed(source: GitSource, origin: Origin, site: Path):
    editor = origin.commit({"columns/240415-1.md": post("Studying in Japan")}, "New column")
    mine = write(site, "posts/240420-1.md", post("Party"))
    pushed = source.commit_and_push([mine], "Add post: Party")
    assert origin.head() == pushed.encode()
    commit = origin.get(pushed.encode())  # type: ignore[arg-type]
    assert commit.parents == [editor]
    assert commit.author == BOT.encode() and commit.message == b"Add post: Party\n"
    assert {"posts/240420-1.md", "columns/240415-1.md"} <= set(origin.files())
    assert (site / "columns/240415-1.md").is_file()  # the editor's file is checked out too
    # what the editor pushed is still reported once by the next sync
    result = source.sync()
    assert result.changes == (FileChange("added", "columns/240415-1.md"),)
    assert source.sync().changes == ()


def test_a_conflicting_push_gives_up_clearly(source: GitSource, origin: Origin, site: Path):
    theirs = post("70th Anniversary", "The editor's correction.")
    editor = origin.commit({"posts/230123-1.md": theirs}, "Fix the anniversary post")
    mine = write(site, "posts/230123-1.md", post("70th Anniversary", "The bot's version."))
    with pytest.raises(GitError) as caught:
        source.commit_and_push([mine], "Edit post: 70th Anniversary")
    message = str(caught.value)
    assert "posts/230123-1.md changed on the remote too" in message
    assert "stays local" in message
    assert origin.head() == editor  # nothing was pushed
    # the remote wins at the next sync, which says which commit was dropped
    result = source.sync()
    assert result.after == editor.decode()
    assert len(result.dropped) == 1 and "Edit post: 70th Anniversary" in result.dropped[0]
    assert result.changes == (FileChange("modified", "posts/230123-1.md"),)
    assert (site / "posts/230123-1.md").read_text(encoding="utf-8") == theirs


def test_commits_not_pushed_are_kept_and_pushed_later(
    source: GitSource, origin: Origin, site: Path
):
    away = origin.path.with_name("away.git")
    origin.path.rename(away)  # the remote is gone for a while
    first = write(site, "posts/240420-1.md", post("First"))
    with pytest.raises(GitError):
        source.commit_and_push([first], "Add post: First")
    away.rename(origin.path)
    editor = origin.commit({"columns/c.md": post("Column")}, "New column")
    # a sync keeps the local commit, re-applied on what the editor pushed
    result = source.sync()
    assert result.dropped == ()
    assert result.after != editor.decode()
    assert result.changes == (FileChange("added", "columns/c.md"),)
    assert (site / "posts/240420-1.md").is_file()
    second = write(site, "posts/240421-1.md", post("Second"))
    pushed = source.commit_and_push([second], "Add post: Second")
    top = origin.get(pushed.encode())  # type: ignore[arg-type]
    below = origin.get(top.parents[0])
    assert below.message == b"Add post: First\n" and below.parents == [editor]
    assert {"posts/240420-1.md", "posts/240421-1.md", "columns/c.md"} <= set(origin.files())


def test_push_before_any_clone_is_an_error(origin: Origin, tmp_path: Path):
    source = GitSource(
        origin.url, branch="main", checkout=tmp_path / "nothing", credentials=GitCredentials()
    )
    with pytest.raises(GitError, match="not cloned yet"):
        source.commit_and_push([tmp_path / "nothing" / "posts/x.md"], "Nope")
