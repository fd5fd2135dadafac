"""The buttons under a draft, on both platforms: their labels and the data they carry.

The data names the draft by its random token and the action by one letter
(``dr:<token>:<letter>``: 64 bytes at most, as Telegram's callback data). It is never
trusted: the service looks the draft up and checks who pressed what.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from ..i18n import Words
from ..i18n.labels import N_
from ..service.answers import describe
from ..service.drafts import Shown

LABELS = {
    # TRANSLATORS: button under a draft: publish it to the channels at once.
    "publish": N_("Publish now"),
    # TRANSLATORS: button under a draft: asks for the time to publish it at.
    "schedule": N_("Schedule…"),
    # TRANSLATORS: button under a draft: drop it, nothing is published.
    "cancel": N_("Cancel"),
    # TRANSLATORS: button under an editor's draft in the admin chat: publish it.
    "approve": N_("Approve"),
    # TRANSLATORS: button under an editor's draft in the admin chat: do not publish it.
    "reject": N_("Reject"),
}
# TRANSLATORS: button under a draft made with /schedule; {when} is its date and time.
AT_LABEL = N_("Schedule for {when}")
CODES = {"publish": "p", "at": "t", "schedule": "s", "cancel": "c", "approve": "y", "reject": "n"}
ACTIONS = {code: action for action, code in CODES.items()}
PATTERN = r"dr:(?P<token>[A-Za-z0-9_-]{8,32}):(?P<code>[a-z])"
_DATA = re.compile(PATTERN)


def button_data(token: str, action: str) -> str:
    return f"dr:{token}:{CODES[action]}"


def parse_data(data: str | None) -> tuple[str, str] | None:
    """(token, action) of a button's data; None for anything the bot never made."""
    match = _DATA.fullmatch(data or "")
    if match is None or match["code"] not in ACTIONS:
        return None
    return match["token"], ACTIONS[match["code"]]


def label(action: str, shown: Shown, w: Words, tz: tzinfo) -> str:
    if action == "at" and shown.draft.publish_at is not None:
        return w._(AT_LABEL).format(when=describe(shown.draft.publish_at.astimezone(tz), w))
    return w._(LABELS[action])


def buttons(shown: Shown, w: Words, tz: tzinfo) -> list[list[tuple[str, str]]]:
    """One row per two buttons, so the labels stay readable on a phone."""
    pairs = [(label(a, shown, w, tz), button_data(shown.draft.token, a)) for a in shown.actions]
    return [pairs[i : i + 2] for i in range(0, len(pairs), 2)]
