"""Committing the files the bot wrote and pushing them, re-applied on a remote that moved on."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from dulwich.index import index_entry_from_stat
from dulwich.object_store import commit_tree_changes
from dulwich.objects import ObjectID
from dulwich.repo import Repo

import bot.ingest.git.checkout as co

from .changes import lookup
from .commits import Conflict, describe, file_edits, local_commits, make_commit, replay, short
from .credentials import GitError
from .remote import Remote

log = logging.getLogger(__name__)
PUSH_ATTEMPTS = 4


def relative_paths(root: Path, paths: Sequence[Path], secrets: Sequence[str]) -> list[str]:
    """Checkout-relative POSIX paths; each must lie inside the checkout and outside `.git`.
    A relative path is taken from the working directory when that lands inside the checkout
    (`data/site/posts/x.md`), else from the checkout root (`posts/x.md`)."""
    base = root.resolve()
    found: list[str] = []
    for given in paths:
        path = Path(given)
        if not path.is_absolute():
            from_cwd = Path.cwd() / path
            path = from_cwd if _inside(from_cwd, base) else base / path
        full = Path(os.path.normpath(path.parent.resolve() / path.name))
        if not _inside(full, base) or full == base:
            raise GitError(f"{given} is not inside the checkout {root}", secrets=secrets)
        rel = full.relative_to(base).as_posix()
        if rel.split("/", 1)[0] == ".git":
            raise GitError(f"{given} is inside .git; only site files are committed")
        if full.is_dir():
            raise GitError(f"{given} is a folder; name the files to commit")
        if rel not in found:
            found.append(rel)
    return found


def _inside(path: Path, base: Path) -> bool:
    try:
        Path(os.path.normpath(path.parent.resolve() / path.name)).relative_to(base)
    except ValueError:
        return False
    return True


def commit_files(
    repo: Repo,
    root: Path,
    branch: str,
    paths: Sequence[Path],
    message: str,
    *,
    author: bytes,
    when: datetime,
    secrets: Sequence[str],
) -> ObjectID | None:
    """A commit of exactly these files on top of HEAD (None when they match HEAD already)."""
    rels = relative_paths(root, paths, secrets)
    head = co.ref(repo, co.HEAD)
    if head is None:
        raise GitError(f"{root} has no commit checked out; sync before pushing")
    try:
        edits = file_edits(repo, rels)
    except (OSError, ValueError) as exc:
        raise GitError(f"cannot commit: {exc}", secrets=secrets) from None
    head_tree = co.tree_of(repo, head)
    # a file gone from disk that HEAD never had is nothing to commit
    edits = [e for e in edits if e[2] is not None or lookup(repo, head_tree, e[0]) is not None]
    new_tree = commit_tree_changes(repo.object_store, head_tree, edits)
    if new_tree == head_tree:
        return None
    commit = make_commit(
        repo, new_tree, [head], message, author=author, committer=author, when=when
    )
    index = repo.open_index()
    for rel, mode, sha in edits:
        if sha is None:
            if rel in index:
                del index[rel]
            continue
        info = os.lstat(os.path.join(repo.path, os.fsdecode(rel)))
        index[rel] = index_entry_from_stat(info, sha, mode)
    index.write()
    synced = co.ref(repo, co.SYNCED)
    # the bot's own files need not come back as changes at the next sync
    co.set_refs(repo, branch, head=commit.id, synced=commit.id if synced == head else None)
    log.info("git: committed %s (%d files)", describe(commit), len(edits))
    return commit.id


def push_head(
    repo: Repo, remote: Remote, branch: str, *, author: bytes, clock: Callable[[], datetime]
) -> ObjectID:
    """Push HEAD (with any earlier commits not pushed yet) to `branch`; the pushed commit id."""
    origin_ref = co.ORIGIN + branch.encode()
    head = co.ref(repo, co.HEAD)
    assert head is not None
    for _attempt in range(PUSH_ATTEMPTS):
        head = co.ref(repo, co.HEAD)
        origin = co.ref(repo, origin_ref)
        assert head is not None
        if head == origin:
            return head
        outcome = remote.push(repo, branch, head, origin)
        if outcome.pushed:
            co.set_refs(repo, branch, origin=head)
            log.info("git: pushed %s to %s %s", short(head), remote.display, branch)
            return head
        if not outcome.behind:
            raise GitError(
                f"{remote.display} refused the push of {short(head)} to {branch}: "
                f"{outcome.reason or 'no reason given'}; the commit stays local",
                secrets=remote.secrets,
            )
        _rebase(repo, remote, branch, head, origin, author=author, when=clock())
    raise GitError(
        f"{remote.display} {branch} kept moving: {short(head or b'')} was not pushed after "
        f"{PUSH_ATTEMPTS} attempts; it stays local and is pushed with the next commit",
        retryable=True,
        secrets=remote.secrets,
    )


def _rebase(
    repo: Repo,
    remote: Remote,
    branch: str,
    head: ObjectID,
    origin: ObjectID | None,
    *,
    author: bytes,
    when: datetime,
) -> None:
    """Fetch the new remote head and re-apply the local commits on it."""
    fresh = remote.fetch(repo, branch)
    pending = local_commits(repo, head, origin)
    if pending is None:
        raise GitError(f"the local history at {short(head)} was not made by the bot; not pushed")
    try:
        target = replay(repo, pending, onto=fresh, base=origin, committer=author, when=when)
    except Conflict as exc:
        raise GitError(
            f"cannot push {describe(exc.commit)} to {branch}: {exc}; the commit stays local "
            "and the remote's version wins at the next sync",
            secrets=remote.secrets,
        ) from None
    co.move_worktree(repo, co.tree_of(repo, head), co.tree_of(repo, target))
    co.set_refs(repo, branch, head=target, origin=fresh)
    log.info("git: %s moved on; re-applied %d commits on %s", branch, len(pending), short(fresh))
