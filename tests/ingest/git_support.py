"""Bare repositories in a temporary folder, written with dulwich as the website's maintainers
would push to them, and a local smart-HTTP git server that asks for basic auth."""

from __future__ import annotations

import base64
import stat
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast
from wsgiref.simple_server import WSGIServer, make_server

from dulwich.object_store import commit_tree_changes, iter_tree_contents
from dulwich.objects import Blob, Commit, ObjectID, Tree
from dulwich.refs import Ref
from dulwich.repo import Repo
from dulwich.server import DictBackend
from dulwich.web import WSGIRequestHandlerLogger, make_wsgi_chain

TOKYO = timezone(timedelta(hours=9))
EDITOR = b"Site Editor <editor@example.org>"
Files = Mapping[str, bytes | str | None]  # path -> content; None removes the file


def post(title: str, body: str = "", day: str = "2024-04-14") -> str:
    """A post file as the website keeps them (frontmatter and Markdown)."""
    text = body or f"{title}: ព័ត៌មានសម្រាប់សមាជិក — 会員へのお知らせ."
    return f"---\ntitle: '{title}'\ndate: '{day}'\n---\n\n{text}\n"


class Origin:
    """The website's repository: a bare repository the tests commit to directly."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        self.branch = branch
        self.ref = Ref(b"refs/heads/" + branch.encode())
        self.repo = Repo.init_bare(str(path), mkdir=True)
        self.repo.refs.set_symbolic_ref(Ref(b"HEAD"), self.ref)
        self._tick = 0

    @property
    def url(self) -> str:
        return str(self.path)

    def head(self) -> ObjectID | None:
        return self.repo.refs.as_dict().get(self.ref)

    def commit(
        self,
        files: Files,
        message: str = "Edit the site",
        *,
        parents: Sequence[ObjectID] | None = None,
        move: bool = True,
        author: bytes = EDITOR,
    ) -> ObjectID:
        """A commit of `files` on top of the first parent (default: the branch head)."""
        store = self.repo.object_store
        if parents is None:
            head = self.head()
            parents = [head] if head else []
        if parents:
            base = cast(Commit, store[parents[0]]).tree
        else:
            empty = Tree()
            store.add_object(empty)
            base = empty.id
        changes: list[tuple[bytes, int | None, ObjectID | None]] = []
        for name, data in files.items():
            if data is None:
                changes.append((name.encode(), None, None))
                continue
            blob = Blob.from_string(data.encode() if isinstance(data, str) else data)
            store.add_object(blob)
            changes.append((name.encode(), stat.S_IFREG | 0o644, blob.id))
        tree = commit_tree_changes(store, base, changes)
        self._tick += 1
        when = int(datetime(2024, 4, 14, 9, tzinfo=TOKYO).timestamp()) + self._tick
        commit = Commit()
        commit.tree = tree
        commit.parents = list(parents)
        commit.author = author
        commit.committer = author
        commit.author_time = commit.commit_time = when
        commit.author_timezone = commit.commit_timezone = 9 * 3600
        commit.message = message.encode() + b"\n"
        store.add_object(commit)
        if move:
            self.repo.refs[self.ref] = commit.id
        return commit.id

    def files(self, sha: ObjectID | None = None) -> dict[str, bytes]:
        store = self.repo.object_store
        commit = cast(Commit, store[sha or self.head()])
        found = {}
        for entry in iter_tree_contents(store, commit.tree):
            assert entry.path is not None and entry.sha is not None
            found[entry.path.decode()] = cast(Blob, store[entry.sha]).data
        return found

    def get(self, sha: ObjectID) -> Commit:
        return cast(Commit, self.repo.object_store[sha])

    def move_branch(self, sha: ObjectID) -> None:
        self.repo.refs[self.ref] = sha

    def delete_branch(self) -> None:
        del self.repo.refs[self.ref]

    def close(self) -> None:
        self.repo.close()


@dataclass
class GitHttp:
    """A smart-HTTP git server on 127.0.0.1 (dulwich.web) that wants basic auth."""

    server: WSGIServer
    username: str
    token: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"


@contextmanager
def git_http(repos: Mapping[str, Repo], username: str, token: str) -> Iterator[GitHttp]:
    app = make_wsgi_chain(DictBackend({f"/{name}": repo for name, repo in repos.items()}))
    expected = "Basic " + base64.b64encode(f"{username}:{token}".encode()).decode()

    def guarded(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("HTTP_AUTHORIZATION") != expected:
            start_response(
                "401 Unauthorized",
                [("WWW-Authenticate", 'Basic realm="site"'), ("Content-Type", "text/plain")],
            )
            return [b"credentials required\n"]
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, guarded, handler_class=WSGIRequestHandlerLogger)
    thread = threading.Thread(target=server.serve_forever, name="git-http", daemon=True)
    thread.start()
    try:
        yield GitHttp(server, username, token)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
