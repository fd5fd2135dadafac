"""Message components (action rows of buttons) and message flags, checked as Discord documents
them: at most 5 rows of at most 5 buttons, a label of at most 80 characters, a link button
(style 5) with a url and no custom_id, other styles with a custom_id and no url; only the
flags a message may be created with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .common import _FormErrors

MAX_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
MAX_LABEL = 80
MAX_URL = 512
MAX_CUSTOM_ID = 100
ACTION_ROW, BUTTON = 1, 2
LINK = 5
# SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS, IS_VOICE_MESSAGE, IS_COMPONENTS_V2
CREATE_FLAGS = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 13) | (1 << 15)


def check_components(errors: _FormErrors, components: Any, *, interactive: bool = True) -> None:
    """Add the form errors of a message's `components`; `interactive=False` (a webhook not
    owned by an application) allows link buttons only."""
    if components is None:
        return
    if not isinstance(components, list):
        errors.add(("components",), "BASE_TYPE_LIST", "Must be an array.")
        return
    errors.max_length(("components",), components, MAX_ROWS)
    for r, row in enumerate(components):
        where: tuple[str | int, ...] = ("components", r)
        if not isinstance(row, dict) or row.get("type") != ACTION_ROW:
            errors.add((*where, "type"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED"
                       if isinstance(row, dict) else "DICT_TYPE_CONVERT",
                       "Only action rows may hold buttons here.")  # fmt: skip
            continue
        buttons = row.get("components")
        if not isinstance(buttons, list) or not buttons:
            errors.add((*where, "components"), "BASE_TYPE_REQUIRED", "This field is required")
            continue
        errors.max_length((*where, "components"), buttons, MAX_BUTTONS_PER_ROW)
        for b, button in enumerate(buttons):
            _check_button(errors, (*where, "components", b), button, interactive)


def _check_button(
    errors: _FormErrors, where: tuple[str | int, ...], button: Any, interactive: bool
) -> None:
    if not isinstance(button, dict) or button.get("type") != BUTTON:
        errors.add((*where, "type"), "UNION_TYPE_CHOICES", "Value must be a button here.")
        return
    label = button.get("label")
    if label is not None and (not isinstance(label, str) or len(label) > MAX_LABEL):
        errors.add((*where, "label"), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MAX_LABEL}"
                   " in length.")  # fmt: skip
    style = button.get("style")
    if style == LINK:
        url = button.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://", "discord://")):
            errors.add((*where, "url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
        elif len(url) > MAX_URL:
            errors.add((*where, "url"), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_URL} or fewer in "
                       "length.")  # fmt: skip
        if "custom_id" in button:
            errors.add((*where, "custom_id"), "BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID",
                       "A link button cannot have a custom id.")  # fmt: skip
        return
    if not interactive:
        errors.add((*where, "style"), "COMPONENT_INVALID_INTERACTIVE",
                   "This webhook may only send link buttons.")  # fmt: skip
    if style not in (1, 2, 3, 4, 6):
        errors.add(
            (*where, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6)."
        )
    custom = button.get("custom_id")
    if style != 6 and (not isinstance(custom, str) or not 1 <= len(custom) <= MAX_CUSTOM_ID):
        errors.add((*where, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
                   "A custom id is required.")  # fmt: skip
    if "url" in button:
        errors.add((*where, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only link buttons have "
                   "a url.")  # fmt: skip


def check_flags(errors: _FormErrors, flags: Any) -> None:
    """A message is created with only the flags Discord lets a sender set."""
    if flags is None:
        return
    if not isinstance(flags, int) or isinstance(flags, bool) or flags & ~CREATE_FLAGS:
        errors.add(("flags",), "MESSAGE_FLAGS_INVALID", "Invalid flags.")


def check_allowed_mentions(errors: _FormErrors, allowed: Any) -> None:
    """`parse` and an explicit list of the same kind exclude each other; lists hold ids."""
    if not isinstance(allowed, dict):
        return
    parse: Sequence[Any] = allowed.get("parse") or []
    for kind in ("roles", "users"):
        listed = allowed.get(kind)
        if listed is None:
            continue
        if kind in parse:
            reason = f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.'
            code = "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"
            errors.add(("allowed_mentions", "parse"), code, reason)
        if (
            not isinstance(listed, list)
            or len(listed) > 100
            or not all(str(i).isdigit() for i in listed)
        ):
            errors.add(("allowed_mentions", kind), "BASE_TYPE_MAX_LENGTH",
                       "Must be 100 or fewer snowflakes.")  # fmt: skip
