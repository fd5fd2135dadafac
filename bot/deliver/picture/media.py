"""The files a preview's requests upload: their sizes, and small copies to draw (I/O).

Photos are decoded once, turned upright (EXIF) and scaled down to what the picture can show
at twice its size, then embedded as `data:` URIs so the page is self-contained and Chromium
decodes small images only. Files that are not images keep their size in bytes (file bubbles).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

# the widest a photo is drawn is 400 CSS px; at device scale 2 that is 800 pixels
LONGEST_SIDE = 900


@dataclass(frozen=True)
class MediaFile:
    """What the picture knows of one uploaded file."""

    bytes: int
    uri: str | None = None  # a `data:` URI when the file is an image
    width: int | None = None  # of the original image, in pixels
    height: int | None = None

    @property
    def size(self) -> tuple[int, int] | None:
        return (self.width, self.height) if self.width and self.height else None


def upload_paths(document: Mapping[str, Any]) -> list[str]:
    """Every local file the document's requests upload, each once, in order."""
    seen: dict[str, None] = {}
    for request in document.get("requests", []):
        for item in request.get("files") or []:
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                seen.setdefault(item["path"], None)
    return list(seen)


def _encode(image: Image.Image) -> str:
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image.convert("RGBA").save(out, "PNG", optimize=False)
        kind = "png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=85)
        kind = "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(out.getvalue()).decode("ascii")


def read_media(path: str) -> MediaFile | None:
    """The file at `path`, or None when it cannot be read."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError:
        return None
    try:
        with Image.open(file) as image:
            width, height = _upright_size(image)
            image.draft("RGB", (LONGEST_SIDE, LONGEST_SIDE))  # JPEG: decode at a smaller scale
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            return MediaFile(size, _encode(upright), width, height)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return MediaFile(size)


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The image's size once turned as its EXIF orientation says."""
    width, height = image.size
    orientation = image.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def load_media(paths: Iterable[str]) -> dict[str, MediaFile]:
    """The readable files among `paths`, by path."""
    found: dict[str, MediaFile] = {}
    for path in paths:
        media = read_media(path)
        if media is not None:
            found[path] = media
    return found
