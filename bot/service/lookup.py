"""Finding the post an admin means, by key, file name or title."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain import Post
from ..errors import AdminError


def _label(post: Post) -> str:
    return f"{post.key} («{post.title[:60]}»)"


class PostFinder:
    def __init__(self, posts: Mapping[str, Post]) -> None:
        self.posts = posts  # the service's live index

    def _newest_first(self) -> list[Post]:
        found = [post for key in list(self.posts) if (post := self.posts.get(key)) is not None]
        return sorted(found, key=lambda p: p.date, reverse=True)

    def find(self, query: str) -> Post:
        wanted = " ".join(query.split())
        if not wanted:
            raise AdminError("Name a post: its key (file name) or its title.")
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
            raise AdminError(f"No post matches {wanted!r}. Give its key (file name) or its title.")
        names = "; ".join(_label(p) for p in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise AdminError(f"{wanted!r} matches several posts: {names}{more}. Give its key.")

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
