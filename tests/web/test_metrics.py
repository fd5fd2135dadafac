"""The metrics registry: the contract's names and labels, read back with Prometheus' parser."""

from __future__ import annotations

import platform
from collections.abc import Mapping
from datetime import datetime

from prometheus_client.parser import text_string_to_metric_families

from bot.web.metrics import Metrics

from .clock import TOKYO


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_contract_metrics_with_labels() -> None:
    backlog = {"tg-news": 3, "dc-news": 0}
    metrics = Metrics(lambda: backlog, version="1.2.3")
    metrics.delivered("tg-news", "sent")
    metrics.delivered("tg-news", "sent")
    metrics.delivered("dc-news", "failed")
    metrics.rate_limited("telegram")
    got = samples(metrics)
    assert got[("bot_deliveries_total", (("channel", "tg-news"), ("state", "sent")))] == 2
    assert got[("bot_deliveries_total", (("channel", "dc-news"), ("state", "failed")))] == 1
    assert got[("bot_rate_limited_total", (("platform", "telegram"),))] == 1
    assert got[("bot_outbox_pending", (("channel", "tg-news"),))] == 3
    assert got[("bot_outbox_pending", (("channel", "dc-news"),))] == 0
    assert got[("bot_up", ())] == 1
    build = (("python", platform.python_version()), ("version", "1.2.3"))
    assert got[("bot_build_info", build)] == 1


def test_pending_is_read_at_scrape_time() -> None:
    backlog: dict[str, int] = {}
    metrics = Metrics(lambda: backlog)
    assert not [k for k in samples(metrics) if k[0] == "bot_outbox_pending"]
    backlog["ព័ត៌មាន"] = 7  # a channel name in Khmer
    assert samples(metrics)[("bot_outbox_pending", (("channel", "ព័ត៌មាន"),))] == 7


def test_a_failing_pending_reader_does_not_break_the_scrape() -> None:
    def broken() -> Mapping[str, int]:
        raise RuntimeError("database is locked")

    metrics = Metrics(broken)
    metrics.delivered("tg-news", "sent")
    got = samples(metrics)
    assert got[("bot_deliveries_total", (("channel", "tg-news"), ("state", "sent")))] == 1


def test_detect_to_send_histogram() -> None:
    metrics = Metrics(dict)
    for seconds in (0.004, 0.04, 0.3, 42.0, 400.0, -1.0):
        metrics.detect_to_send(seconds)
    got = samples(metrics)
    bucket = "bot_detect_to_send_seconds_bucket"
    assert got[(bucket, (("le", "0.01"),))] == 2  # 0.004 and the clamped -1
    assert got[(bucket, (("le", "0.05"),))] == 3
    assert got[(bucket, (("le", "0.5"),))] == 4
    assert got[(bucket, (("le", "60.0"),))] == 5
    assert got[(bucket, (("le", "300.0"),))] == 5
    assert got[(bucket, (("le", "+Inf"),))] == 6
    assert got[("bot_detect_to_send_seconds_count", ())] == 6
    assert abs(got[("bot_detect_to_send_seconds_sum", ())] - 442.344) < 1e-9


def test_leader_git_sync_and_webhook_outcomes() -> None:
    metrics = Metrics(dict)
    assert samples(metrics)[("bot_leader", ())] == 1
    metrics.set_leader(False)
    when = datetime(2026, 5, 1, 12, 3, tzinfo=TOKYO)
    metrics.git_synced(when)
    metrics.webhook("push")
    got = samples(metrics)
    assert got[("bot_leader", ())] == 0
    assert got[("bot_git_last_sync_timestamp_seconds", ())] == when.timestamp()
    assert got[("bot_webhook_requests_total", (("outcome", "push"),))] == 1
    assert got[("bot_webhook_requests_total", (("outcome", "unauthorized"),))] == 0


def test_instances_do_not_share_a_registry() -> None:
    first, second = Metrics(dict), Metrics(dict)
    first.delivered("tg-news", "sent")
    assert ("bot_deliveries_total", (("channel", "tg-news"), ("state", "sent"))) not in samples(
        second
    )
