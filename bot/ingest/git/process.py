"""The website's repository, worked on in a short-lived child process.

Each fetch or push runs `python -m bot.ingest.git.worker` with one JSON request: the service
itself never loads dulwich or its HTTP stack (its idle memory stays as it is), a large fetch's
memory goes back to the system when the child exits, and a fetch that hangs is killed at the
timeout. What comes back is plain data, already redacted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .credentials import GitCredentials, GitError, redact_text, remote_secrets
from .results import FileChange, SyncResult

log = logging.getLogger("bot.ingest.git")


@dataclass(frozen=True)
class Outcome:
    """What one operation left: the checked-out commit and the folders it lacks."""

    head: str | None
    missing: tuple[str, ...]


class Repository:
    def __init__(
        self,
        url: str,
        *,
        branch: str,
        checkout: Path,
        credentials: GitCredentials,
        author: str,
        timeout: float = 60.0,
        folders: Sequence[str] = (),
    ) -> None:
        self.checkout = checkout
        self.folders = list(folders)
        self._spec = {"url": url, "branch": branch, "checkout": str(checkout),
                      "author": author, "timeout": timeout}  # fmt: skip
        self._timeout = timeout
        self._secrets = remote_secrets(credentials, url)
        self._env = {**os.environ, **_credential_env(credentials)}
        self.outcome = Outcome(None, tuple(self.folders))

    def secrets(self) -> list[str]:
        """Every string a log redactor must hide (GIT_TOKEN and credentials in the URL)."""
        return list(self._secrets)

    async def sync(self) -> SyncResult:
        """Clone, or fetch and fast-forward (or reset to a rewritten branch); GitError else."""
        answer = await self._run({"op": "sync"})
        s = answer["synced"]
        changes = tuple(FileChange(kind, path, old) for kind, path, old in s["changes"])
        return SyncResult(s["before"], s["after"], s["cloned"], s["forced"], changes,
                      tuple(s["dropped"]))  # fmt: skip

    async def publish(self, paths: Sequence[Path], message: str) -> str:
        """Commit exactly `paths` and push them; the commit id, or GitError."""
        answer = await self._run({"op": "publish", "paths": [str(p) for p in paths],
                                  "message": message})  # fmt: skip
        return str(answer["commit"])

    async def _run(self, request: dict[str, Any]) -> dict[str, Any]:
        request = {**request, "source": self._spec, "dirs": self.folders}
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.ingest.git.worker", env=self._env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            out, err = await asyncio.wait_for(
                child.communicate(json.dumps(request).encode()), timeout=self._timeout * 3
            )
        except TimeoutError:
            child.kill()
            await child.wait()
            raise GitError("git took too long and was stopped", retryable=True) from None
        for line in err.decode(errors="replace").splitlines():
            log.info("%s", redact_text(line, self._secrets))
        try:
            answer: dict[str, Any] = json.loads(out or b"{}")
        except ValueError:
            answer = {}
        if "head" in answer:
            self.outcome = Outcome(answer["head"], tuple(answer.get("missing") or ()))
        if "error" in answer or child.returncode != 0 or not answer:
            text = answer.get("error") or f"the git process ended with {child.returncode}"
            raise GitError(str(text), retryable=bool(answer.get("retryable", True)),
                           secrets=self._secrets)  # fmt: skip
        return answer


def _credential_env(credentials: GitCredentials) -> Mapping[str, str]:
    env = {"GIT_USERNAME": credentials.username}
    if credentials.token:
        env["GIT_TOKEN"] = credentials.token
    if credentials.ssh_key:
        env["GIT_SSH_KEY"] = str(credentials.ssh_key)
    return env
