"""Following the website's repository: every kind of change a push can bring, reported once and
checked out on disk."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest.git import FileChange, GitCredentials, GitError, GitSource
from tests.ingest.git_support import Origin, post


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[Origin]:
    remote = Origin(tmp_path / "site.git")
    remote.commit(
        {
            "posts/230123-1.md": post("70th Anniversary"),
            "columns/221220-1.md": post("Living in Japan"),
            "public/images/posts/230123-1-1.jpeg": b"\xff\xd8\xff\xe0 jpeg bytes",
            "README.md": "# CSAJ Website\n",
        },
        "Initial site",
    )
    yield remote
    remote.close()


def source_for(origin: Origin, checkout: Path, **kwargs: object) -> GitSource:
    return GitSource(
        origin.url,
        branch=origin.branch,
        checkout=checkout,
        credentials=GitCredentials(),
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "data" / "site"


@pytest.fixture
def source(origin: Origin, site: Path) -> GitSource:
    return source_for(origin, site)


def test_first_sync_clones_and_reports_every_file(source: GitSource, origin: Origin, site: Path):
    result = source.sync()
    assert result.cloned and not result.forced
    assert result.before is None
    assert result.after == origin.head().decode()  # type: ignore[union-attr]
    assert {c.path for c in result.changes} == set(origin.files())
    assert all(c.kind == "added" for c in result.changes)
    assert (site / "posts/230123-1.md").read_text(encoding="utf-8") == post("70th Anniversary")
    assert source.head() == result.after
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site.clone-")]


def test_a_sync_with_nothing_new_reports_nothing(source: GitSource):
    first = source.sync()
    again = source.sync()
    assert (again.before, again.after, again.changes) == (first.after, first.after, ())
    assert not again.cloned and not again.forced


def test_new_post_edit_and_image(source: GitSource, origin: Origin, site: Path):
    source.sync()
    origin.commit(
        {
            "posts/240414-1.md": post("Khmer New Year", day="2024-04-14"),
            "public/images/posts/240414-1-1.jpg": b"\xff\xd8 new photo",
            "posts/230123-1.md": post("70th Anniversary", "Corrected text."),
        }
    )
    result = source.sync()
    assert set(result.changes) == {
        FileChange("added", "posts/240414-1.md"),
        FileChange("added", "public/images/posts/240414-1-1.jpg"),
        FileChange("modified", "posts/230123-1.md"),
    }
    assert "Corrected text." in (site / "posts/230123-1.md").read_text(encoding="utf-8")
    assert (site / "public/images/posts/240414-1-1.jpg").read_bytes() == b"\xff\xd8 new photo"


def test_a_rename_keeps_its_identity(source: GitSource, origin: Origin, site: Path):
    source.sync()
    text = post("70th Anniversary")
    origin.commit({"posts/230123-1.md": None, "posts/2023/70th-anniversary.md": text + "\n"})
    result = source.sync()
    assert result.changes == (
        FileChange("renamed", "posts/2023/70th-anniversary.md", old_path="posts/230123-1.md"),
    )
    assert not (site / "posts/230123-1.md").exists()
    assert (site / "posts/2023/70th-anniversary.md").is_file()


def test_delete(source: GitSource, origin: Origin, site: Path):
    source.sync()
    origin.commit({"columns/221220-1.md": None})
    result = source.sync()
    assert result.changes == (FileChange("deleted", "columns/221220-1.md"),)
    assert not (site / "columns/221220-1.md").exists()
    assert not (site / "columns").exists()  # an emptied folder goes too


def test_merge_commit_reports_both_sides(source: GitSource, origin: Origin, site: Path):
    start = source.sync()
    base = origin.head()
    assert base is not None
    side = origin.commit({"posts/side.md": post("From a branch")}, parents=[base], move=False)
    main = origin.commit({"posts/main.md": post("On main")})
    merged_files = {"posts/side.md": post("From a branch")}
    merge = origin.commit(merged_files, "Merge branch 'side'", parents=[main, side])
    result = source.sync()
    assert result.before == start.after and result.after == merge.decode()
    assert not result.forced
    assert {c.path for c in result.changes} == {"posts/side.md", "posts/main.md"}
    assert (site / "posts/side.md").is_file() and (site / "posts/main.md").is_file()


def test_an_empty_commit_changes_nothing(source: GitSource, origin: Origin):
    source.sync()
    empty = origin.commit({}, "Trigger a rebuild")
    result = source.sync()
    assert result.after == empty.decode() and result.changes == ()


def test_force_push_reports_only_real_differences(source: GitSource, origin: Origin, site: Path):
    source.sync()
    base = origin.head()
    assert base is not None
    origin.commit({"posts/oops.md": post("Posted by mistake")})
    origin.commit({"posts/kept.md": post("Kept"), "README.md": "# CSAJ\n"})
    source.sync()
    # history rewritten: the mistake is gone, "kept" is re-made with identical content
    origin.move_branch(base)
    rewritten = origin.commit({"posts/kept.md": post("Kept"), "README.md": "# CSAJ\n"}, "Redo")
    result = source.sync()
    assert result.forced
    assert result.after == rewritten.decode()
    assert result.changes == (FileChange("deleted", "posts/oops.md"),)
    assert not (site / "posts/oops.md").exists()
    assert source.head() == rewritten.decode()


def test_local_edits_are_reset_to_the_remote(source: GitSource, origin: Origin, site: Path):
    source.sync()
    (site / "posts/230123-1.md").write_text("scribbled on the server", encoding="utf-8")
    (site / "columns/221220-1.md").unlink()
    (site / "notes.txt").write_text("untracked", encoding="utf-8")
    result = source.sync()
    assert result.changes == ()
    assert (site / "posts/230123-1.md").read_text(encoding="utf-8") == post("70th Anniversary")
    assert (site / "columns/221220-1.md").is_file()
    assert (site / "notes.txt").read_text(encoding="utf-8") == "untracked"


def test_large_binary_file(source: GitSource, origin: Origin, site: Path):
    source.sync()
    video = os.urandom(3 * 1024 * 1024) + b"\x00binary"
    origin.commit({"public/video/festival.mp4": video})
    result = source.sync()
    assert result.changes == (FileChange("added", "public/video/festival.mp4"),)
    assert (site / "public/video/festival.mp4").read_bytes() == video


def test_multilingual_paths(source: GitSource, origin: Origin, site: Path):
    source.sync()
    origin.commit({"posts/ចូលឆ្នាំ-お正月.md": post("ចូលឆ្នាំខ្មែរ")})
    result = source.sync()
    assert result.changes == (FileChange("added", "posts/ចូលឆ្នាំ-お正月.md"),)
    assert (site / "posts/ចូលឆ្នាំ-お正月.md").is_file()


def test_a_file_url(origin: Origin, site: Path):
    source = GitSource(
        f"file://{origin.path}", branch="main", checkout=site, credentials=GitCredentials()
    )
    assert source.sync().cloned
    origin.commit({"posts/new.md": post("New")})
    assert source.sync().changes == (FileChange("added", "posts/new.md"),)


def test_following_another_branch(origin: Origin, site: Path):
    source_for(origin, site).sync()
    base = origin.head()
    assert base is not None
    origin.repo.refs[b"refs/heads/next"] = origin.commit(  # type: ignore[index]
        {"posts/next.md": post("Next")}, parents=[base], move=False
    )
    result = GitSource(
        origin.url, branch="next", checkout=site, credentials=GitCredentials()
    ).sync()
    assert result.changes == (FileChange("added", "posts/next.md"),)
    from dulwich.repo import Repo

    with Repo(str(site)) as repo:
        assert repo.refs.get_symrefs()[b"HEAD"] == b"refs/heads/next"  # type: ignore[index]
        assert b"refs/heads/next" in repo.get_config().get((b"branch", b"next"), b"merge")


def test_missing_dirs(source: GitSource, origin: Origin):
    assert source.missing_dirs(["posts"]) == ["posts"]  # nothing cloned yet
    source.sync()
    assert source.missing_dirs(["posts", "columns/", "./public", "news", "README.md"]) == [
        "news",
        "README.md",
    ]


# -- faults: the checkout stays on the last good commit -----------------------------------------
def test_deleted_branch_is_an_error_and_the_checkout_stays(
    source: GitSource, origin: Origin, site: Path
):
    good = source.sync().after
    origin.delete_branch()
    origin.repo.refs[b"refs/heads/draft"] = good.encode()  # type: ignore[index]
    with pytest.raises(GitError) as caught:
        source.sync()
    assert not caught.value.retryable
    assert "branch 'main' does not exist" in str(caught.value) and "draft" in str(caught.value)
    assert source.head() == good
    assert (site / "posts/230123-1.md").is_file()


def test_unreachable_remote_is_retryable_and_the_checkout_stays(
    origin: Origin, site: Path, tmp_path: Path
):
    good = source_for(origin, site).sync().after
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # same folder, now following a remote that does not answer
    shutil.copytree(site, tmp_path / "copy")
    unreachable = GitSource(
        f"http://127.0.0.1:{port}/site.git",
        branch="main",
        checkout=tmp_path / "copy",
        credentials=GitCredentials(),
        timeout=2,
    )
    _config_url(tmp_path / "copy", f"http://127.0.0.1:{port}/site.git")
    with pytest.raises(GitError) as caught:
        unreachable.sync()
    assert caught.value.retryable
    assert "cannot reach" in str(caught.value)
    assert unreachable.head() == good


def test_not_a_repository(tmp_path: Path):
    plain = tmp_path / "just-a-folder"
    plain.mkdir()
    (plain / "index.html").write_text("<html></html>", encoding="utf-8")
    source = GitSource(
        str(plain), branch="main", checkout=tmp_path / "site", credentials=GitCredentials()
    )
    with pytest.raises(GitError) as caught:
        source.sync()
    assert "not a git repository" in str(caught.value) and not caught.value.retryable
    assert not (tmp_path / "site").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.clone-")]


def test_empty_remote(tmp_path: Path):
    empty = Origin(tmp_path / "empty.git")
    source = GitSource(
        empty.url, branch="main", checkout=tmp_path / "site", credentials=GitCredentials()
    )
    with pytest.raises(GitError, match="no branches yet"):
        source.sync()
    empty.close()


def test_a_damaged_checkout_is_cloned_again(source: GitSource, origin: Origin, site: Path):
    first = source.sync()
    origin.commit({"posts/new.md": post("New")})
    for pack in (site / ".git/objects/pack").glob("*"):
        pack.write_bytes(b"garbage")
    result = source.sync()
    assert result.cloned
    assert result.after == origin.head().decode()  # type: ignore[union-attr]
    # the commit it had reached is known again after the clone: only the news is reported
    assert result.before == first.after
    assert result.changes == (FileChange("added", "posts/new.md"),)
    assert (site / "posts/new.md").is_file()


def test_a_garbled_index_is_rebuilt(source: GitSource, origin: Origin, site: Path):
    source.sync()
    (site / ".git/index").write_bytes(b"DIRC\x00\x00\x00\x02 cut short")
    origin.commit({"posts/new.md": post("New"), "columns/221220-1.md": None})
    result = source.sync()
    assert not result.cloned
    assert set(result.changes) == {
        FileChange("added", "posts/new.md"),
        FileChange("deleted", "columns/221220-1.md"),
    }
    assert (site / "posts/new.md").is_file() and not (site / "columns/221220-1.md").exists()
    assert source.sync().changes == ()


def test_a_half_written_checkout_is_cloned_again(source: GitSource, origin: Origin, site: Path):
    site.mkdir(parents=True)
    (site / ".git").mkdir()  # a clone cut short before anything useful was written
    result = source.sync()
    assert result.cloned and (site / "posts/230123-1.md").is_file()


def test_a_checkout_behind_a_link_stays_behind_it(origin: Origin, tmp_path: Path):
    disk = tmp_path / "bigger-disk" / "site"
    disk.mkdir(parents=True)
    link = tmp_path / "data" / "site"
    link.parent.mkdir()
    link.symlink_to(disk, target_is_directory=True)
    source = source_for(origin, link)
    assert source.sync().cloned
    assert link.is_symlink() and (disk / "posts/230123-1.md").is_file()
    for pack in (disk / ".git/objects/pack").glob("*"):
        pack.write_bytes(b"garbage")  # damaged: cloned again, into the same place
    assert source.sync().cloned
    assert link.is_symlink() and (disk / ".git").is_dir() and (disk / "README.md").is_file()


def test_a_folder_with_other_files_is_never_replaced(source: GitSource, site: Path):
    site.mkdir(parents=True)
    (site / "mine.txt").write_text("someone's file", encoding="utf-8")
    with pytest.raises(GitError, match="not a git checkout"):
        source.sync()
    assert (site / "mine.txt").read_text(encoding="utf-8") == "someone's file"


def test_a_checkout_of_another_repository_is_refused(origin: Origin, site: Path, tmp_path: Path):
    source_for(origin, site).sync()
    other = Origin(tmp_path / "other.git")
    other.commit({"posts/x.md": post("X")})
    with pytest.raises(GitError, match="is a clone of"):
        source_for(other, site).sync()
    other.close()


def _config_url(checkout: Path, url: str) -> None:
    from dulwich.repo import Repo

    with Repo(str(checkout)) as repo:
        config = repo.get_config()
        config.set((b"remote", b"origin"), b"url", url.encode())
        config.write_to_path()
