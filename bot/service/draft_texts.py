"""What the bot says about drafts, in the language of whoever reads it.

Titles come quoted («…»), commands and configuration keys as placeholders: translators write
sentences, never syntax.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ..i18n import Words
from ..store.repo import Draft
from .answers import describe, quoted


@dataclass(frozen=True)
class Texts:
    w: Words
    tz: tzinfo

    def when(self, moment: datetime) -> str:
        return describe(moment.astimezone(self.tz), self.w)

    def _where(self, where: Sequence[str]) -> str:
        # TRANSLATORS: instead of channel names, when a draft would go to no channel.
        return ", ".join(where) or self.w._("no channel")

    def _notes(self, notes: Sequence[str]) -> list[str]:
        # TRANSLATORS: a problem found in a post, as the checks write it (in English).
        return [self.w._("Note: {problem}").format(problem=n) for n in notes]

    # -- showing --------------------------------------------------------------------------------
    def draft(self, draft: Draft, where: Sequence[str], notes: Sequence[str]) -> str:
        _, title = self.w._, quoted(draft.title)
        # TRANSLATORS: above the preview of an admin's own draft; {title} is quoted.
        lines = [_("Draft: {title} for {where}.").format(title=title, where=self._where(where))]
        if draft.publish_at is not None:
            lines.append(_("Planned for {when}.").format(when=self.when(draft.publish_at)))
        lines += self._notes(notes)
        # TRANSLATORS: Publish now is the label of a button.
        last = _("Nothing goes out before you press Publish now. The draft expires {when}.")
        lines.append(last.format(when=self.when(draft.expires_at)))
        return "\n".join(lines)

    def review(self, draft: Draft, where: Sequence[str], notes: Sequence[str]) -> str:
        _, title = self.w._, quoted(draft.title)
        # TRANSLATORS: in the admin chat, above an editor's draft; {name} is the editor.
        first = _("{name} asks to publish {title} to {where}.")
        lines = [first.format(name=draft.author_name, title=title, where=self._where(where))]
        lines += self._notes(notes)
        # TRANSLATORS: Approve is the label of a button.
        last = _("Approve publishes it at once. The draft expires {when}.")
        lines.append(last.format(when=self.when(draft.expires_at)))
        return "\n".join(lines)

    def sent_for_review(self, draft: Draft) -> str:
        return self.w._(
            "Your draft {title} went to the admins for approval; I will tell you what they "
            "decide. Nothing goes out before one of them approves it (by {when})."
        ).format(title=quoted(draft.title), when=self.when(draft.expires_at))

    def no_admin_chat(self) -> str:
        return self.w._(
            "There is no admin chat to send your draft to, so nothing was kept. Ask an admin to "
            "set {telegram} or {discord}."
        ).format(telegram="[telegram] admin_chat", discord="[discord] admin_channel")

    # -- refusals -------------------------------------------------------------------------------
    def unknown(self) -> str:
        return self.w._(
            "I do not know this draft: it is too old, or the button is not one of mine. "
            "Nothing was published."
        )

    def wrong_button(self) -> str:
        return self.w._("This button does not belong to this draft. Nothing was done.")

    def admins_only(self) -> str:
        return self.w._("Only an admin can decide about a draft. Nothing was done.")

    def expired(self, draft: Draft) -> str:
        when = self.when(draft.expires_at)
        return self.w._(
            "The draft {title} expired {when}; nothing was published. Send {command} again."
        ).format(title=quoted(draft.title), when=when, command="/announce")

    def busy(self, draft: Draft) -> str:
        message = self.w._("Someone is deciding about {title} right now.")
        return message.format(title=quoted(draft.title))

    def no_time(self) -> str:
        return self.w._("Say when to publish the draft.")

    def photo_gone(self, number: int, name: str) -> str:
        return self.w._(
            "Photo {number} of this draft ({name}) is gone from the bot's data folder, so nothing "
            "was published. Cancel the draft and send {command} again with the photos."
        ).format(number=self.w.number(number), name=name or "?", command="/announce")

    def not_kept(self, reason: str) -> str:
        # TRANSLATORS: {reason} is the system's, in English.
        return self.w._("The draft's photos could not be kept: {reason}.").format(reason=reason)

    def failed(self, reason: str) -> str:
        # TRANSLATORS: {reason} is a whole sentence saying what went wrong.
        message = self.w._("Nothing was published: {reason} The draft still waits.")
        return message.format(reason=reason)

    # -- decisions ------------------------------------------------------------------------------
    def cancelled(self, draft: Draft) -> str:
        message = self.w._("Cancelled: {title} was not published.")
        return message.format(title=quoted(draft.title))

    def rejected_for_admins(self, draft: Draft, by: str) -> str:
        message = self.w._("{by} rejected {title}: it was not published; {name} is told.")
        return message.format(by=by, title=quoted(draft.title), name=draft.author_name)

    def approved_by(self, by: str) -> str:
        # TRANSLATORS: in the admin chat, above what was done with an editor's draft.
        return self.w._("Approved by {by}.").format(by=by)

    def approved(self, draft: Draft, by: str, at: datetime | None) -> str:
        title = quoted(draft.title)
        if at is not None:
            message = self.w._("{by} approved your draft {title}: it will be published {when}.")
            return message.format(by=by, title=title, when=self.when(at))
        message = self.w._("{by} approved your draft {title}: it is being published now.")
        return message.format(by=by, title=title)

    def rejected(self, draft: Draft, by: str) -> str:
        head = self.w._(
            "{by} did not approve your draft {title}, so it was not published. Here is its "
            "text, so nothing is lost:"
        ).format(by=by, title=quoted(draft.title))
        return f"{head}\n\n{draft.title}\n{draft.body}"


def describe_state(texts: Texts, draft: Draft) -> str:
    """Why a decided draft's buttons do nothing any more."""
    _, title, by = texts.w._, quoted(draft.title), draft.decided_by or "?"
    if draft.state == "published":
        return _("{title} is already published ({by} decided).").format(title=title, by=by)
    if draft.state == "scheduled":
        message = _("{title} is already scheduled ({by} decided); {command} shows when.")
        return message.format(title=title, by=by, command="/queue")
    if draft.state == "rejected":
        return _("{title} was rejected by {by}.").format(title=title, by=by)
    if draft.state == "expired":
        return texts.expired(draft)
    return _("{title} was cancelled; nothing was published.").format(title=title)
