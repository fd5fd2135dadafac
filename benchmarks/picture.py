"""Seconds to draw a post's preview picture (`python -m bot preview PATH --png OUT.png`).

Three posts: the two samples (an article with a two-photo album, a long press text) and a
generated post with twelve photos (two Telegram albums, a Discord gallery and attachments).
Each picture shows both platforms at device scale 2. Measured three ways:

- cold: `render_png(document)` as the CLI calls it, a new Chromium started for each picture
  (the photos are read while it starts);
- warm: one Chromium kept between pictures, as a service answering previews would;
- cli: the whole command in a fresh process (Python start-up, settings, formatting, drawing).

Target: every cold picture in at most 3 s on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from bot.deliver.picture import Chromium, render_png
from tests.conftest import build_settings
from tests.helpers import preview_document, write_post
from tests.picture.support import hues, photo

from .common import (
    PYTHON,
    ROOT,
    copy_samples,
    header,
    quiet_logging,
    summary,
    temp_root,
    verdict,
    without_chromium,
    write_result,
)

NAME = "picture"
TARGET_S = 3.0
POSTS = {
    "article": "content/posts/2023-01-23-70th-anniversary.md",
    "press": "content/press/2023-10-30-japan-supports-cambodia.md",
    "twelve-photos": "content/posts/twelve-photos.md",
}


def prepare(root: Path) -> dict[str, dict[str, Any]]:
    """The sample content plus a twelve-photo post, and each post's preview document."""
    copy_samples(root)
    for i, colour in enumerate(hues(12)):
        size = (1600, 1067) if i % 3 else (1067, 1600)
        photo(root / f"static/images/posts/twelve-{i:02}.jpeg", size, colour)
    listed = "".join(f"  - '/images/posts/twelve-{i:02}.jpeg'\n" for i in range(12))
    body = "The photos of the day.\n\n" + "A day out with the members in Tokyo. " * 40
    write_post(root / POSTS["twelve-photos"], "Twelve photos", body, extra=f"image:\n{listed}")
    settings = build_settings(root)
    return {name: preview_document(settings, root / path, None) for name, path in POSTS.items()}


async def cold(documents: dict[str, dict[str, Any]], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in documents}
    for _ in range(rounds):
        for name, document in documents.items():
            began = time.perf_counter()
            await render_png(document)
            times[name].append(time.perf_counter() - began)
    return times


async def warm(documents: dict[str, dict[str, Any]], rounds: int) -> dict[str, Any]:
    times: dict[str, list[float]] = {name: [] for name in documents}
    began = time.perf_counter()
    async with Chromium() as chromium:
        start_s = time.perf_counter() - began
        for _ in range(rounds):
            for name, document in documents.items():
                t0 = time.perf_counter()
                await render_png(document, browser=chromium)
                times[name].append(time.perf_counter() - t0)
    return {"browser_start_s": start_s, "times": times}


def cli(root: Path, rounds: int) -> list[float]:
    """`python -m bot preview <article> --png` in a fresh process, from the project's root."""
    config = root / "bot.toml"
    content, static = root / "content", root / "static"
    config.write_text(f'[content]\ndir = "{content}"\nstatic_dir = "{static}"\n', "utf-8")
    env = {**os.environ, "BOT_CONFIG": str(config)}
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        subprocess.run(
            [PYTHON, "-m", "bot", "preview", str(root / POSTS["article"]), "--png",
             str(root / "out.png")],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        times.append(time.perf_counter() - began)
    return times


def show(label: str, values: list[float]) -> dict[str, float]:
    s = summary(values)
    print(
        f"  {label:<22} p50 {s['p50']:.2f}s  p90 {s['p90']:.2f}s  max {s['max']:.2f}s  (n={s['n']})"
    )
    return s


def run(quick: bool = False, argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks picture")
    parser.add_argument("--rounds", type=int, default=2 if quick else 5)
    args = parser.parse_args(argv or [])
    quiet_logging()
    header(NAME)
    skipped = without_chromium(NAME)
    if skipped is not None:
        return skipped
    began = time.perf_counter()
    with temp_root(NAME) as root:
        documents = prepare(root)
        cold_times = asyncio.run(cold(documents, args.rounds))
        warm_run = asyncio.run(warm(documents, args.rounds))
        cli_times = cli(root, max(1, args.rounds // 2))
    print("cold (a new Chromium for each picture):")
    per_post = {name: show(name, values) for name, values in cold_times.items()}
    everything = [v for values in cold_times.values() for v in values]
    cold_all = show("all posts", everything)
    print(f"warm (one Chromium, started in {warm_run['browser_start_s']:.2f}s):")
    warm_post = {name: show(name, values) for name, values in warm_run["times"].items()}
    warm_all = show("all posts", [v for values in warm_run["times"].values() for v in values])
    print("cli (a fresh process, the article):")
    cli_all = show("python -m bot preview", cli_times)
    met = cold_all["max"] <= TARGET_S
    print(f"  every cold picture ≤ {TARGET_S:g}s: {verdict(met)}")
    data = {
        "quick": quick,
        "rounds": args.rounds,
        "targets": {"cold_max_s": TARGET_S},
        "met": met,
        "cold": {"all": cold_all, "posts": per_post},
        "warm": {
            "browser_start_s": warm_run["browser_start_s"],
            "all": warm_all,
            "posts": warm_post,
        },
        "cli": cli_all,
        "duration_s": time.perf_counter() - began,
    }
    write_result(NAME, data)
    print(f"took {data['duration_s']:.1f}s")
    return data
