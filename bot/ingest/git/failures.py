"""Transport failures translated once: what went wrong, whether trying later can help, and
what to do; never the credentials, never the library's exception chained behind."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from dulwich.client import HTTPProxyUnauthorized, HTTPUnauthorized
from dulwich.errors import GitProtocolError, HangupException, NotGitRepository

from .credentials import GitError

Kind = Literal["http", "ssh", "local"]
_TRANSIENT_HTTP = re.compile(r"unexpected http resp (408|425|429|5\d\d)\b")
_REFUSED_HTTP = re.compile(r"unexpected http resp (403)\b")
_SSH_AUTH = ("permission denied", "authentication failed", "host key verification failed")
_SSH_MISSING = ("repository not found", "does not appear to be a git repository", "not found")
_SSH_NETWORK = (
    "could not resolve hostname",
    "connection refused",
    "connection timed out",
    "operation timed out",
    "network is unreachable",
    "connection reset",
    "connection closed",
)


def translate(exc: Exception, where: str, kind: Kind, secrets: Sequence[str]) -> GitError:
    """The `GitError` for a failure while `where` ("fetching from https://…")."""

    def fail(text: str, retryable: bool = False) -> GitError:
        return GitError(f"{where}: {text}", retryable=retryable, secrets=secrets)

    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, HTTPUnauthorized | HTTPProxyUnauthorized):
        who = "proxy" if isinstance(exc, HTTPProxyUnauthorized) else "remote"
        return fail(f"the {who} refused the credentials; {_auth_hint(kind)}")
    if isinstance(exc, NotGitRepository):
        return fail(
            "not a git repository (or not found); check [content.git] url"
            + ("" if kind == "local" else " and that the credentials may read it")
        )
    if isinstance(exc, HangupException):
        lowered = text.lower()
        if any(s in lowered for s in _SSH_AUTH):
            return fail(f"the remote refused the key ({text}); {_auth_hint('ssh')}")
        if any(s in lowered for s in _SSH_NETWORK):
            return fail(f"cannot reach the remote ({text})", retryable=True)
        if any(s in lowered for s in _SSH_MISSING):
            return fail(f"not a git repository ({text}); check [content.git] url")
        return fail(f"the remote closed the connection ({text})", retryable=True)
    if isinstance(exc, GitProtocolError):
        if _REFUSED_HTTP.search(text):
            return fail(f"access denied (HTTP 403); {_auth_hint(kind)}")
        if _TRANSIENT_HTTP.search(text) or _network_cause(exc):
            return fail(f"cannot reach the remote ({_short(text)})", retryable=True)
        return fail(f"the remote answered something that is not git ({_short(text)})")
    if isinstance(exc, FileNotFoundError) and kind == "ssh":
        return fail(
            "the OpenSSH client (`ssh`) is not installed; install openssh-client, "
            "or use an https URL with GIT_TOKEN"
        )
    if isinstance(exc, OSError):  # timeouts, refused and reset connections, DNS
        return fail(f"cannot reach the remote ({_short(text)})", retryable=True)
    return fail(f"{type(exc).__name__}: {_short(text)}")


def _network_cause(exc: BaseException) -> bool:
    cause = exc.__cause__
    if cause is None:
        return False
    module = type(cause).__module__
    return module.startswith("urllib3") or isinstance(cause, OSError)


def _auth_hint(kind: Kind) -> str:
    if kind == "ssh":
        return "set GIT_SSH_KEY to a key file whose public key the repository accepts"
    return (
        "set GIT_TOKEN to a token that may read the repository (and write, with push = true), "
        "and GIT_USERNAME where the host wants another user than x-access-token"
    )


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
