"""Follow the website's git repository (dulwich: pure Python, no `git` binary needed)."""

from .changes import FileChange
from .credentials import GitCredentials, GitError, redact_url
from .source import GitSource, SyncResult

__all__ = [
    "FileChange",
    "GitCredentials",
    "GitError",
    "GitSource",
    "SyncResult",
    "redact_url",
]
