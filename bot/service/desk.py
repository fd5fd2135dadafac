"""What a platform shows of a draft, who acts on it, and what a press comes to; `Desk` is what
each platform's handlers do for the drafts service (the admin chat, private messages)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..store.repo import Draft


@dataclass(frozen=True)
class Person:
    """Someone acting on a draft, where they act."""

    platform: str  # telegram | discord
    id: str
    name: str
    lang: str = "en"
    admin: bool = True  # False: an editor, who drafts but does not decide


@dataclass(frozen=True)
class Shown:
    """A draft as a platform shows it: a picture (or the text preview), words, buttons."""

    draft: Draft
    text: str
    picture: Path | None
    preview: str  # the text preview, for answers without a picture
    actions: tuple[str, ...]

    @property
    def caption(self) -> str:
        """The words under the picture; without one, the text preview below them."""
        return self.text if self.picture else f"{self.text}\n\n{self.preview}"


@dataclass(frozen=True)
class Outcome:
    text: str
    close: bool  # the draft's buttons are of no further use
    done: bool = False  # this press decided (else it was refused, and `text` says why)


class Desk(Protocol):
    """One platform's side of the drafts: the admin chat, and private messages."""

    async def review(self, shown: Shown) -> bool:
        """Post an editor's draft with Approve / Reject in the admin chat; False if none."""
        ...

    async def tell(self, person: Person, text: str) -> None:
        """A private message; failures are logged, not raised."""
        ...
