"""Finding the post an admin means, by key, file name or title."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain import Post
from ..errors import AdminError
from ..i18n import Words
from .answers import ENGLISH


def _label(post: Post) -> str:
    return f"{post.key} («{post.title[:60]}»)"


class PostFinder:
    def __init__(self, posts: Mapping[str, Post]) -> None:
        self.posts = posts  # the service's live index

    def _newest_first(self) -> list[Post]:
        found = [post for key in list(self.posts) if (post := self.posts.get(key)) is not None]
        return sorted(found, key=lambda p: p.date, reverse=True)

    def find(self, query: str, w: Words = ENGLISH) -> Post:
        wanted = " ".join(query.split())
        if not wanted:
            raise AdminError(w._("Name a post: its key (file name) or its title."))
        if wanted in self.posts:
            return self.posts[wanted]
        low = wanted.lower().removesuffix(".md")
        posts = self._newest_first()
        exact = [
            p for p in posts
            if low in (p.key.lower(), p.source.lower().removesuffix(".md"), p.title.lower())
        ]  # fmt: skip
        found = exact or [p for p in posts if low in p.key.lower() or low in p.title.lower()]
        if len(found) == 1:
            return found[0]
        if not found:
            # TRANSLATORS: {query} is what the admin typed, in quotes.
            message = w._("No post matches {query}. Give its key (file name) or its title.")
            raise AdminError(message.format(query=repr(wanted)))
        names = "; ".join(_label(p) for p in found[:5])
        if len(found) > 5:
            # TRANSLATORS: after a list of five posts, how many more matched.
            more = w.n_("and {count} more", "and {count} more", len(found) - 5)
            names += " " + more.format(count=len(found) - 5)
        # TRANSLATORS: {query} is what the admin typed; {names} lists posts as key («title»).
        message = w._("{query} matches several posts: {names}. Give its key.")
        raise AdminError(message.format(query=repr(wanted), names=names))

    def suggest(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        """(label, key) pairs for autocompletion, newest first; labels fit Discord's 100."""
        low = typed.strip().lower()
        out: list[tuple[str, str]] = []
        for post in self._newest_first():
            if low and low not in post.key.lower() and low not in post.title.lower():
                continue
            if len(post.key) > 100:
                continue
            room = 100 - len(post.key) - 3
            title = post.title if len(post.title) <= room else post.title[: room - 1] + "…"
            out.append((f"{title} · {post.key}" if room > 10 else post.key, post.key))
            if len(out) >= limit:
                break
        return out
