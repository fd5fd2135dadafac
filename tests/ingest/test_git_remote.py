"""Reaching the remote: a token over (local) smart HTTP, an ssh key, the errors a remote gives,
and credentials that never show in messages, logs or files."""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest.git import GitCredentials, GitError, GitSource, redact_url
from tests.ingest.git_support import GitHttp, Origin, git_http, post

TOKEN = "ghp_s3cretT0ken+/=with:odd@chars"
USER = "x-access-token"


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[Origin]:
    remote = Origin(tmp_path / "site.git")
    remote.commit({"posts/230123-1.md": post("70th Anniversary"), "public/images/a.jpg": b"\xff"})
    yield remote
    remote.close()


@pytest.fixture
def http(origin: Origin) -> Iterator[GitHttp]:
    with git_http({"csaj-tech/csaj-khmer.git": origin.repo}, USER, TOKEN) as server:
        yield server


def over_http(http: GitHttp, checkout: Path, token: str | None = TOKEN, **kw: object) -> GitSource:
    return GitSource(
        f"{http.base}/csaj-tech/csaj-khmer.git",
        branch="main",
        checkout=checkout,
        credentials=GitCredentials(token=token),
        timeout=10,
        **kw,  # type: ignore[arg-type]
    )


def leaked(folder: Path, secret: str) -> list[Path]:
    needle = secret.encode()
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_token_over_http_clone_and_push(http: GitHttp, origin: Origin, tmp_path: Path):
    source = over_http(http, tmp_path / "site")
    result = source.sync()
    assert result.cloned and (tmp_path / "site/posts/230123-1.md").is_file()
    new = tmp_path / "site/posts/240414-1.md"
    new.write_text(post("Khmer New Year"), encoding="utf-8")
    pushed = source.commit_and_push([new], "Add post: Khmer New Year")
    assert origin.head() == pushed.encode()
    assert source.check_remote() == (
        f"git remote {http.base}/csaj-tech/csaj-khmer.git: branch main at {pushed[:7]}"
    )
    config = (tmp_path / "site/.git/config").read_text(encoding="utf-8")
    assert f"url = {http.base}/csaj-tech/csaj-khmer.git" in config
    assert leaked(tmp_path / "site", TOKEN) == []


def test_a_wrong_token_is_refused_and_never_shown(
    http: GitHttp, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    wrong = "ghp_wrongwrongwrong"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(GitError) as caught:
        over_http(http, tmp_path / "site", token=wrong).sync()
    message = str(caught.value)
    assert "refused the credentials" in message and "GIT_TOKEN" in message
    assert not caught.value.retryable
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert wrong not in message
    assert not any(wrong in r.getMessage() for r in caplog.records)
    assert not (tmp_path / "site").exists()


def test_no_token_for_a_private_remote(http: GitHttp, tmp_path: Path):
    with pytest.raises(GitError, match="refused the credentials"):
        over_http(http, tmp_path / "site", token=None).sync()


def test_a_token_in_the_url_works_and_is_redacted(
    http: GitHttp, origin: Origin, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    host = http.base.removeprefix("http://")
    quoted = TOKEN.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    quoted = quoted.replace(":", "%3A").replace("@", "%40")
    url = f"http://{USER}:{quoted}@{host}/csaj-tech/csaj-khmer.git"
    source = GitSource(url, branch="main", checkout=tmp_path / "site", credentials=GitCredentials())
    assert TOKEN in source.secrets() and quoted in source.secrets()
    source.sync()
    new = tmp_path / "site/posts/x.md"
    new.write_text(post("X"), encoding="utf-8")
    source.commit_and_push([new], "Add post: X")
    origin.delete_branch()
    with pytest.raises(GitError) as caught:
        source.sync()
    text = str(caught.value)
    assert f"http://***@{host}/csaj-tech/csaj-khmer.git" in text
    for secret in (TOKEN, quoted):
        assert secret not in text
        assert not any(secret in r.getMessage() for r in caplog.records)
        assert leaked(tmp_path / "site", secret) == []


def test_credentials_never_reach_logs(
    http: GitHttp, origin: Origin, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    source = over_http(http, tmp_path / "site")
    source.sync()
    new = tmp_path / "site/posts/y.md"
    new.write_text(post("Y"), encoding="utf-8")
    source.commit_and_push([new], "Add post: Y")
    origin.commit({"posts/z.md": post("Z")})
    source.sync()
    assert caplog.records  # dulwich, urllib3 and the source did log at DEBUG
    forms = GitCredentials(token=TOKEN).secrets()
    assert TOKEN in forms and len(forms) == 3  # raw, percent-encoded, basic-auth header
    for record in caplog.records:
        text = record.getMessage()
        assert not any(form in text for form in forms), record.name


def test_not_a_repository_over_http(http: GitHttp, tmp_path: Path):
    source = GitSource(
        f"{http.base}/csaj-tech/nothing-here.git",
        branch="main",
        checkout=tmp_path / "site",
        credentials=GitCredentials(token=TOKEN),
    )
    with pytest.raises(GitError, match="not a git repository") as caught:
        source.sync()
    assert not caught.value.retryable


def test_check_remote_errors(http: GitHttp, origin: Origin, tmp_path: Path):
    missing = over_http(http, tmp_path / "site")
    missing.branch = "gh-pages"
    with pytest.raises(GitError, match="'gh-pages' does not exist .* main"):
        missing.check_remote()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    closed = GitSource(
        f"http://127.0.0.1:{port}/x.git",
        branch="main",
        checkout=tmp_path / "other",
        credentials=GitCredentials(),
        timeout=2,
    )
    with pytest.raises(GitError) as caught:
        closed.check_remote()
    assert caught.value.retryable and "cannot reach" in str(caught.value)


def test_a_remote_that_never_answers_times_out(tmp_path: Path):
    with socket.socket() as silent:  # accepts connections (the backlog) and says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        source = GitSource(
            f"http://127.0.0.1:{port}/site.git",
            branch="main",
            checkout=tmp_path / "site",
            credentials=GitCredentials(token=TOKEN),
            timeout=1,
        )
        with pytest.raises(GitError) as caught:
            source.sync()
    assert caught.value.retryable and "cannot reach" in str(caught.value)
    assert not (tmp_path / "site").exists()


FAKE_SSH = """#!{python}
# Stands in for OpenSSH: records its arguments, then serves the git command it was given
# from the local file system, as sshd would run it on the server.
import json, os, shlex, sys
from dulwich.protocol import ReceivableProtocol
from dulwich.server import FileSystemBackend, ReceivePackHandler, UploadPackHandler
with open(os.environ["FAKE_SSH_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
command, path = shlex.split(sys.argv[-1])
handler = {{"git-upload-pack": UploadPackHandler, "git-receive-pack": ReceivePackHandler}}[command]
out = sys.stdout.buffer
proto = ReceivableProtocol(sys.stdin.buffer.raw.read, lambda data: out.write(data) or out.flush())
handler(FileSystemBackend("/"), [path], proto).handle()
"""


def test_ssh_remote_uses_the_key_file(
    origin: Origin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ssh"
    fake.write_text(FAKE_SSH.format(python=sys.executable), encoding="utf-8")
    fake.chmod(0o755)
    key = tmp_path / "deploy_key"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n…\n", encoding="utf-8")
    log = tmp_path / "ssh.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SSH_LOG", str(log))
    credentials = GitCredentials.from_env({"GIT_SSH_KEY": str(key)})
    source = GitSource(
        f"git@git.example.org:{origin.path}",
        branch="main",
        checkout=tmp_path / "site",
        credentials=credentials,
        timeout=30,
    )
    source.sync()
    new = tmp_path / "site/posts/z.md"
    new.write_text(post("Z"), encoding="utf-8")
    pushed = source.commit_and_push([new], "Add post: Z")
    assert origin.head() == pushed.encode()
    calls = [line for line in log.read_text(encoding="utf-8").splitlines() if line]
    assert calls
    for call in calls:
        for expected in ('"-i", "' + str(key) + '"', "BatchMode=yes", "git@git.example.org"):
            assert expected in call


def test_ssh_key_that_is_missing(origin: Origin, tmp_path: Path):
    credentials = GitCredentials(ssh_key=tmp_path / "no-such-key")
    source = GitSource(
        f"ssh://git@git.example.org{origin.path}",
        branch="main",
        checkout=tmp_path / "site",
        credentials=credentials,
    )
    with pytest.raises(GitError, match="GIT_SSH_KEY names .* not a readable file"):
        source.sync()


def test_credentials_from_the_environment():
    empty = GitCredentials.from_env({})
    assert (empty.token, empty.ssh_key, empty.username, empty.secrets()) == (
        None,
        None,
        "x-access-token",
        [],
    )
    env = {"GIT_TOKEN": f" {TOKEN} ", "GIT_USERNAME": "oauth2", "GIT_SSH_KEY": "~/key"}
    full = GitCredentials.from_env(env)
    assert full.token == TOKEN and full.username == "oauth2"
    assert full.ssh_key == Path("~/key").expanduser()
    assert TOKEN not in repr(full)
    assert TOKEN in full.secrets()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://ghp_x@github.com/o/r.git", "https://***@github.com/o/r.git"),
        ("https://u:p%40ss@github.com/o/r.git", "https://***@github.com/o/r.git"),
        ("https://github.com/o/r.git", "https://github.com/o/r.git"),
        ("git@github.com:o/r.git", "git@github.com:o/r.git"),
        ("ssh://git@github.com/o/r.git", "ssh://git@github.com/o/r.git"),
        ("ssh://git:pw@github.com/o/r.git", "ssh://***@github.com/o/r.git"),
        ("/srv/site.git", "/srv/site.git"),
    ],
)
def test_redact_url(url: str, shown: str):
    assert redact_url(url) == shown


def test_unsupported_scheme(tmp_path: Path):
    with pytest.raises(GitError, match="unsupported scheme"):
        GitSource("ftp://t0ken@example.org/r.git", branch="main", checkout=tmp_path,
                  credentials=GitCredentials())  # fmt: skip
