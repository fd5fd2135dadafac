"""Files on Discord: photos attached to a command, and a post's images shown in a preview."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import discord

from ..errors import AdminError
from ..format.model import Request
from ..i18n import Words, words
from ..ingest.writer import MAX_PHOTO_BYTES, Photo

ENGLISH = words("en")
_PREVIEW_UPLOAD_LIMIT = 8 * 1024 * 1024


async def download(
    attachments: Sequence[discord.Attachment | None], w: Words = ENGLISH
) -> list[Photo]:
    photos: list[Photo] = []
    for item in attachments:
        if item is None:
            continue
        if item.size > MAX_PHOTO_BYTES:
            message = w._("{file} is {size}; the limit is {limit}.")
            mib = f"{item.size / 2**20:.1f} MiB"
            raise AdminError(message.format(file=item.filename, size=mib, limit="10 MiB"))
        if item.content_type and not item.content_type.startswith("image/"):
            raise AdminError(w._("{file} is not an image.").format(file=item.filename))
        try:
            photos.append(Photo(await item.read(), item.filename))
        except discord.HTTPException as exc:
            message = w._("{file} could not be downloaded ({status}).")
            raise AdminError(message.format(file=item.filename, status=exc.status)) from None
    return photos


def preview_message(request: Request) -> tuple[list[discord.Embed], list[discord.File]]:
    """The embeds of a rendered message, with its images attached when they are small enough."""
    size = 0
    for upload in request.uploads:
        try:
            size += os.path.getsize(upload.path)
        except OSError:
            size = _PREVIEW_UPLOAD_LIMIT + 1
    attach = 0 < size <= _PREVIEW_UPLOAD_LIMIT
    raw: list[dict[str, Any]] = [dict(e) for e in request.params.get("embeds", [])]
    if not attach:
        for embed in raw:
            for key in ("image", "thumbnail"):
                if str((embed.get(key) or {}).get("url", "")).startswith("attachment://"):
                    embed.pop(key)
    files = [discord.File(u.path, filename=u.filename) for u in request.uploads] if attach else []
    return [discord.Embed.from_dict(e) for e in raw], files
