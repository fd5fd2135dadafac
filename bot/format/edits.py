"""Plans edits and retractions of messages already sent. Pure: requests and ids in, steps out.

Each channel's profile says how one message is edited or deleted (Telegram cannot swap an
album's photos, only its caption; Discord messages are patched whole); this module lines the
new rendering up with what was sent, slot by slot.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain import Channel
from .model import Request, Sent, Step
from .profiles import profile_for


def plan_edit(channel: Channel, new: Sequence[Request], old: Sequence[Sent]) -> list[Step]:
    """Steps that bring the messages `old` up to the rendering `new`.

    A message of the same kind is edited in place; one that changed kind is deleted and sent
    again; extra parts are sent, surplus ones deleted (deletions first).
    """
    profile = profile_for(channel)
    by_slot = {s.step: s for s in old}
    planned: list[Step] = []
    trailing: list[Step] = []
    for slot, request in enumerate(new):
        previous = by_slot.pop(slot, None)
        if previous is None or not previous.ids:
            planned.append(Step(request, slot))
            continue
        edit = profile.edit(channel, request, previous)
        if edit is not None:
            planned.append(Step(edit, slot, tuple(previous.ids)))
        else:  # the message changed kind: replace it
            trailing.extend(Step(d, slot) for d in profile.delete(channel, previous))
            planned.append(Step(request, slot))
    for slot, previous in sorted(by_slot.items()):
        trailing.extend(Step(d, slot) for d in profile.delete(channel, previous))
    return trailing + planned


def plan_retract(channel: Channel, old: Sequence[Sent]) -> list[Step]:
    """Deletions of every message sent, the first last (a forum post's thread goes with it)."""
    profile = profile_for(channel)
    ordered = sorted(old, key=lambda s: (s.step == 0, s.step))
    return [Step(d, s.step) for s in ordered for d in profile.delete(channel, s)]
