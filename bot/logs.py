"""Logging: one format for the whole process, and no secret in any line of it.

httpx logs request URLs that carry the Telegram token, discord.py's debug log shows webhook
tokens, git errors may quote a URL with a token inside: every record passes the redactor.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

QUIET = ("httpx", "httpcore", "apscheduler", "discord.http", "alembic")  # warnings only
SILENT = ("discord.client", "discord.state")  # voice and intents notices: errors only


class Redactor(logging.Filter):
    """Removes secrets from every log record and report."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg = self.clean(record.getMessage())
            record.args = None
        return True


def setup_logging(secrets: Iterable[str], level: int = logging.INFO) -> Redactor:
    """Configure the root logger once; later calls replace the redactor (new secrets)."""
    redactor = Redactor(secrets)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, Redactor)]:
            handler.removeFilter(old)
        handler.addFilter(redactor)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in SILENT:
        logging.getLogger(name).setLevel(logging.ERROR)
    return redactor
