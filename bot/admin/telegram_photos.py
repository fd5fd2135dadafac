"""Photos sent with a command on Telegram: an album arrives as several messages, the command
in one caption; the others are gathered for a moment and downloaded with it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from telegram import Message

from ..errors import AdminError
from ..i18n import Words
from ..ingest.writer import MAX_PHOTO_BYTES, Photo

ALBUM_WAIT = 1.0  # seconds to gather the other photos of an album sent with a command


class Albums:
    def __init__(self) -> None:
        self.albums: dict[str, dict[int, Message]] = {}

    def note(self, msg: Message) -> None:
        """A photo of an album; albums older than two minutes are forgotten."""
        assert msg.media_group_id is not None
        cutoff = datetime.now(UTC) - timedelta(minutes=2)
        for group, items in list(self.albums.items()):
            if min(m.date for m in items.values()) < cutoff:
                del self.albums[group]
        self.albums.setdefault(msg.media_group_id, {})[msg.message_id] = msg

    async def photos(self, msg: Message, w: Words) -> list[Photo]:
        """The photos of a command: its own, its album's, and the message it replies to."""
        messages = {msg.message_id: msg}
        if msg.media_group_id:
            await asyncio.sleep(ALBUM_WAIT)
            messages |= self.albums.pop(msg.media_group_id, {})
        found = [messages[k] for k in sorted(messages)]
        if msg.reply_to_message is not None:
            found.append(msg.reply_to_message)
        photos: list[Photo] = []
        for item in found:
            if not item.photo:
                continue
            size = item.photo[-1]
            if size.file_size and size.file_size > MAX_PHOTO_BYTES:
                message = w._("A photo is {size}; the limit is {limit}.")
                mib = f"{size.file_size / 2**20:.1f} MiB"
                raise AdminError(message.format(size=mib, limit="10 MiB"))
            data = await (await size.get_file()).download_as_bytearray()
            photos.append(Photo(bytes(data), f"message {item.message_id}"))
        return photos
