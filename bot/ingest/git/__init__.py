"""Follow the website's git repository (dulwich: pure Python, no `git` binary needed).

The names are loaded on first use, so that the light modules (`credentials`, `results`,
`process`) can be imported without dulwich: the service itself runs git in a child process
(see `process.py`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .credentials import GitCredentials, GitError, redact_url
    from .results import FileChange, SyncResult
    from .source import GitSource

_WHERE = {
    "FileChange": ".results",
    "GitCredentials": ".credentials",
    "GitError": ".credentials",
    "redact_url": ".credentials",
    "GitSource": ".source",
    "SyncResult": ".results",
}
__all__ = ["FileChange", "GitCredentials", "GitError", "GitSource", "SyncResult", "redact_url"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name], __name__), name)
