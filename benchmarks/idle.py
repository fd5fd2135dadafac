"""Idle memory and time to ready of the service with both platforms connected.

The fakes run here; the App runs in a child process (`benchmarks._app_child`) so that its
resident memory (VmRSS from /proc) is the app's alone. The child starts the App on a copy of
the sample content (first start: the archive is recorded silently), idles, and reports.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.fakes.discord_gateway import GatewayDiscord

from .common import (
    PYTHON,
    ROOT,
    child_spec,
    copy_samples,
    fakes,
    header,
    quiet_logging,
    run_app_child,
    temp_root,
    verdict,
    write_result,
)

NAME = "idle"
TARGET_MB = 100.0
TARGET_READY_S = 2.0


async def measure(
    idle_s: float, with_admin: bool, limit_s: float, git_http: bool = False
) -> dict[str, Any]:
    with temp_root(NAME) as root:
        copy_samples(root)
        extra: dict[str, Any] = {}
        if git_http:  # the samples as the website's repository, and HTTP on
            extra = {"git_url": _website(root), "http": True}
        gateway = GatewayDiscord()
        async with fakes(discord=gateway) as (tg, dc):
            spec = child_spec(
                root, tg, dc, admin=with_admin, idle_s=idle_s, with_admin=with_admin, watch=True,
                **extra,
            )  # fmt: skip
            figures = await run_app_child(spec, limit_s)
            if figures["timed_out"] or figures["exit_code"] != 0:
                raise RuntimeError(f"the app did not finish cleanly: {figures}")
            figures["telegram_connected"] = any(c.method == "getMe" and c.ok for c in tg.calls)
            figures["discord_connected"] = any(
                c.method == "GET" and c.path.endswith("/users/@me") and c.status == 200
                for c in dc.calls
            )
            figures["telegram_polling"] = any(c.method == "getUpdates" for c in tg.calls)
            figures["discord_gateway_identified"] = bool(gateway.identifies)
            figures["telegram_requests"] = sorted({c.method for c in tg.calls})
            figures["discord_requests"] = sorted({c.route for c in dc.calls})
            return figures


def _website(root: Path) -> str:
    """A bare repository holding the sample posts and images, as the website keeps them."""
    from tests.ingest.git_support import Origin

    files: dict[str, bytes | str | None] = {}
    for path in (ROOT / "content").rglob("*.md"):
        files[f"posts/{path.name}"] = path.read_bytes()
    for path in (ROOT / "static").rglob("*.jpeg"):
        files[f"public/{path.relative_to(ROOT / 'static').as_posix()}"] = path.read_bytes()
    origin = Origin(root / "site.git")
    origin.commit(files, "The site")
    origin.close()
    return origin.url


RSS_SNIPPET = (
    "for line in open('/proc/self/status'):\n"
    "    if line.startswith('VmRSS'):\n"
    "        print(line.split()[1])\n"
)


def rss_after_import(statement: str) -> float:
    """VmRSS (MB) of a fresh interpreter (with asyncio loaded) after `statement`."""
    code = f"import asyncio\n{statement}\n{RSS_SNIPPET}"
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return int(done.stdout.split()[-1]) / 1024


def import_costs(packages: list[str]) -> dict[str, Any]:
    """What importing each package loaded by the app costs on its own (shared dependencies are
    counted in each), and all of the app's modules together."""
    base = rss_after_import("pass")
    costs = {name: rss_after_import(f"import {name}") - base for name in [*packages, "bot.app"]}
    together = "import " + ", ".join(
        f"bot.{m}"
        for m in (
            "app", "admin.runtime", "admin.telegram", "admin.discord", "deliver.telegram",
            "deliver.discord", "store.repo", "schedule.scheduler",
        )
    )  # fmt: skip
    return {
        "interpreter_mb": base,
        "all_bot_modules_mb": rss_after_import(together) - base,
        "each_mb": dict(sorted(costs.items(), key=lambda item: -item[1])),
    }


def run(quick: bool = False, argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks idle")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before measuring")
    parser.add_argument("--repeat", type=int, default=1 if quick else 3)
    parser.add_argument("--no-admin", action="store_true", help="with_admin=False")
    parser.add_argument(
        "--git-http", action="store_true", help="follow a local repository, with HTTP on"
    )
    args = parser.parse_args(argv or [])
    quiet_logging()
    header(NAME)
    began = time.perf_counter()
    runs = [
        asyncio.run(
            measure(args.idle, not args.no_admin, limit_s=60 + args.idle, git_http=args.git_http)
        )
        for _ in range(args.repeat)
    ]
    idle_mb = [r["rss_idle_kb"] / 1024 for r in runs]
    ready = [r["ready_after_s"] for r in runs]
    wall = [r["start_wall_s"] for r in runs]
    worst_mb, worst_ready = max(idle_mb), max(max(ready), max(wall))
    first = runs[0]
    admin = first["admin_parts"]
    print(
        f"git and HTTP {'on' if args.git_http else 'off'}, "
        f"with_admin={not args.no_admin}: admin parts started {admin}; Telegram: getMe "
        f"{first['telegram_connected']}, polling {first['telegram_polling']}; Discord: REST login "
        f"{first['discord_connected']}, gateway identified {first['discord_gateway_identified']}, "
        f"client ready {first['discord_gateway_ready']}"
    )
    for i, r in enumerate(runs, 1):
        mb = {k: r[f"rss_{k}_kb"] / 1024 for k in ("idle", "after_start", "after_imports", "peak")}
        print(
            f"  run {i}: RSS idle {mb['idle']:.1f} MB (after start {mb['after_start']:.1f}, "
            f"after importing bot.app {mb['after_imports']:.1f}, bare interpreter "
            f"{r['rss_interpreter_kb'] / 1024:.1f}, peak {mb['peak']:.1f}); "
            f"ready_after {r['ready_after_s']:.3f}s, start() wall {r['start_wall_s']:.3f}s, "
            f"imports {r['imports_done_s']:.2f}s, spawn → ready {r['ready_since_spawn_s']:.2f}s; "
            f"{r['threads']} threads, {r['tasks']} tasks"
        )
    print(
        f"  targets: idle RSS ≤ {TARGET_MB:.0f} MB {verdict(worst_mb <= TARGET_MB)} "
        f"(worst {worst_mb:.1f} MB), ready ≤ {TARGET_READY_S}s "
        f"{verdict(worst_ready <= TARGET_READY_S)} (worst {worst_ready:.3f}s)"
    )
    imports: dict[str, Any] | None = None
    if not quick:
        imports = import_costs([p for p in first["packages"] if p.isidentifier()])
        top = list(imports["each_mb"].items())[:10]
        print(
            f"  imports: interpreter {imports['interpreter_mb']:.1f} MB; every bot module "
            f"+{imports['all_bot_modules_mb']:.1f} MB; alone: "
            + ", ".join(f"{name} +{mb:.1f}" for name, mb in top)
        )
    data = {
        "quick": quick,
        "imports": imports,
        "targets": {"rss_mb": TARGET_MB, "ready_s": TARGET_READY_S},
        "met": worst_mb <= TARGET_MB and worst_ready <= TARGET_READY_S,
        "with_admin": not args.no_admin,
        "git_http": args.git_http,
        "admin_started": admin,
        "runs": runs,
        "duration_s": time.perf_counter() - began,
    }
    write_result(NAME, data)
    print(f"took {data['duration_s']:.1f}s")
    return data
