"""Commits the bot makes: whole files written into a new commit, and those commits re-applied
on top of a remote that moved on (the bot only adds or edits whole files, so re-applying its
files on the new head is a correct rebase; a file both sides changed is a conflict)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from dulwich.diff_tree import tree_changes
from dulwich.graph import can_fast_forward
from dulwich.object_store import commit_tree_changes
from dulwich.objects import Blob, Commit, ObjectID
from dulwich.repo import Repo

from .checkout import commit_of, tree_of

AUTHOR_RE = re.compile(r"^[^<>\n]*[^<>\s][^<>\n]* <[^<>\s@]+@[^<>\s]+>$")
FileEdit = tuple[bytes, int | None, ObjectID | None]  # path, mode, blob id (None: removed)


class Conflict(Exception):
    """The same file changed on both sides; `commit` could not be re-applied."""

    def __init__(self, commit: Commit, paths: Sequence[str]) -> None:
        self.commit = commit
        self.paths = list(paths)
        super().__init__(f"{', '.join(self.paths)} changed on the remote too")


def identity(author: str) -> bytes:
    if not AUTHOR_RE.match(author):
        raise ValueError(f"author {author!r} must look like 'Name <email@example.org>'")
    return author.encode("utf-8")


def short(sha: bytes | str) -> str:
    text = sha.decode() if isinstance(sha, bytes) else sha
    return text[:7]


def subject(commit: Commit) -> str:
    first = commit.message.decode("utf-8", "replace").strip().splitlines()
    return first[0] if first else ""


def describe(commit: Commit) -> str:
    return f"{short(commit.id)} ({subject(commit)!r})"


def file_edits(repo: Repo, rel_paths: Sequence[str]) -> list[FileEdit]:
    """Blobs for the files as they are on disk now; a missing file is an edit that removes it."""
    root = Path(os.fsdecode(repo.path))
    edits: list[FileEdit] = []
    for rel in rel_paths:
        full = root / rel
        try:
            info = full.lstat()
        except FileNotFoundError:
            edits.append((os.fsencode(rel), None, None))
            continue
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{rel} is not a regular file")
        blob = Blob.from_string(full.read_bytes())
        repo.object_store.add_object(blob)
        mode = 0o100755 if info.st_mode & stat.S_IXUSR else 0o100644
        edits.append((os.fsencode(rel), mode, blob.id))
    return edits


def make_commit(
    repo: Repo,
    tree: ObjectID,
    parents: Sequence[ObjectID],
    message: str | bytes,
    *,
    author: bytes,
    committer: bytes,
    when: datetime,
    authored: tuple[int, int] | None = None,
) -> Commit:
    offset = when.utcoffset()
    if offset is None:
        raise ValueError("commit times must be timezone-aware")
    commit = Commit()
    commit.tree = tree
    commit.parents = list(parents)
    commit.author, commit.committer = author, committer
    commit.commit_time = int(when.timestamp())
    commit.commit_timezone = int(offset.total_seconds())
    commit.author_time, commit.author_timezone = authored or (
        commit.commit_time,
        commit.commit_timezone,
    )
    text = message if isinstance(message, bytes) else message.encode("utf-8")
    commit.message = text if text.endswith(b"\n") else text + b"\n"
    repo.object_store.add_object(commit)
    return commit


def edits_between(repo: Repo, old_tree: ObjectID, new_tree: ObjectID) -> list[FileEdit]:
    """What a commit did, as whole-file edits (no rename detection: paths are what count)."""
    edits: list[FileEdit] = []
    for change in tree_changes(repo.object_store, old_tree, new_tree):
        if change.new is not None and change.new.path is not None:
            edits.append((change.new.path, change.new.mode, change.new.sha))
        old = change.old
        if (
            old is not None
            and old.path is not None
            and (change.new is None or change.new.path != old.path)
        ):
            edits.append((old.path, None, None))
    return edits


def is_ancestor(repo: Repo, ancestor: ObjectID, descendant: ObjectID) -> bool:
    return ancestor in repo.object_store and can_fast_forward(repo, ancestor, descendant)


def local_commits(
    repo: Repo, head: ObjectID, base: ObjectID | None, limit: int = 200
) -> list[Commit] | None:
    """The commits from `base` (excluded) to `head`, oldest first, following first parents;
    None when `base` is not found that way (a history the bot did not make)."""
    if base is None:
        return None
    found: list[Commit] = []
    sha = head
    while sha != base:
        if len(found) >= limit:
            return None
        commit = commit_of(repo, sha)
        found.append(commit)
        if not commit.parents:
            return None
        sha = commit.parents[0]
    return list(reversed(found))


def replay(
    repo: Repo,
    commits: Sequence[Commit],
    *,
    onto: ObjectID,
    base: ObjectID | None,
    committer: bytes,
    when: datetime,
) -> ObjectID:
    """Re-apply `commits` (made on `base`) on top of `onto`; the new head. Authors, author
    dates and messages stay; a commit whose files the remote already has is left out."""
    onto_tree = tree_of(repo, onto)
    theirs: dict[bytes, tuple[int | None, ObjectID | None]] = {}
    if base is not None:
        theirs = {p: (m, s) for p, m, s in edits_between(repo, tree_of(repo, base), onto_tree)}
    tip, tip_tree = onto, onto_tree
    for commit in commits:
        # every commit from `local_commits` has a parent: it stops at a parentless one
        mine = edits_between(repo, tree_of(repo, commit.parents[0]), commit.tree)
        clashes = [
            os.fsdecode(path)
            for path, mode, sha in mine
            if path in theirs and theirs[path] != (mode, sha)
        ]
        if clashes:
            raise Conflict(commit, clashes)
        new_tree = commit_tree_changes(repo.object_store, tip_tree, mine)
        if new_tree == tip_tree:
            continue  # the remote has these files already
        rebuilt = make_commit(
            repo,
            new_tree,
            [tip],
            commit.message,
            author=commit.author,
            committer=committer,
            when=when,
            authored=(commit.author_time, commit.author_timezone),
        )
        tip, tip_tree = rebuilt.id, new_tree
    return tip
