"""The bot's own labels, marked for the catalogue; show one with ``words(lang)._(LABEL)``.

`N_` only marks a message for extraction (gettext's convention); translating happens where the
language of the channel or the admin is known.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it."""
    return message


# TRANSLATORS: link under an announcement to the full post on the association's website.
READ_ON_WEBSITE = N_("Read on the website")
# TRANSLATORS: button opening the event's own page.
EVENT_PAGE = N_("Event page")
# TRANSLATORS: button opening the event's place on a map.
MAP = N_("Map")
# TRANSLATORS: button or attachment that adds the event to the member's calendar.
ADD_TO_CALENDAR = N_("Add to calendar")
# TRANSLATORS: label before the date and time of an event.
WHEN = N_("When")
# TRANSLATORS: label before the place of an event.
WHERE = N_("Where")
# TRANSLATORS: label before the other languages the same post is available in.
ALSO_IN = N_("Also in")
# TRANSLATORS: label before the start time of an event.
STARTS = N_("Starts")
# TRANSLATORS: label before the end time of an event.
ENDS = N_("Ends")
# TRANSLATORS: heading of a message that reminds members of an upcoming event.
REMINDER = N_("Reminder")
# TRANSLATORS: a post that announces an event (a party, a meeting, a ceremony).
EVENT = N_("Event")

ALL = (
    READ_ON_WEBSITE,
    EVENT_PAGE,
    MAP,
    ADD_TO_CALENDAR,
    WHEN,
    WHERE,
    ALSO_IN,
    STARTS,
    ENDS,
    REMINDER,
    EVENT,
)
