"""The project's own error types; library errors are translated into these at the edges."""

from __future__ import annotations


class BotError(Exception):
    """Base class of every error the bot reports."""


class ConfigError(BotError):
    """The configuration is missing, malformed or inconsistent."""


class ContentError(BotError):
    """A post file cannot be used. Always names the file and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class DeliveryError(BotError):
    """Sending to a platform failed.

    ``retryable`` tells the outbox whether trying again can help (network errors, 5xx, 429);
    ``retry_after`` is the platform's own wait in seconds when it gave one.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        platform: str = "",
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.platform = platform


class AdminError(BotError):
    """An admin's request that cannot be carried out as given; the message says what to fix."""
