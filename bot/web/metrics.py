"""Prometheus metrics of one bot process, on a registry of its own (never the global one)."""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from importlib import metadata

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

# From a file event answered in tens of milliseconds to a publication paced behind a burst.
DETECT_TO_SEND_BUCKETS = (
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
)  # fmt: skip

WEBHOOK_OUTCOMES = (
    "push", "ignored", "ping", "replay", "unauthorized", "too_large", "bad_request",
)  # fmt: skip


def package_version() -> str:
    try:
        return metadata.version("assoc-announce-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


class _PendingCollector(Collector):
    """``bot_outbox_pending{channel}``, read from the outbox when Prometheus scrapes."""

    def __init__(self, pending: Callable[[], Mapping[str, int]]) -> None:
        self._pending = pending

    def _family(self) -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "bot_outbox_pending",
            "Deliveries waiting in the outbox, per channel.",
            labels=["channel"],
        )

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield self._family()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = self._family()
        try:
            counts = dict(self._pending())
        except Exception:
            log.exception("could not read the outbox's pending deliveries for /metrics")
            counts = {}
        for channel, count in sorted(counts.items()):
            family.add_metric([channel], float(count))
        yield family


class Metrics:
    """What an operator graphs: deliveries, backlog, rate limits, latency, leadership, git."""

    def __init__(
        self,
        pending: Callable[[], Mapping[str, int]],
        *,
        version: str | None = None,
        process: bool = True,
    ) -> None:
        self.registry = CollectorRegistry()
        reg = self.registry
        self._deliveries = Counter(
            "bot_deliveries", "Deliveries finished, per channel and final state.",
            ["channel", "state"], registry=reg,
        )  # fmt: skip
        self._rate_limited = Counter(
            "bot_rate_limited", "429 answers received, per platform.",
            ["platform"], registry=reg,
        )  # fmt: skip
        self._detect_to_send = Histogram(
            "bot_detect_to_send_seconds",
            "Seconds from noticing a due post to its first platform request.",
            buckets=DETECT_TO_SEND_BUCKETS, registry=reg,
        )  # fmt: skip
        self._webhook = Counter(
            "bot_webhook_requests", "Push webhook requests, per outcome.",
            ["outcome"], registry=reg,
        )  # fmt: skip
        for outcome in WEBHOOK_OUTCOMES:
            self._webhook.labels(outcome)
        self._up = Gauge("bot_up", "1 while the process serves.", registry=reg)
        self._up.set(1)
        self._leader = Gauge("bot_leader", "1 when this process leads, 0 on standby.", registry=reg)
        self._leader.set(1)
        self._git_sync = Gauge(
            "bot_git_last_sync_timestamp_seconds",
            "Unix time of the last successful fetch of the website's repository.",
            registry=reg,
        )
        build = Info("bot_build", "Version of the bot and of Python.", registry=reg)
        build.info({"version": version or package_version(), "python": platform.python_version()})
        reg.register(_PendingCollector(pending))
        if process:
            ProcessCollector(registry=reg)

    def delivered(self, channel: str, state: str) -> None:
        """One delivery to ``channel`` reached ``state`` (sent, failed, …)."""
        self._deliveries.labels(channel=channel, state=state).inc()

    def rate_limited(self, platform: str) -> None:
        """The platform answered 429."""
        self._rate_limited.labels(platform=platform).inc()

    def detect_to_send(self, seconds: float) -> None:
        """Latency from detection to the first request; a negative value (clock step) counts 0."""
        self._detect_to_send.observe(max(0.0, seconds))

    def webhook(self, outcome: str) -> None:
        """One push webhook request ended with ``outcome`` (one of ``WEBHOOK_OUTCOMES``)."""
        self._webhook.labels(outcome=outcome).inc()

    def set_leader(self, leading: bool) -> None:
        self._leader.set(1 if leading else 0)

    def git_synced(self, when: datetime) -> None:
        """The website's repository was fetched successfully at ``when`` (timezone-aware)."""
        if when.tzinfo is None:
            raise ValueError("git_synced needs a timezone-aware datetime")
        self._git_sync.set(when.timestamp())

    def render(self) -> bytes:
        """The registry in Prometheus text format."""
        return generate_latest(self.registry)
