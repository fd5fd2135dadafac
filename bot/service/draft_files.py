"""A draft's files and the post it would become: its photos wait in a folder of their own
(``<data>/drafts/<token>/``), which the preview resolves like the static folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from ..domain import Post
from ..errors import AdminError, ContentError
from ..ingest.parse import ParseContext, parse_post
from ..ingest.writer import Photo, PhotoError, photo_extension, render_post, slugify
from ..store.repo import Draft, DraftPhoto


class DraftFiles:
    def __init__(self, folder: Path, ctx: ParseContext, clock: Callable[[], datetime]) -> None:
        self.folder, self.ctx, self.clock = folder, ctx, clock

    def post(self, draft: Draft) -> Post:
        """The post the draft would become, its photos where the draft keeps them."""
        now = self.clock().astimezone(self.ctx.tz)
        meta: dict[str, object] = {"title": draft.title, "date": now.isoformat(timespec="seconds")}
        if draft.photos:
            meta["images"] = [f"/{draft.token}/{p.file}" for p in draft.photos]
        if draft.channels is not None:
            meta["channels"] = list(draft.channels)
        if draft.publish_at is not None:
            meta["publish_at"] = draft.publish_at.astimezone(self.ctx.tz).isoformat()
        source = f"{now:%Y-%m-%d}-{slugify(draft.title)}.md"  # the key its file will have
        raw = render_post(meta, draft.body).encode()
        try:
            return parse_post(raw, source, mtime=now, ctx=self.ctx)
        except ContentError as exc:  # checked when made; a store edited by hand
            raise AdminError(exc.reason) from None

    def keep(self, token: str, photos: Sequence[Photo]) -> list[DraftPhoto]:
        """Store the photos; PhotoError for one that is no image, OSError for the disk."""
        kept: list[DraftPhoto] = []
        folder = self.folder / token
        try:
            for number, photo in enumerate(photos, 1):
                name = f"{number}.{photo_extension(photo, number)}"
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(photo.data)
                kept.append(DraftPhoto(name, photo.name))
        except (PhotoError, OSError):
            self.drop(token)
            raise
        return kept

    def photos(self, draft: Draft) -> list[Photo]:
        """The draft's photos; `MissingPhoto` (its number and name) when one is gone."""
        photos: list[Photo] = []
        for number, kept in enumerate(draft.photos, 1):
            try:
                data = (self.folder / draft.token / kept.file).read_bytes()
            except OSError:
                raise MissingPhoto(number, kept.name) from None
            photos.append(Photo(data, kept.name))
        return photos

    def drop(self, token: str) -> None:
        shutil.rmtree(self.folder / token, ignore_errors=True)


class MissingPhoto(Exception):
    def __init__(self, number: int, name: str) -> None:
        super().__init__(number, name)
        self.number, self.name = number, name
