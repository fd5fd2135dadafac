"""What differs between two commits, as the files the loader reads: added, modified, deleted
and renamed (found by content, so a moved post keeps its identity)."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence

from dulwich.diff_tree import (
    CHANGE_ADD,
    CHANGE_COPY,
    CHANGE_DELETE,
    CHANGE_MODIFY,
    CHANGE_RENAME,
    RenameDetector,
    TreeChange,
    tree_changes,
)
from dulwich.errors import NotTreeError
from dulwich.object_store import iter_tree_contents, tree_lookup_path
from dulwich.objects import S_ISGITLINK, ObjectID, SubmoduleEncountered
from dulwich.repo import Repo

from .results import FileChange


def lookup(repo: Repo, tree: ObjectID, path: bytes) -> tuple[int, ObjectID] | None:
    """(mode, sha) of `path` in `tree`, or None where the tree has no such path."""
    try:
        return tree_lookup_path(repo.object_store.__getitem__, tree, path)
    except (KeyError, NotTreeError, SubmoduleEncountered):
        return None


def _path(raw: bytes | None) -> str:
    assert raw is not None
    return os.fsdecode(raw)


def file_changes(
    repo: Repo, old_tree: ObjectID | None, new_tree: ObjectID
) -> tuple[FileChange, ...]:
    """Every file added, modified, deleted or renamed (found by content) from one tree to the
    other; submodule entries are not files and are left out."""
    store = repo.object_store
    found: list[FileChange] = []
    if old_tree is None:
        for entry in iter_tree_contents(store, new_tree):
            if entry.mode is not None and not S_ISGITLINK(entry.mode):
                found.append(FileChange("added", _path(entry.path)))
        return tuple(sorted(found, key=lambda c: c.path))
    detector = RenameDetector(store)
    for change in tree_changes(store, old_tree, new_tree, rename_detector=detector):
        found.extend(_file_change(change))
    return tuple(sorted(found, key=lambda c: (c.path, c.kind)))


def _file_change(change: TreeChange) -> list[FileChange]:
    old, new = change.old, change.new
    entry = new if new is not None else old
    if entry is None or (entry.mode is not None and S_ISGITLINK(entry.mode)):
        return []
    if change.type in (CHANGE_ADD, CHANGE_COPY) and new is not None:
        return [FileChange("added", _path(new.path))]
    if change.type == CHANGE_DELETE and old is not None:
        return [FileChange("deleted", _path(old.path))]
    if change.type == CHANGE_MODIFY and new is not None:
        return [FileChange("modified", _path(new.path))]
    if change.type == CHANGE_RENAME and old is not None and new is not None:
        return [FileChange("renamed", _path(new.path), old_path=_path(old.path))]
    return []


def missing_dirs(repo: Repo, tree: ObjectID | None, dirs: Sequence[str]) -> list[str]:
    """The folders of `dirs` that the tree does not have."""
    if tree is None:
        return list(dirs)
    missing: list[str] = []
    for name in dirs:
        clean = name.strip().removeprefix("./").strip("/")
        if not clean or clean == ".":
            continue
        found = lookup(repo, tree, os.fsencode(clean))
        if found is None or not stat.S_ISDIR(found[0]):
            missing.append(name)
    return missing
