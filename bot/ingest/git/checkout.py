"""The bot's own clone on disk: opening and checking it, cloning into place, and moving the
working tree from one commit to another (tracked files edited by hand are put back)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from dulwich.diff_tree import CHANGE_MODIFY, TreeChange, tree_changes
from dulwich.errors import (
    ApplyDeltaError,
    ChecksumMismatch,
    FileFormatException,
    NotGitRepository,
    WrongObjectException,
)
from dulwich.index import (
    apply_stat_refresh,
    build_index_from_tree,
    get_unstaged_changes,
    update_working_tree,
)
from dulwich.objects import Commit, ObjectID, Tree, TreeEntry
from dulwich.refs import Ref
from dulwich.repo import Repo

from .changes import lookup

HEADS = b"refs/heads/"
ORIGIN = b"refs/remotes/origin/"
SYNCED = Ref(b"refs/bot/synced")  # the commit whose changes the last sync reported
HEAD = Ref(b"HEAD")


class DamagedCheckout(Exception):
    """The checkout cannot be used as it is: it is cloned again."""


# what reading a truncated or garbled object store raises
CORRUPTION: tuple[type[BaseException], ...] = (
    KeyError,
    ValueError,
    EOFError,
    struct.error,
    zlib.error,
    ChecksumMismatch,
    ApplyDeltaError,
    FileFormatException,
    WrongObjectException,
)

UNOPENABLE: tuple[type[BaseException], ...] = (NotGitRepository, OSError, *CORRUPTION)


@contextmanager
def damage_guard() -> Iterator[None]:
    """Errors of a damaged object store, raised anywhere inside, become `DamagedCheckout`."""
    try:
        yield
    except CORRUPTION as exc:
        raise DamagedCheckout(f"{type(exc).__name__}: {exc}") from None


def folder_state(path: Path) -> Literal["missing", "empty", "repo", "foreign"]:
    if not path.exists():
        return "missing"
    if not path.is_dir():
        return "foreign"
    if (path / ".git").exists():
        return "repo"
    return "foreign" if any(path.iterdir()) else "empty"


@contextmanager
def open_repo(path: Path) -> Iterator[Repo]:
    try:
        repo = Repo(str(path))
    except UNOPENABLE as exc:
        raise DamagedCheckout(f"cannot open the repository: {exc}") from None
    try:
        yield repo
    finally:
        repo.close()


def branch_ref(prefix: bytes, branch: str) -> Ref:
    return Ref(prefix + branch.encode())


def ref(repo: Repo, name: bytes) -> ObjectID | None:
    try:
        return repo.refs[Ref(name)]
    except CORRUPTION:
        return None


def commit_of(repo: Repo, sha: ObjectID) -> Commit:
    try:
        obj = repo[sha]
    except CORRUPTION as exc:
        raise DamagedCheckout(f"commit {sha[:7].decode()} is missing or broken: {exc}") from None
    if not isinstance(obj, Commit):
        raise DamagedCheckout(f"{sha[:7].decode()} is not a commit")
    return obj


def tree_of(repo: Repo, sha: ObjectID) -> ObjectID:
    tree = commit_of(repo, sha).tree
    try:
        if not isinstance(repo[tree], Tree):
            raise DamagedCheckout(f"the tree of {sha[:7].decode()} is not a tree")
    except CORRUPTION as exc:
        raise DamagedCheckout(f"the tree of {sha[:7].decode()} is missing: {exc}") from None
    return tree


def remote_url(repo: Repo) -> str | None:
    try:
        return repo.get_config().get((b"remote", b"origin"), b"url").decode()
    except KeyError:
        return None


def verify(repo: Repo) -> ObjectID | None:
    """The commit checked out (after checking that it and its tree load)."""
    head = ref(repo, HEAD)
    if head is None:
        return None
    tree_of(repo, head)
    return head


def set_refs(
    repo: Repo,
    branch: str,
    *,
    head: ObjectID | None = None,
    origin: ObjectID | None = None,
    synced: ObjectID | None = None,
) -> None:
    if head is not None:
        repo.refs[branch_ref(HEADS, branch)] = head
        repo.refs.set_symbolic_ref(HEAD, branch_ref(HEADS, branch))
    if origin is not None:
        repo.refs[branch_ref(ORIGIN, branch)] = origin
    if synced is not None:
        repo.refs[SYNCED] = synced


def write_link_as_file(source: str | bytes | os.PathLike[str], target: object) -> None:
    """Symbolic links are checked out as small files holding their target, as git does with
    `core.symlinks = false`: nothing in the checkout points outside it."""
    data = source if isinstance(source, bytes) else os.fsencode(source)
    with open(target, "wb") as handle:  # type: ignore[call-overload]
        handle.write(data)


def clone_into_place(
    path: Path, config_url: str, branch: str, fetch: Callable[[Repo], ObjectID]
) -> ObjectID:
    """Clone beside `path` and move the result into place: a clone cut short never shows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.clone-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = path.parent / f".{path.name}.clone-{secrets.token_hex(4)}"
    try:
        with Repo.init(str(tmp), mkdir=True, symlinks=False) as repo:
            configure(repo, config_url, branch)
            sha = fetch(repo)
            tree = tree_of(repo, sha)
            build_index_from_tree(
                repo.path,
                repo.index_path(),
                repo.object_store,
                tree,
                symlink_fn=write_link_as_file,
            )
            set_refs(repo, branch, head=sha, origin=sha, synced=sha)
        _place(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sha


def configure(repo: Repo, config_url: str, branch: str) -> None:
    config = repo.get_config()
    config.set((b"remote", b"origin"), b"url", config_url.encode())
    refspec = f"+refs/heads/{branch}:refs/remotes/origin/{branch}"
    config.set((b"remote", b"origin"), b"fetch", refspec.encode())
    config.set((b"branch", branch.encode()), b"remote", b"origin")
    config.set((b"branch", branch.encode()), b"merge", HEADS + branch.encode())
    config.set((b"core",), b"symlinks", False)
    config.write_to_path()


def _rebuild_index(repo: Repo, tree: ObjectID) -> None:
    """A new index, and the files, as of `tree`."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(repo.index_path())
    build_index_from_tree(
        repo.path, repo.index_path(), repo.object_store, tree, symlink_fn=write_link_as_file
    )


def _place(tmp: Path, path: Path) -> None:
    """Move the finished clone to `path`. A folder that is a mount point or a link to a
    folder elsewhere stays where it is: the clone moves into it."""
    if path.is_symlink() and not path.exists():
        path.unlink()  # a link to nothing
    if not path.exists():
        os.replace(tmp, path)
        return
    for child in path.iterdir():  # a damaged clone: the bot's own files
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if not path.is_symlink():
        try:
            path.rmdir()
            os.replace(tmp, path)
            return
        except OSError:  # a mount point
            path.mkdir(exist_ok=True)
    for child in tmp.iterdir():
        shutil.move(child, path / child.name)  # may be another file system
    tmp.rmdir()


def move_worktree(repo: Repo, old_tree: ObjectID | None, new_tree: ObjectID) -> None:
    """Make the files and the index those of `new_tree`; tracked files changed or removed by
    hand since `old_tree` are restored too. Untracked files stay unless the tree brings them."""
    store = repo.object_store
    changes = list(tree_changes(store, old_tree, new_tree))
    try:
        index = repo.open_index()
    except Exception:  # a missing, truncated or garbled index: any parse error
        _rebuild_index(repo, old_tree or new_tree)
        index = repo.open_index()
    refreshed: list[tuple[bytes, os.stat_result]] = []
    dirty = set(get_unstaged_changes(index, repo.path, refresh_stat=refreshed))
    if refreshed and apply_stat_refresh(index, refreshed):
        index.write()
    touched = {e.path for c in changes for e in (c.old, c.new) if e is not None}
    for path in sorted(dirty - touched):
        found = lookup(repo, new_tree, path)
        if found is None:
            entry = index[path]
            old = TreeEntry(path, entry.mode, entry.sha)  # type: ignore[union-attr]
            changes.append(TreeChange.delete(old))
            continue
        wanted = TreeEntry(path, *found)
        changes.append(TreeChange(CHANGE_MODIFY, wanted, wanted))
    if changes:
        update_working_tree(
            repo,
            old_tree,
            new_tree,
            iter(changes),
            symlink_fn=write_link_as_file,
            allow_overwrite_modified=True,
        )
