"""Preview pictures as files the answers upload: what members would see, drawn once per answer.

The drawing itself is injected (`Painter`: a preview document → PNG bytes, or None when no
renderer is installed or it failed, which it logs); without one every answer falls back to the
text preview. Files older than a day are removed as new ones are drawn.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
Painter = Callable[[dict[str, Any]], Awaitable[bytes | None]]
KEEP_SECONDS = 24 * 3600.0


class Pictures:
    def __init__(self, paint: Painter | None, folder: Path) -> None:
        self.paint = paint
        self.folder = folder

    async def draw(self, document: dict[str, Any]) -> Path | None:
        """A PNG file of the document's messages; None when there is no picture to give."""
        if self.paint is None:
            return None
        data = await self.paint(document)
        if data is None:
            return None
        digest = hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode())
        path = self.folder / f"{digest.hexdigest()[:24]}.png"
        try:
            await asyncio.to_thread(self._write, path, data)
        except OSError as exc:
            log.warning("the preview picture cannot be written to %s: %s", self.folder, exc)
            return None
        return path

    def _write(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        cutoff = time.time() - KEEP_SECONDS
        for old in self.folder.glob("*.png"):
            with contextlib.suppress(OSError):
                if old.stat().st_mtime < cutoff:
                    old.unlink()
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
