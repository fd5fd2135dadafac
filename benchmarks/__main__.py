"""`python -m benchmarks [--quick]` runs every benchmark; `python -m benchmarks NAME ...` one."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Sequence

NAMES = ("latency", "burst", "idle", "archive", "takeover", "picture", "push", "git_sync", "drafts")
USAGE = (
    "usage: python -m benchmarks [--quick] [NAME [options]]\n"
    f"  NAME: one of {', '.join(NAMES)} (all when omitted); "
    "`python -m benchmarks NAME --help` lists its options"
)


def main(argv: Sequence[str]) -> int:
    args = list(argv)
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    if args and args[0] in NAMES:
        chosen, rest = [args[0]], args[1:]
    elif args:
        print(USAGE, file=sys.stderr)
        return 2
    else:
        chosen, rest = list(NAMES), []
    from .common import scrub_env

    scrub_env()
    timings: dict[str, float] = {}
    failed: list[str] = []
    crashed = False
    for name in chosen:
        module = importlib.import_module(f"benchmarks.{name}")
        began = time.perf_counter()
        try:
            result = module.run(quick=quick, argv=rest)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # one broken benchmark must not hide the others
            print(f"{name}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            failed.append(f"{name} (crashed)")
            crashed = True
            continue
        finally:
            timings[name] = time.perf_counter() - began
        if not result.get("met", True):
            failed.append(f"{name} (target missed)")
    if len(chosen) > 1:
        print("\n== summary ==")
        for name, seconds in timings.items():
            print(f"  {name:<8} {seconds:7.1f}s")
    if failed:
        print("not met: " + ", ".join(failed))
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
