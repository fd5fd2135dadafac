"""Command line: run, check, preview, publish, queue, status, migrate, doctor. Every command
takes --config."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .cli_parser import parser
from .config import Settings, load_settings
from .errors import BotError, ConfigError, ContentError


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    out = Console(highlight=False)
    try:
        settings = load_settings(args.config)
        handler = {
            "run": _run,
            "check": _check,
            "preview": _preview,
            "publish": _publish,
            "queue": _queue,
            "status": _status,
            "migrate": _migrate,
            "doctor": _doctor,
        }[args.command]
        return handler(settings, args, out)
    except (ConfigError, ContentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1 if args.command != "run" else 2
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _run(settings: Settings, args: argparse.Namespace, out: Console) -> int:
    from .app import run_service

    asyncio.run(run_service(settings, console=out, announce_existing=args.announce_existing))
    return 0


def _check(settings: Settings, args: argparse.Namespace, out: Console) -> int:
    from .app import progress_bar, queries_of

    with progress_bar(out, "checking posts") as progress:
        report = queries_of(settings).check(progress)
    for line in report.warnings:
        out.print(f"warning: {line}", markup=False)
    for line in report.problems:
        out.print(f"error: {line}", markup=False)
    out.print(
        f"{report.checked} posts checked, {len(report.problems)} problems, "
        f"{len(report.warnings)} warnings",
        markup=False,
    )
    return 1 if report.problems else 0


def _preview(settings: Settings, args: argparse.Namespace, out: Console) -> int:
    from .app import queries_of

    queries = queries_of(settings)
    post = queries.content.load_path(Path(args.path))
    document = queries.preview(post, args.platform)
    if args.json:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    elif not args.png:
        _print_preview(document, out)
    if args.png:
        from .deliver.picture import PictureUnavailable, render_png

        tz = settings.association.tz
        try:
            png = asyncio.run(
                render_png(document, platform=args.platform, tz=tz, now=datetime.now(tz))
            )
        except PictureUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 3
        try:
            Path(args.png).write_bytes(png)
        except OSError as exc:
            print(f"error: cannot write {args.png}: {exc.strerror}", file=sys.stderr)
            return 1
    return 0


def _print_preview(document: dict[str, Any], out: Console) -> None:
    from rich.panel import Panel
    from rich.text import Text

    from .format.describe import summary
    from .format.model import Request

    post = document["post"]
    out.print(Text(f"{post['title']}  ({post['source']}, {post['date']})", style="bold"))
    for line in document["warnings"] + document["problems"]:
        out.print(Text(f"note: {line}", style="yellow"))
    for item in document["requests"]:
        request = Request.from_json(item)
        title = f"{item['channel']} · {request.method} {request.path}".strip()
        out.print(Panel(Text(summary(request)), title=Text(title), title_align="left"))


def _publish(settings: Settings, args: argparse.Namespace, out: Console) -> int:
    from .app import publish_once

    results = asyncio.run(publish_once(settings, Path(args.path), args.channel, out))
    for d in results:
        out.print(
            f"{d.channel}: {d.state}" + (f" ({d.last_error})" if d.last_error else ""),
            markup=False,
        )
    return sum(1 for d in results if d.state != "sent")


def _queue(settings: Settings, args: argparse.Namespace, out: Console) -> int:
    from .app import open_store, queries_of
    from .schedule.scheduler import stored_jobs

    tz = settings.association.tz
    store = open_store(settings)
    try:
        rows = queries_of(settings).queue(
            store, stored_jobs(settings.database_url, tz), datetime.now(tz)
        )
    finally:
        store.close()
    table = Table("when (local)", "job", "what it sends", title="Scheduled")
    for row in rows:
        table.add_row(row.when.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z"), row.job, row.what)
    out.print(table)
    return 0


def _status(settings: Settings, args: argparse.Namespace, out: Console) -> int:
    from .app import open_store

    store = open_store(settings)
    tz = settings.association.tz
    table = Table(
        "channel", "last delivery", "pending", "failed", "sent", "last error", title="Deliveries"
    )
    try:
        for row in store.status():
            last = (
                row.last_sent_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
                if row.last_sent_at
                else "—"
            )
            table.add_row(
                row.channel,
                last,
                str(row.pending),
                str(row.failed),
                str(row.sent),
                row.last_error or "",
            )
        beat = store.get_meta("heartbeat")
        processes = _processes_table(store, tz)
    finally:
        store.close()
    out.print(table)
    out.print(processes)
    if beat:
        age = datetime.now(UTC) - datetime.fromisoformat(beat)
        out.print(f"last heartbeat {beat} ({age.total_seconds():.0f}s ago)", markup=False)
    return 0


def _processes_table(store: Any, tz: tzinfo) -> Table:
    """Which process leads (host, pid, since) and which stand by."""
    now = datetime.now(UTC)
    lease = store.lease()
    leader = lease.owner if lease is not None and lease.expires_at >= now else None
    table = Table("role", "host", "pid", "since", "last seen", title="Processes")
    for p in store.processes(now):
        role = "leader" if p.owner == leader else "standby"
        since = lease.since if role == "leader" else p.started_at
        seen = f"{(now - p.renewed_at).total_seconds():.0f}s ago"
        table.add_row(role, p.host, str(p.pid), f"{since.astimezone(tz):%Y-%m-%d %H:%M:%S}", seen)
    if not table.rows:
        table.add_row("—", "no process is running", "", "", "")
    elif leader is None:
        table.add_row("leader", "none: the lease is free; a standby takes it within seconds",
                      "", "", "")  # fmt: skip
    return table


def _migrate(settings: Settings, args: argparse.Namespace, out: Console) -> int:
    from .store import schema
    from .store.base import make_engine

    engine = make_engine(settings.database_url)
    try:
        before, after = schema.upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        out.print(f"the state database is up to date (revision {after})", markup=False)
    else:
        out.print(f"upgraded the state database from {before or 'empty'} to {after}", markup=False)
    return 0


def _doctor(settings: Settings, args: argparse.Namespace, out: Console) -> int:
    from rich.text import Text

    from .app import doctor

    styles = {"✓": "green", "!": "yellow", "✗": "red"}
    checks = asyncio.run(doctor(settings))
    for check in checks:
        line = Text.assemble((check.mark, f"bold {styles[check.mark]}"), " ", (check.name, "bold"))
        line.append(f": {check.detail}")
        if check.fix:
            line.append(f" → {check.fix}", style=styles[check.mark])
        out.print(line, soft_wrap=True)
    failures = sum(not c.ok for c in checks)
    warnings = sum(c.ok and c.warn for c in checks)
    verdict = "nothing to fix" if not failures else f"{failures} to fix"
    summary = f"{len(checks)} checks: {verdict}, {warnings} warnings; nothing was sent"
    out.print(summary, markup=False)
    return 1 if failures else 0
