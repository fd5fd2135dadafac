"""Git credentials from the environment, and the redaction that keeps them out of every message.

Tokens reach the remote only as an HTTP `Authorization` header and a key file only as an `ssh -i`
argument: neither is written into `.git/config`, a log record or an error message.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ...errors import BotError

REDACTED = "***"
# scheme://userinfo@ — userinfo ends at the last "@" before the host
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/?#\s]*)@")
_SSH_SCHEMES = ("ssh://", "git+ssh://", "ssh+git://")


def redact_url(url: str) -> str:
    """The URL with any userinfo (tokens) replaced: `https://***@host/org/repo.git`.

    A plain ssh user name (`ssh://git@host/…`) is not a secret and stays.
    """

    def hide(match: re.Match[str]) -> str:
        scheme, userinfo = match["scheme"], match["userinfo"]
        if scheme.lower() in _SSH_SCHEMES and ":" not in userinfo:
            return match[0]
        return f"{scheme}{REDACTED}@"

    return _USERINFO.sub(hide, url)


def strip_userinfo(url: str) -> str:
    """The URL without its userinfo at all: what may be stored in `.git/config`."""
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and "@" in parts.netloc:
        return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
    return url


def url_secrets(url: str) -> list[str]:
    """The secret that a user wrote into an http(s) URL, in every form it may take."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or "@" not in parts.netloc:
        return []
    userinfo = parts.netloc.rsplit("@", 1)[0]
    user, colon, password = userinfo.partition(":")
    if colon:  # user:password: the password is the secret
        found = [password, *secret_forms(unquote(password), unquote(user))]
    else:  # a token given as the user name
        found = [user, unquote(user), base64.b64encode(f"{unquote(user)}:".encode()).decode()]
    return list(dict.fromkeys(s for s in found if s))


def secret_forms(secret: str, user: str | None = None) -> list[str]:
    """A secret as it may appear: raw, percent-encoded, and inside a basic-auth header."""
    forms = [secret, quote(secret, safe="")]
    if user is not None:
        forms.append(base64.b64encode(f"{user}:{secret}".encode()).decode("ascii"))
    return forms


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret replaced and every URL's userinfo hidden."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return redact_url(text)


@dataclass(frozen=True)
class GitCredentials:
    """How the bot proves itself to the remote; read from the environment only."""

    token: str | None = field(default=None, repr=False)  # GIT_TOKEN, for https remotes
    ssh_key: Path | None = None  # GIT_SSH_KEY, a private key file, for ssh remotes
    username: str = "x-access-token"  # GIT_USERNAME, the https user the token goes with

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GitCredentials:
        token = (env.get("GIT_TOKEN") or "").strip() or None
        key = (env.get("GIT_SSH_KEY") or "").strip()
        username = (env.get("GIT_USERNAME") or "").strip() or cls.username
        return cls(token=token, ssh_key=Path(key).expanduser() if key else None, username=username)

    def secrets(self) -> list[str]:
        """Every string a log redactor must hide."""
        return secret_forms(self.token, self.username) if self.token else []


def remote_secrets(credentials: GitCredentials, url: str) -> list[str]:
    """Every string to hide for a remote: the credentials' secrets and those in its URL."""
    return [*credentials.secrets(), *url_secrets(url)]


class GitError(BotError):
    """A git operation failed. The message says what and what to do, already redacted.

    ``retryable`` is true where trying again later can help (network, timeouts, server errors).
    """

    def __init__(self, message: str, *, retryable: bool = False, secrets: Sequence[str] = ()):
        super().__init__(redact_text(message, secrets))
        self.retryable = retryable
