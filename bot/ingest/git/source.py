"""Follow the website's repository: clone, fetch and fast-forward (or reset to a rewritten
branch), report what changed, and push the files the bot writes. Blocking: callers run it in
a thread. Calls on one source are serialised."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from dulwich.objects import Commit, ObjectID
from dulwich.repo import Repo

import bot.ingest.git.checkout as co

from .changes import file_changes, missing_dirs
from .checkout import DamagedCheckout
from .commits import Conflict, describe, identity, is_ancestor, local_commits, replay, short
from .credentials import GitCredentials, GitError
from .push import commit_files, push_head
from .remote import Remote
from .results import SyncResult

log = logging.getLogger(__name__)


class GitSource:
    def __init__(
        self,
        url: str,
        *,
        branch: str,
        checkout: Path,
        credentials: GitCredentials,
        author: str = "Announcement bot <bot@example.org>",
        timeout: float = 60.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.branch = branch
        self.checkout = Path(checkout)
        self.remote = Remote(url, credentials, timeout=timeout)
        try:
            self._author = identity(author)
        except ValueError as exc:
            raise GitError(str(exc)) from None
        self._clock = clock
        self._lock = threading.Lock()

    def secrets(self) -> list[str]:
        """Every string a log redactor must hide (GIT_TOKEN and credentials in the URL)."""
        return list(self.remote.secrets)

    def _error(self, text: str, *, retryable: bool = False) -> GitError:
        return GitError(text, retryable=retryable, secrets=self.remote.secrets)

    # -- reading -----------------------------------------------------------------------------
    def head(self) -> str | None:
        """The commit checked out, or None before the first clone."""
        with self._lock:
            if co.folder_state(self.checkout) != "repo":
                return None
            try:
                with co.open_repo(self.checkout) as repo:
                    sha = co.ref(repo, co.HEAD)
            except DamagedCheckout:
                return None
            return sha.decode() if sha else None

    def missing_dirs(self, dirs: Sequence[str]) -> list[str]:
        """The folders of `dirs` that the checked-out commit lacks ("no posts/ in …")."""
        with self._lock:
            if co.folder_state(self.checkout) != "repo":
                return list(dirs)
            try:
                with co.open_repo(self.checkout) as repo:
                    head = co.ref(repo, co.HEAD)
                    return missing_dirs(repo, co.tree_of(repo, head) if head else None, dirs)
            except DamagedCheckout:
                return list(dirs)

    def check_remote(self) -> str:
        """One line for `doctor`: the remote answers and has the branch; else GitError."""
        heads = self.remote.branches()
        sha = heads.get(co.branch_ref(co.HEADS, self.branch))
        if sha is None:
            raise self.remote.missing_branch(self.branch, set(heads))
        return f"git remote {self.remote.display}: branch {self.branch} at {short(sha)}"

    # -- following the remote ----------------------------------------------------------------
    def sync(self) -> SyncResult:
        """Clone if the checkout is missing or empty, else fetch and fast-forward, or reset to
        a rewritten branch. On any error the checkout stays on the last good commit."""
        with self._lock:
            try:
                return self._sync()
            except OSError as exc:  # the local disk: full, read-only, permissions
                raise self._disk_error(exc) from None

    def _disk_error(self, exc: OSError) -> GitError:
        return self._error(
            f"cannot write the checkout {self.checkout}: {exc.strerror or exc}", retryable=True
        )

    def _sync(self) -> SyncResult:
        state = co.folder_state(self.checkout)
        if state == "foreign":
            raise self._error(
                f"{self.checkout} holds files but is not a git checkout; empty it or set "
                "[content.git] checkout to another folder"
            )
        if state != "repo":
            return self._clone(before=None)
        remembered: ObjectID | None = None
        try:
            with co.open_repo(self.checkout) as repo:
                remembered = co.ref(repo, co.SYNCED) or co.ref(repo, co.HEAD)
                self._check_origin(repo)
                return self._update(repo)
        except DamagedCheckout as exc:
            log.warning("git checkout %s is damaged (%s): cloning it again", self.checkout, exc)
            return self._clone(before=remembered)

    def _check_origin(self, repo: Repo) -> None:
        stored = co.remote_url(repo)
        if stored is not None and stored != self.remote.config_url:
            raise self._error(
                f"{self.checkout} is a clone of {stored}, not of {self.remote.display}; "
                "remove the folder (it is cloned again) or set [content.git] checkout elsewhere"
            )

    def _clone(self, before: ObjectID | None) -> SyncResult:
        def fetch(repo: Repo) -> ObjectID:
            return self.remote.fetch(repo, self.branch)

        after = co.clone_into_place(self.checkout, self.remote.config_url, self.branch, fetch)
        with co.open_repo(self.checkout) as repo:
            old = before if before is not None and before in repo.object_store else None
            old_tree = co.tree_of(repo, old) if old is not None else None
            changes = file_changes(repo, old_tree, co.tree_of(repo, after))
        log.info("git: cloned %s (%s) into %s", self.remote.display, short(after), self.checkout)
        return SyncResult(
            before=old.decode() if old else None,
            after=after.decode(),
            cloned=True,
            forced=False,
            changes=changes,
        )

    def _update(self, repo: Repo) -> SyncResult:
        with co.damage_guard():
            current = co.verify(repo)
        head_ref = co.branch_ref(co.HEADS, self.branch)
        on_branch = repo.refs.get_symrefs().get(co.HEAD) == head_ref
        origin = co.ref(repo, co.branch_ref(co.ORIGIN, self.branch))
        reported = co.ref(repo, co.SYNCED) or current
        if reported is not None and reported not in repo.object_store:
            reported = current
        remote = self.remote.fetch(repo, self.branch)  # only adds objects
        with co.damage_guard():
            return self._follow(repo, current, on_branch, origin, reported, remote)

    def _follow(
        self,
        repo: Repo,
        current: ObjectID | None,
        on_branch: bool,
        origin: ObjectID | None,
        reported: ObjectID | None,
        remote: ObjectID,
    ) -> SyncResult:
        forced = origin is not None and not is_ancestor(repo, origin, remote)
        target, dropped = remote, []
        pending = local_commits(repo, current, origin) if current and on_branch else []
        if not on_branch:  # the configuration names another branch than the clone follows
            co.configure(repo, self.remote.config_url, self.branch)
        if pending is None:  # history the bot did not make: the remote wins
            dropped.append(f"local history at {short(current or b'')} was not made by the bot")
        elif pending and remote == origin:
            target = current or remote  # nothing new on the remote: keep them as they are
        elif pending:
            try:
                target = replay(
                    repo, pending, onto=remote, base=origin, committer=self._author,
                    when=self._now(),
                )  # fmt: skip
            except Conflict as exc:
                dropped += [_dropped(c, exc) for c in pending]
        old_tree = co.tree_of(repo, current) if current else None
        new_tree = co.tree_of(repo, target)
        co.move_worktree(repo, old_tree, new_tree)
        co.set_refs(repo, self.branch, head=target, origin=remote, synced=target)
        reported_tree = co.tree_of(repo, reported) if reported else None
        changes = file_changes(repo, reported_tree, new_tree) if reported != target else ()
        for line in dropped:
            log.warning("git: %s", line)
        if reported != target:
            log.info(
                "git: %s → %s%s, %d files changed",
                short(reported or b"-"), short(target), " (rewritten)" if forced else "",
                len(changes),
            )  # fmt: skip
        return SyncResult(
            before=reported.decode() if reported else None,
            after=target.decode(),
            cloned=False,
            forced=forced,
            changes=changes,
            dropped=tuple(dropped),
        )

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise GitError("the clock must return timezone-aware datetimes")
        return now

    # -- pushing -----------------------------------------------------------------------------
    def commit_and_push(self, paths: Sequence[Path], message: str) -> str:
        """Commit exactly `paths` (files inside the checkout, as they are on disk) and push
        them to the branch; a push the remote rejects because it moved on is re-applied on
        the new head and pushed again. The pushed commit id; GitError naming the reason."""
        with self._lock:
            if co.folder_state(self.checkout) != "repo":
                raise self._error(f"{self.checkout} is not cloned yet; sync before pushing")
            try:
                with co.open_repo(self.checkout) as repo, co.damage_guard():
                    commit_files(
                        repo, self.checkout, self.branch, paths, message,
                        author=self._author, when=self._now(), secrets=self.remote.secrets,
                    )  # fmt: skip
                    pushed = push_head(
                        repo, self.remote, self.branch, author=self._author, clock=self._now
                    )
                    return pushed.decode()
            except DamagedCheckout as exc:
                raise self._error(
                    f"{self.checkout} is damaged ({exc}): nothing was pushed; the next sync "
                    "clones it again"
                ) from None
            except OSError as exc:
                raise self._disk_error(exc) from None


def _dropped(commit: Commit, conflict: Conflict) -> str:
    if commit.id == conflict.commit.id:
        return f"local commit {describe(commit)} was dropped: {conflict}"
    return f"local commit {describe(commit)} was dropped with {short(conflict.commit.id)}"
