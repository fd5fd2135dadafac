"""Follow the website's git repository (dulwich: pure Python, no `git` binary needed).

The names are loaded on first use, so that the light modules (`credentials`, `process`) can be
imported without dulwich: the service itself runs git in a child process (see `process.py`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .changes import FileChange
    from .credentials import GitCredentials, GitError, redact_url
    from .source import GitSource, SyncResult

_WHERE = {
    "FileChange": ".changes",
    "GitCredentials": ".credentials",
    "GitError": ".credentials",
    "redact_url": ".credentials",
    "GitSource": ".source",
    "SyncResult": ".source",
}
__all__ = ["FileChange", "GitCredentials", "GitError", "GitSource", "SyncResult", "redact_url"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name], __name__), name)
