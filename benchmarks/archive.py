"""Start-up on a large archive: the cold index (first start on an empty state, which records the
archive silently) and the warm restart (second start on the same database).

The archive is generated: posts with frontmatter and three paragraphs, a quarter with images
that exist in the static folder, one in fifty an event (a few of them upcoming), spread over
year folders. Each start runs in a child process (`benchmarks._app_child`) against the fakes,
with its phases timed; a start beyond its target is run again under cProfile to show where
the time goes, and any start beyond ten times its target is stopped there and reported with
the share of the archive it had indexed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .common import (
    POSTGRES_ADMIN,
    RESULTS,
    ROOT,
    child_spec,
    fakes,
    header,
    postgres_reachable,
    postgres_schema,
    print_profile,
    profile_top,
    quiet_logging,
    run_app_child,
    temp_root,
    verdict,
    write_result,
)

NAME = "archive"
TARGET_COLD_S = 5.0
TARGET_WARM_S = 1.0
STOP_FACTOR = 10.0
VOCABULARY = (
    "association students cambodia japan embassy members meeting culture festival tokyo osaka "
    "scholarship ceremony volunteers community welcome seminar language exchange university "
    "graduation friendship support project report annual general assembly khmer new year "
    "celebration sports day workshop career networking alumni invitation registration venue "
    "program speakers guests traditional dance food booth photos thanks everyone joined "
    "successful event planning committee election board president secretary treasurer"
)
WORDS = VOCABULARY.split()


# -- the archive -------------------------------------------------------------------------------
def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(9, 18))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def generate(root: Path, count: int, seed: int = 20240101) -> dict[str, Any]:
    """Write `count` posts under root/content/posts/<year>/ and their images under root/static."""
    rng = random.Random(seed)
    images = root / "static" / "images" / "posts"
    images.mkdir(parents=True, exist_ok=True)
    samples = sorted((ROOT / "static" / "images" / "posts").glob("*.jpeg"))
    names = []
    for i in range(24):
        name = f"archive-{i:02d}.jpeg"
        shutil.copyfile(samples[i % len(samples)], images / name)
        names.append(name)
    start = date.today() - timedelta(days=10 * 365)
    with_images = events = upcoming = 0
    total_bytes = 0
    for i in range(count):
        day = start + timedelta(days=i * 10 * 365 // count)
        title = " ".join(rng.choices(WORDS, k=rng.randint(3, 8))).title()
        lines = [
            "---",
            f"title: '{title} {i}'",
            f"date: '{day.isoformat()}'",
            f"abstract: '{_sentence(rng)}'",
            "tags: ["
            + ", ".join(rng.sample(["news", "events", "culture", "study", "sports"], 2))
            + "]",
        ]
        if i % 4 == 0:
            with_images += 1
            lines.append("image:")
            lines += [f"    - '/images/posts/{n}'" for n in rng.sample(names, rng.randint(1, 3))]
        if i % 50 == 7:
            events += 1
            when = day + timedelta(days=14)
            if i >= count - 200:
                when = date.today() + timedelta(days=rng.randint(3, 60))
                upcoming += 1
            lines += [
                "event:",
                f"  start: '{when.isoformat()} 18:00'",
                f"  end: '{when.isoformat()} 21:00'",
                "  location: 'Tokyo International Exchange Center'",
            ]
        lines += ["---", ""]
        body = "\n\n".join("\u3000\u3000" + _paragraph(rng) for _ in range(3))
        text = "\n".join(lines) + "\n" + body + "\n"
        folder = root / "content" / "posts" / str(day.year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{day.isoformat()}-post-{i:05d}.md").write_text(text, encoding="utf-8")
        total_bytes += len(text.encode())
    return {
        "posts": count,
        "with_images": with_images,
        "events": events,
        "upcoming_events": upcoming,
        "bytes": total_bytes,
    }


# -- databases ---------------------------------------------------------------------------------
def indexed(database_url: str) -> int:
    """Posts recorded so far (for a start that was stopped)."""
    try:
        if database_url.startswith("sqlite:///"):
            path = database_url.removeprefix("sqlite:///")
            with contextlib.closing(
                sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
            ) as conn:
                return int(conn.execute("SELECT count(*) FROM posts").fetchone()[0])
        import psycopg

        schema = database_url.split("search_path%3D", 1)[1]
        with psycopg.connect(POSTGRES_ADMIN) as pg:
            row = pg.execute(f'SELECT count(*) FROM "{schema}".posts').fetchone()
            return int(row[0]) if row else 0
    except Exception:
        return -1


def mark_published(database_url: str) -> int:
    """As if the bot had announced every post over the years (only the first start archives)."""
    statement = "UPDATE {}posts SET state = 'published' WHERE state = 'archived'"
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn, conn:
            return conn.execute(statement.format("")).rowcount
    import psycopg

    schema = database_url.split("search_path%3D", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as pg:
        return pg.execute(statement.format(f'"{schema}".')).rowcount


# -- the runs ----------------------------------------------------------------------------------
async def start_once(
    root: Path, database_url: str, target: float, label: str, profile: Path | None = None
) -> dict[str, Any]:
    async with fakes() as (tg, dc):
        spec = child_spec(
            root, tg, dc, database_url=database_url, watch=True, with_admin=False,
            profile=str(profile) if profile else None,
        )  # fmt: skip
        figures = await run_app_child(spec, limit_s=STOP_FACTOR * target)
    figures["label"] = label
    figures["target_s"] = target
    if figures["timed_out"]:
        figures["indexed_when_stopped"] = indexed(database_url)
    if profile is not None and profile.exists():
        figures["profile"] = profile_top(profile)
        figures["profile_file"] = str(profile.relative_to(ROOT))
    figures["sent_requests"] = len([c for c in tg.calls if c.method.startswith("send")]) + len(
        [c for c in dc.calls if c.method == "POST" and "/messages" in c.path]
    )
    return figures


def describe(figures: dict[str, Any], posts: int) -> str:
    if figures["timed_out"]:
        done = figures.get("indexed_when_stopped", -1)
        rate = done / figures["terminated_after_s"] if figures.get("terminated_after_s") else 0
        eta = f", ≈ {posts / rate:.0f}s for all at that rate" if rate > 0 else ""
        return (
            f"STOPPED at {figures['timeout_s']:.0f}s (10× target) in phase "
            f"{figures.get('terminated_in_phase')}: {done}/{posts} posts indexed{eta}"
        )
    phases = ", ".join(
        f"{k.removesuffix('_s')} {figures[k]:.2f}s"
        for k in ("load_all_s", "reconcile_s")
        if k in figures
    )
    return (
        f"ready_after {figures['ready_after_s']:.2f}s, start() wall {figures['start_wall_s']:.2f}s "
        f"({phases}); {figures['summary']['archived']} archived, {figures['summary']['new']} new, "
        f"{figures['summary']['errors']} errors; RSS {figures['rss_after_start_kb'] / 1024:.0f} MB"
    )


def met(figures: dict[str, Any]) -> bool:
    return not figures["timed_out"] and figures["start_wall_s"] <= figures["target_s"]


async def bench_database(
    root: Path, kind: str, database_url: str, posts: int, profile: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {"database": kind}
    cold = await start_once(root, database_url, TARGET_COLD_S, "cold")
    out["cold"] = cold
    mark = f"[{verdict(met(cold))} ≤ {TARGET_COLD_S}s]"
    print(f"  {kind} cold index:     {describe(cold, posts)}  {mark}")
    if cold["timed_out"]:
        out["warm"] = None
        print(f"  {kind} warm restart:   not measured (the cold index was stopped)")
    else:
        warm = await start_once(root, database_url, TARGET_WARM_S, "warm")
        out["warm"] = warm
        mark = f"[{verdict(met(warm))} ≤ {TARGET_WARM_S}s]"
        print(f"  {kind} warm restart:   {describe(warm, posts)}  {mark}")
        if profile and not met(warm):
            path = RESULTS / f"{NAME}-{kind}-warm.prof"
            prof = await start_once(root, database_url, TARGET_WARM_S, "warm (cProfile)", path)
            out["warm_profile"] = prof
            print(f"    profiled warm restart: {describe(prof, posts)}")
            print_profile(prof["profile"])
        marked = mark_published(database_url)
        live = await start_once(root, database_url, TARGET_WARM_S, "warm, history published")
        live["posts_marked_published"] = marked
        out["warm_published"] = live
        print(
            f"  {kind} warm restart, every post in state 'published' (a bot live for years): "
            f"{describe(live, posts)}"
        )
    if profile and not met(cold):
        path = RESULTS / f"{NAME}-{kind}-cold.prof"
        with fresh_database(root, kind) as url:
            prof = await start_once(root, url, TARGET_COLD_S, "cold (cProfile)", path)
        out["cold_profile"] = prof
        print(f"    profiled cold index: {describe(prof, posts)}")
        print_profile(prof["profile"])
    return out


@contextlib.contextmanager
def fresh_database(root: Path, kind: str) -> Iterator[str]:
    if kind == "postgresql":
        with postgres_schema("archive") as url:
            yield url
        return
    folder = root / f"data-{secrets.token_hex(3)}"
    folder.mkdir()
    try:
        yield f"sqlite:///{folder / 'bot.sqlite3'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(quick: bool = False, argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks archive")
    parser.add_argument("--posts", type=int, default=1_000 if quick else 10_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--no-profile", action="store_true", help="skip the cProfile pass of a slow start"
    )
    args = parser.parse_args(argv or [])
    quiet_logging()
    header(NAME)
    began = time.perf_counter()
    databases: list[dict[str, Any]] = []
    with temp_root(NAME) as root:
        t0 = time.perf_counter()
        archive = generate(root, args.posts)
        archive["generate_s"] = time.perf_counter() - t0
        print(
            f"archive: {archive['posts']} posts ({archive['with_images']} with images, "
            f"{archive['events']} events, {archive['upcoming_events']} upcoming), "
            f"{archive['bytes'] / 1e6:.1f} MB, generated in {archive['generate_s']:.1f}s"
        )
        kinds = ["sqlite"]
        if not args.no_postgres:
            if postgres_reachable():
                kinds.append("postgresql")
            else:
                print("  postgresql: 127.0.0.1:5432 not reachable, skipped")
        for kind in kinds:
            with fresh_database(root, kind) as url:
                databases.append(
                    asyncio.run(bench_database(root, kind, url, args.posts, not args.no_profile))
                )
    cold_ok = all(met(d["cold"]) for d in databases)
    warm_ok = all(d["warm"] is not None and met(d["warm"]) for d in databases)
    data = {
        "quick": quick,
        "archive": archive,
        "targets": {
            "cold_s": TARGET_COLD_S,
            "warm_s": TARGET_WARM_S,
            "stopped_beyond": f"{STOP_FACTOR:g}× target",
        },
        "met": cold_ok and warm_ok,
        "databases": databases,
        "duration_s": time.perf_counter() - began,
    }
    write_result(NAME, data)
    print(f"took {data['duration_s']:.1f}s")
    return data
