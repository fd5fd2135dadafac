"""Pacing of crossposts: about ten an hour per announcement channel, apart from its posts."""

from __future__ import annotations

from bot.deliver.pacing import Pacer
from bot.domain import Channel
from bot.format.model import Request

NEWS = Channel("dc-news", "discord", channel_id="1", kind="announcement", crosspost=True)
OTHER = Channel("dc-other", "discord", channel_id="2", kind="announcement", crosspost=True)
CROSSPOST = Request("discord", "POST", {}, path="/channels/1/messages/9/crosspost",
                    purpose="crosspost")  # fmt: skip
MESSAGE = Request("discord", "POST", {"content": "x"}, path="/channels/1/messages")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_eleventh_crosspost_of_an_hour_waits_for_the_first_to_age() -> None:
    clock = Clock()
    pacer = Pacer(monotonic=clock)
    for minute in range(10):
        clock.now = 1000.0 + minute * 60
        assert pacer.delay(NEWS, CROSSPOST) == 0
        pacer.settle(await pacer.acquire(NEWS, CROSSPOST))
    clock.now = 1000.0 + 10 * 60
    assert abs(pacer.delay(NEWS, CROSSPOST) - 3000.0) < 1  # the first one, an hour on
    assert pacer.delay(NEWS, MESSAGE) == 0  # the channel's messages go on meanwhile
    assert pacer.delay(OTHER, CROSSPOST) == 0  # and other channels' crossposts
    clock.now = 1000.0 + 3600 + 1
    assert pacer.delay(NEWS, CROSSPOST) == 0


async def test_a_refused_crosspost_holds_up_only_the_crossposts() -> None:
    clock = Clock()
    pacer = Pacer(monotonic=clock)
    pacer.penalize(NEWS, 1800, CROSSPOST)
    assert abs(pacer.delay(NEWS, CROSSPOST) - 1800) < 1
    assert pacer.delay(NEWS, MESSAGE) == 0
    pacer.penalize(NEWS, 5)
    assert abs(pacer.delay(NEWS, MESSAGE) - 5) < 1
