"""Composition root: builds every part from the settings, and runs them in one event loop.

Nothing imports this package but the command line. Each part gets only what it needs — its
configuration section, the store, the clock, the few other parts it talks to.

- `parts.py`: the parts built from the settings (content, formatting, queries, publishers…);
- `term.py`: `App`, one leadership term's work (watcher or follower, scheduler, outbox, admin);
- `run.py`: `python -m bot run` (stand by, lead, work; HTTP in both roles);
- `commands.py`: the one-shot commands that run parts (`publish`, `doctor`).
"""

from .commands import doctor, publish_once
from .parts import content_of, open_store, queries_of
from .run import metrics_of, progress_bar, run_service, web_server
from .term import App

__all__ = [
    "App",
    "content_of",
    "doctor",
    "metrics_of",
    "open_store",
    "progress_bar",
    "publish_once",
    "queries_of",
    "run_service",
    "web_server",
]
