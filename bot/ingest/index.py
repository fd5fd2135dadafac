"""The service's posts by key. Files unchanged since the last run are parsed only when needed,
so a restart on a large archive reads bytes instead of parsing every post. Keys are grouped by
slug: the versions of one announcement in several languages (`party`, `party@km`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from ..domain import Post, slug_of
from ..errors import ContentError

log = logging.getLogger(__name__)


class PostIndex(MutableMapping[str, Post]):
    def __init__(self, load: Callable[[Path], Post], source_of: Callable[[Path], str]) -> None:
        self._load = load
        self._source_of = source_of
        self._posts: dict[str, Post] = {}
        self._lazy: dict[str, Path] = {}
        self._groups: dict[str, set[str]] = {}

    def _join(self, key: str) -> None:
        self._groups.setdefault(slug_of(key), set()).add(key)

    def _leave(self, key: str) -> None:
        group = self._groups.get(slug_of(key))
        if group is not None:
            group.discard(key)
            if not group:
                del self._groups[slug_of(key)]

    def group(self, key: str) -> list[str]:
        """The keys of every version sharing `key`'s slug (`key` itself too, when known)."""
        return sorted(self._groups.get(slug_of(key), ()))

    def add_lazy(self, key: str, path: Path) -> None:
        self._posts.pop(key, None)
        self._lazy[key] = path
        self._join(key)

    def sources(self) -> dict[str, str]:
        """Key → file, without parsing anything."""
        out = {key: self._source_of(path) for key, path in self._lazy.items()}
        out.update((key, post.source) for key, post in self._posts.items())
        return out

    def __getitem__(self, key: str) -> Post:
        if key in self._posts:
            return self._posts[key]
        path = self._lazy[key]
        try:
            post = self._load(path)
        except ContentError as exc:
            log.warning("%s", exc)
            raise KeyError(key) from None
        del self._lazy[key]
        self._posts[key] = post
        return post

    def __setitem__(self, key: str, post: Post) -> None:
        self._lazy.pop(key, None)
        self._posts[key] = post
        self._join(key)

    def pop(self, key: str, default: Any = None) -> Any:
        """Forget `key` and return its post, or `default` where it is unknown or its file can
        no longer be read (a removed file: the key goes all the same)."""
        if key not in self:
            return default
        try:
            post = self[key] if key in self._posts else self._load(self._lazy[key])
        except ContentError:
            post = default
        del self[key]
        return post

    def __delitem__(self, key: str) -> None:
        if key in self._lazy:
            del self._lazy[key]
        else:
            del self._posts[key]
        self._leave(key)

    def __contains__(self, key: object) -> bool:
        return key in self._posts or key in self._lazy

    def __iter__(self) -> Iterator[str]:
        yield from list(self._posts)
        yield from list(self._lazy)

    def __len__(self) -> int:
        return len(self._posts) + len(self._lazy)
