"""Event post → the body of a Discord guild scheduled event (an external one, with a place)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from ..domain import EVENT_LENGTH, Post

EXTERNAL = 3
GUILD_ONLY = 2


def guild_event_payload(post: Post, url: str | None) -> dict[str, Any]:
    """Name ≤ 100, description ≤ 1000, location ≤ 100 characters; an end time is required."""
    assert post.event is not None
    event = post.event
    end = event.end or event.start + EVENT_LENGTH
    where = event.location or event.url or url or "See the announcement"
    description = "\n\n".join(x for x in (post.abstract, event.url or url) if x)
    return {
        "name": post.title[:100],
        "privacy_level": GUILD_ONLY,
        "entity_type": EXTERNAL,
        "entity_metadata": {"location": where[:100]},
        "scheduled_start_time": event.start.astimezone(UTC).isoformat(),
        "scheduled_end_time": end.astimezone(UTC).isoformat(),
        "description": description[:1000],
    }
