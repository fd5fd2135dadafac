"""`python -m bot.ingest.git.worker`: one git operation in a process of its own.

Reads one JSON request on stdin — `{"op": "sync" | "publish", "source": {...}, ...}` — and
writes one JSON answer on stdout; credentials come from the environment (GIT_TOKEN,
GIT_SSH_KEY, GIT_USERNAME), logs go to stderr. Every message is redacted before it leaves.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from .credentials import GitCredentials, GitError
from .results import SyncResult
from .source import GitSource


def source_of(spec: dict[str, Any]) -> GitSource:
    return GitSource(
        spec["url"],
        branch=spec["branch"],
        checkout=Path(spec["checkout"]),
        credentials=GitCredentials.from_env(os.environ),
        author=spec["author"],
        timeout=float(spec["timeout"]),
    )


def _synced(result: SyncResult) -> dict[str, Any]:
    return {
        "before": result.before, "after": result.after, "cloned": result.cloned,
        "forced": result.forced, "dropped": list(result.dropped),
        "changes": [[c.kind, c.path, c.old_path] for c in result.changes],
    }  # fmt: skip


def handle(request: dict[str, Any]) -> dict[str, Any]:
    source = source_of(request["source"])
    try:
        if request["op"] == "sync":
            answer: dict[str, Any] = {"synced": _synced(source.sync())}
        elif request["op"] == "publish":
            paths = [Path(p) for p in request["paths"]]
            answer = {"commit": source.commit_and_push(paths, request["message"])}
        else:
            raise GitError(f"unknown git operation {request['op']!r}")
    except GitError as exc:
        answer = {"error": str(exc), "retryable": exc.retryable}
    answer["head"] = source.head()
    answer["missing"] = source.missing_dirs(request.get("dirs", []))
    return answer


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    request = json.loads(sys.stdin.read())
    try:
        answer = handle(request)
    except Exception as exc:  # a bug: say so in the answer, never a token
        secrets = GitCredentials.from_env(os.environ).secrets()
        answer = {"error": GitError(f"git failed: {exc!r}", secrets=secrets).args[0]}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
