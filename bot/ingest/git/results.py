"""What a sync of the website's repository reports, as plain data: the child process that
runs git and the service that reads its answer share these (no dulwich needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ChangeKind = Literal["added", "modified", "deleted", "renamed"]


@dataclass(frozen=True)
class FileChange:
    kind: ChangeKind
    path: str  # POSIX, relative to the checkout root (the new path for renames)
    old_path: str | None = None  # renames


@dataclass(frozen=True)
class SyncResult:
    before: str | None  # commit id before (None on the first clone)
    after: str  # commit id now checked out
    cloned: bool  # this call made the first clone
    forced: bool  # the branch was rewritten (not a fast-forward): reset to it
    changes: tuple[FileChange, ...]  # files that differ between before and after
    dropped: tuple[str, ...] = ()  # local commits the remote overrode, each with the reason
