"""The remote end: which dulwich client a URL needs, with the credentials kept out of the URL,
and every transport failure translated once into a `GitError` that says what to do."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator, Mapping, Set
from contextlib import contextmanager
from dataclasses import dataclass

from dulwich.client import (
    GitClient,
    LocalGitClient,
    SSHGitClient,
    Urllib3HttpGitClient,
    default_urllib3_manager,
    get_transport_and_path,
)
from dulwich.objects import ObjectID
from dulwich.pack import UnpackedObject
from dulwich.refs import Ref
from dulwich.repo import Repo

from .commits import is_ancestor
from .credentials import GitCredentials, GitError, redact_url, remote_secrets, strip_userinfo
from .failures import Kind, translate

_SCP_LIKE = re.compile(r"^(?:[^@/:\s]+@)?[^@/:\s]+:(?!//)")


def classify(url: str) -> Kind:
    lowered = url.lower()
    if lowered.startswith(("http://", "https://")):
        return "http"
    if lowered.startswith(("ssh://", "git+ssh://", "ssh+git://")):
        return "ssh"
    if lowered.startswith("file://") or ("://" not in url and not _SCP_LIKE.match(url)):
        return "local"
    if "://" not in url:
        return "ssh"
    raise GitError(
        f"git URL {redact_url(url)}: unsupported scheme; use https://, ssh://, "
        "git@host:org/repo.git, file:// or a local path"
    )


@dataclass(frozen=True)
class PushOutcome:
    pushed: bool
    behind: bool = False  # the remote branch moved on: fetch, re-apply, push again
    reason: str = ""


class Remote:
    """One remote repository; each call opens its own connection."""

    def __init__(self, url: str, credentials: GitCredentials, *, timeout: float) -> None:
        self.kind = classify(url)
        self._url = url
        self._credentials = credentials
        self._timeout = timeout
        self.display = redact_url(url)
        self.config_url = strip_userinfo(url)  # stored in .git/config: no credentials
        self.secrets = remote_secrets(credentials, url)

    # -- clients ----------------------------------------------------------------------------
    def _client(self) -> tuple[GitClient, str]:
        if self.kind == "http":
            return self._http_client()
        if self.kind == "ssh":
            return self._ssh_client()
        client, path = get_transport_and_path(self._url)
        assert isinstance(client, LocalGitClient)
        return client, path

    def _http_client(self) -> tuple[GitClient, str]:
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(self._url)
        username: str | None = None
        password: str | None = None
        if self._credentials.token:
            username, password = self._credentials.username, self._credentials.token
        elif parts.username is not None:  # credentials the user wrote into the URL
            username = unquote(parts.username)
            password = unquote(parts.password) if parts.password is not None else None
        base = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
        manager = default_urllib3_manager(None, base_url=base, timeout=self._timeout)
        # one more try on a failed connection, not three: a host that does not answer costs
        # two timeouts, not four
        from urllib3.util import Retry  # https remotes only

        manager.connection_pool_kw["retries"] = Retry(connect=1, read=1, redirect=5, status=0)
        client = Urllib3HttpGitClient(
            base,
            pool_manager=manager,
            username=username,
            password=password,
            timeout=self._timeout,
        )
        return client, parts.path or "/"

    def _ssh_client(self) -> tuple[GitClient, str]:
        options = [
            "ssh",
            "-o", "BatchMode=yes",  # never wait for a password or a prompt
            "-o", "StrictHostKeyChecking=accept-new",
            "-o", f"ConnectTimeout={max(1, int(self._timeout))}",
            "-o", "ServerAliveInterval=15",
            "-o", f"ServerAliveCountMax={max(1, int(self._timeout // 15))}",
        ]  # fmt: skip
        key = self._credentials.ssh_key
        if key is not None:
            if not key.is_file():
                raise GitError(f"GIT_SSH_KEY names {key}, which is not a readable file")
            options += ["-o", "IdentitiesOnly=yes"]
        client, path = get_transport_and_path(
            self._url,
            key_filename=str(key) if key is not None else None,
            ssh_command=shlex.join(options),
        )
        assert isinstance(client, SSHGitClient)
        return client, path

    # -- operations -------------------------------------------------------------------------
    def branches(self) -> dict[Ref, ObjectID]:
        """`refs/heads/*` → commit id, as the remote advertises them."""
        with self.translated("reading the branches of"):
            client, path = self._client()
            try:
                refs = client.get_refs(path.encode()).refs
            finally:
                client.close()
        return {k: v for k, v in refs.items() if k.startswith(b"refs/heads/") and v}

    def fetch(self, repo: Repo, branch: str) -> ObjectID:
        """Fetch `branch` into `repo`'s object store; its commit id. Nothing else changes."""
        ref = Ref(b"refs/heads/" + branch.encode())
        seen: dict[Ref, ObjectID] = {}

        def wants(refs: Mapping[Ref, ObjectID], depth: int | None = None) -> list[ObjectID]:
            seen.update(refs)
            sha = refs.get(ref)
            return [sha] if sha and sha not in repo.object_store else []

        with self.translated("fetching from"):
            client, path = self._client()
            try:
                result = client.fetch(path, repo, determine_wants=wants)
            finally:
                client.close()
        sha = result.refs.get(ref) or seen.get(ref)
        if not sha:
            raise self.missing_branch(branch, {k for k, v in result.refs.items() if v})
        return sha

    def missing_branch(self, branch: str, refs: Set[bytes]) -> GitError:
        heads = sorted(r.removeprefix(b"refs/heads/").decode() for r in refs if b"/heads/" in r)
        if not heads:
            return GitError(f"{self.display} has no branches yet (an empty repository)")
        listed = ", ".join(heads[:8]) + (" …" if len(heads) > 8 else "")
        return GitError(
            f"branch {branch!r} does not exist on {self.display} (it has: {listed}); "
            "set [content.git] branch to one of them",
            secrets=self.secrets,
        )

    def push(self, repo: Repo, branch: str, new: ObjectID, base: ObjectID | None) -> PushOutcome:
        """Move the remote `branch` to `new` if it still is at `base` (or an ancestor of `new`)."""
        ref = Ref(b"refs/heads/" + branch.encode())
        state: dict[str, ObjectID | None] = {}

        def update(refs: dict[Ref, ObjectID]) -> dict[Ref, ObjectID]:
            current = refs.get(ref)
            state["remote"] = current
            if current is None or current == new:
                return {}
            if current != base and not is_ancestor(repo, current, new):
                state["behind"] = current
                return {}
            return {ref: new}

        def pack_data(
            have: Set[ObjectID],
            want: Set[ObjectID],
            *,
            ofs_delta: bool = False,
            progress: Callable[[bytes], None] | None = None,
        ) -> tuple[int, Iterator[UnpackedObject]]:
            return repo.generate_pack_data(set(have), set(want), ofs_delta=ofs_delta)

        with self.translated("pushing to"):
            client, path = self._client()
            try:
                result = client.send_pack(path.encode(), update, pack_data)
            finally:
                client.close()
        remote = state.get("remote")
        if remote is None:
            raise GitError(
                f"branch {branch!r} no longer exists on {self.display}; nothing was pushed",
                secrets=self.secrets,
            )
        if state.get("behind"):
            return PushOutcome(pushed=False, behind=True)
        problem = (result.ref_status or {}).get(ref)
        if problem:
            moved = any(w in problem for w in ("fetch first", "non-fast-forward", "unable to"))
            return PushOutcome(pushed=False, behind=moved, reason=problem)
        return PushOutcome(pushed=True)

    # -- errors ------------------------------------------------------------------------------
    @contextmanager
    def translated(self, doing: str) -> Iterator[None]:
        """Library and OS errors → one `GitError`, redacted, without the original chained."""
        try:
            yield
        except GitError:
            raise
        except Exception as exc:  # every transport failure ends here
            error = translate(exc, f"{doing} {self.display}", self.kind, self.secrets)
        else:
            return
        raise error from None
