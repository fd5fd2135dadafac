"""The container's install steps, without a container engine: the Dockerfile's COPY and pip
steps replayed in a fresh virtual environment, then the image's commands run with it, on a
PATH that holds nothing but that environment (so no `git` binary either)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NETWORK_TROUBLE = ("Could not fetch", "connection", "Temporary failure", "timed out")


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = dockerfile.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_the_dockerfile_keeps_its_promises():
    steps = instructions(ROOT / "Dockerfile")
    assert steps[0] == ("FROM", "python:3.11-slim")
    words = [w for w, _ in steps]
    assert ("USER", "bot") in steps and words.index("USER") > words.index("RUN")
    assert ("VOLUME", '["/app/data"]') in steps
    assert ("CMD", '["python", "-m", "bot", "run"]') in steps
    health = next(rest for word, rest in steps if word == "HEALTHCHECK")
    assert "urllib.request" in health and "/healthz" in health and "PORT" in health
    assert not any("git" in shlex.split(rest)[:4] for word, rest in steps if word == "RUN")
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert "postgres:16" in compose and "DATABASE_URL: postgresql://" in compose


@pytest.mark.slow
def test_the_image_install_steps_in_a_fresh_environment(tmp_path: Path):
    app, venv = tmp_path / "app", tmp_path / "venv"
    app.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("BOT_CONFIG", None)
    for word, rest in instructions(ROOT / "Dockerfile"):
        if word == "COPY":
            *sources, dest = shlex.split(rest)
            for source in sources:
                target = app / dest if not dest.endswith("/") else app / dest / source
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, target, ignore=_ignored)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(ROOT / source, target)
        elif word == "RUN" and "pip install" in rest:
            for step in rest.split("&&"):
                command = step.strip().replace("/tmp/", f"{tmp_path}/")
                if command.split(" ", 1)[0] not in ("pip", "python", "rm"):
                    continue  # users, folders and Debian packages are the image's business
                done = subprocess.run(
                    command, shell=True, cwd=app, env=env, capture_output=True, text=True
                )
                if done.returncode and any(t in done.stderr for t in NETWORK_TROUBLE):
                    pytest.skip(f"the package index cannot be reached: {done.stderr[-300:]}")
                assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"

    installed = subprocess.run(
        [str(venv / "bin/pip"), "freeze", "--exclude-editable"],
        capture_output=True, text=True, check=True, env=env,
    ).stdout.splitlines()  # fmt: skip
    pinned = {ln.strip().lower() for ln in (ROOT / "requirements.lock").read_text().splitlines()}
    unpinned = [p for p in installed if p.lower() not in pinned and "assoc-announce-bot" not in p]
    assert unpinned == [], "installed but not pinned by requirements.lock"
    assert any(p.startswith("dulwich==") for p in installed)

    bare = {**env, "PATH": str(venv / "bin")}  # the image's tools only: no git, no curl
    python = str(venv / "bin/python")
    shown = subprocess.run([python, "-m", "bot", "--help"], cwd=app, env=bare,
                           capture_output=True, text=True)  # fmt: skip
    assert shown.returncode == 0 and "run" in shown.stdout, shown.stderr
    checked = subprocess.run([python, "-m", "bot", "check", "--config", "config/bot.toml"],
                             cwd=app, env=bare, capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "posts checked, 0 problems" in checked.stdout
    follow = subprocess.run([python, "-c", FOLLOW, str(tmp_path)], cwd=app, env=bare,
                            capture_output=True, text=True)  # fmt: skip
    assert follow.returncode == 0 and follow.stdout.strip() == "cloned posts/a.md", follow.stderr


# clones a repository made on the spot, with the installed package and no git binary
FOLLOW = """
import sys, time
from pathlib import Path
from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo
from bot.ingest.git import GitCredentials, GitSource
root = Path(sys.argv[1])
repo = Repo.init_bare(str(root / "site.git"), mkdir=True)
blob = Blob.from_string(b"---\\ntitle: A\\n---\\nA post.\\n")
posts = Tree()
posts.add(b"a.md", 0o100644, blob.id)
top = Tree()
top.add(b"posts", 0o040000, posts.id)
commit = Commit()
commit.tree, commit.message = top.id, b"A\\n"
commit.author = commit.committer = b"Editor <editor@example.org>"
commit.author_time = commit.commit_time = int(time.time())
commit.author_timezone = commit.commit_timezone = 0
for obj in (blob, posts, top, commit):
    repo.object_store.add_object(obj)
repo.refs[b"refs/heads/main"] = commit.id
source = GitSource(str(root / "site.git"), branch="main", checkout=root / "checkout",
                   credentials=GitCredentials())
result = source.sync()
print("cloned" if result.cloned else "?", *[c.path for c in result.changes])
"""


def _ignored(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n in ("__pycache__", ".mypy_cache") or n.endswith(".pyc")]
