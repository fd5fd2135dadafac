"""Following the website's repository: the first clone of a repository with 10,000 posts, and
`sync()` after each of ≥ 30 pushes of one new post (p50/p99), plus a poll that finds nothing.

The repository is generated (the `archive` benchmark's posts and images, committed with
dulwich into a bare repository); the remote is that folder (`--http`: the same served by a
local smart-HTTP server with basic auth on 127.0.0.1, as a forge would). Each push is one
commit of one post made directly in the bare repository, as a maintainer's push would land.
"""

from __future__ import annotations

import argparse
import shutil
import stat
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from dulwich.index import commit_tree
from dulwich.objects import Blob, Commit, ObjectID

from bot.ingest.git import GitCredentials, GitSource
from tests.ingest.git_support import Origin, git_http, post

from .archive import generate
from .common import header, percentile, summary, temp_root, verdict, write_result

NAME = "git_sync"
TARGET_SYNC_P99_S = 1.0
TARGET_CLONE_S = 30.0
TOKEN = "bench-token"


def build_origin(root: Path, posts: int) -> tuple[Origin, dict[str, Any]]:
    """A bare repository whose one commit holds `posts` posts under posts/ and the images
    under public/images/posts/, written as one pack."""
    site = root / "files"
    archive = generate(site, posts)
    origin = Origin(root / "site.git")
    blobs: list[tuple[bytes, ObjectID, int]] = []
    objects = []
    for folder, prefix in ((site / "content" / "posts", "posts"), (site / "static", "public")):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                blob = Blob.from_string(path.read_bytes())
                objects.append(blob)
                rel = f"{prefix}/{path.relative_to(folder).as_posix()}"
                blobs.append((rel.encode(), blob.id, stat.S_IFREG | 0o644))
    store = origin.repo.object_store
    store.add_objects([(obj, None) for obj in objects])
    tree = commit_tree(store, blobs)
    commit = Commit()
    commit.tree = tree
    commit.author = commit.committer = b"Site Editor <editor@example.org>"
    commit.author_time = commit.commit_time = int(time.time())
    commit.author_timezone = commit.commit_timezone = 9 * 3600
    commit.message = b"The archive\n"
    store.add_object(commit)
    origin.move_branch(commit.id)
    shutil.rmtree(site)
    archive["files"] = len(blobs)
    return origin, archive


def run(quick: bool = False, argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks git_sync")
    parser.add_argument("--posts", type=int, default=1_000 if quick else 10_000)
    parser.add_argument("--pushes", type=int, default=30)
    parser.add_argument("--clones", type=int, default=1 if quick else 3)
    parser.add_argument("--http", action="store_true", help="through local smart HTTP")
    args = parser.parse_args(argv or [])
    header(NAME)
    began = time.perf_counter()
    with temp_root(NAME) as root, ExitStack() as stack:
        t0 = time.perf_counter()
        origin, archive = build_origin(root, args.posts)
        stack.callback(origin.close)
        archive["build_s"] = time.perf_counter() - t0
        url, credentials = origin.url, GitCredentials()
        if args.http:
            server = stack.enter_context(git_http({"site.git": origin.repo}, "bot", TOKEN))
            url, credentials = f"{server.base}/site.git", GitCredentials(TOKEN, None, "bot")
        print(
            f"repository: {archive['files']} files ({archive['posts']} posts), "
            f"built in {archive['build_s']:.1f}s; remote: {'smart HTTP' if args.http else 'path'}"
        )

        clones: list[float] = []
        for i in range(args.clones):
            source = GitSource(url, branch="main", checkout=root / f"clone-{i}",
                               credentials=credentials)  # fmt: skip
            t0 = time.perf_counter()
            result = source.sync()
            clones.append(time.perf_counter() - t0)
            assert result.cloned and len(result.changes) == archive["files"]
        clone_ok = min(clones) <= TARGET_CLONE_S
        print(
            f"  first clone: {', '.join(f'{s:.2f}s' for s in clones)}  "
            f"[{verdict(clone_ok)} ≤ {TARGET_CLONE_S:g}s]"
        )

        idle: list[float] = []
        for _ in range(args.pushes):
            t0 = time.perf_counter()
            assert source.sync().changes == ()
            idle.append(time.perf_counter() - t0)
        syncs: list[float] = []
        for i in range(args.pushes):
            name = f"posts/new/2030-01-{i % 28 + 1:02d}-push-{i:03d}.md"
            origin.commit({name: post(f"Pushed post {i}", day="2030-01-01")}, f"Add post {i}")
            t0 = time.perf_counter()
            result = source.sync()
            syncs.append(time.perf_counter() - t0)
            assert [c.path for c in result.changes] == [name], result.changes
        sync_ok = percentile(syncs, 99) <= TARGET_SYNC_P99_S
        for label, values in (("sync after a push", syncs), ("sync, nothing new", idle)):
            s = summary(values)
            print(
                f"  {label}: p50 {s['p50'] * 1000:.0f} ms, p99 {s['p99'] * 1000:.0f} ms, "
                f"max {s['max'] * 1000:.0f} ms over {s['n']}"
                + (
                    f"  [{verdict(sync_ok)} p99 ≤ {TARGET_SYNC_P99_S:g}s]"
                    if values is syncs
                    else ""
                )
            )
    data = {
        "quick": quick,
        "remote": "smart-http" if args.http else "path",
        "repository": archive,
        "targets": {"sync_p99_s": TARGET_SYNC_P99_S, "clone_s": TARGET_CLONE_S},
        "clone_s": clones,
        "sync_after_push_s": summary(syncs),
        "sync_idle_s": summary(idle),
        "met": clone_ok and sync_ok,
        "duration_s": time.perf_counter() - began,
    }
    write_result(NAME + ("-http" if args.http else ""), data)
    print(f"took {data['duration_s']:.1f}s")
    return data
