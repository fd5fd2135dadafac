"""What both platforms' pictures share: the reader's clock, images to draw, file chips, channels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from .grid import Grid
from .media import MediaFile


@dataclass(frozen=True)
class View:
    """Everything a picture is drawn from besides the requests."""

    tz: ZoneInfo
    now: datetime  # when members see the messages
    media: Mapping[str, MediaFile] | None  # None: refer to local files by file URL

    def image(self, path: str | None, label: str) -> Source:
        """How to draw the local file at `path` (None: a file that cannot be shown here)."""
        if path is None:
            return Source(None, label)
        if self.media is None:
            return Source(Path(path).as_uri(), label)
        found = self.media.get(path)
        if found is None or found.uri is None:
            return Source(None, label, missing=True)
        return Source(found.uri, label, found.size)

    def file_bytes(self, path: str | None) -> int | None:
        found = self.media.get(path) if self.media is not None and path else None
        return found.bytes if found else None


@dataclass(frozen=True)
class Source:
    """An image: a URI to draw it from, or only its name (drawn as a placeholder)."""

    uri: str | None
    label: str
    size: tuple[int, int] | None = None
    missing: bool = False  # a local file that could not be read


@dataclass(frozen=True)
class Picture:
    """An image placed in a grid (CSS pixels)."""

    source: Source
    x: float
    y: float
    w: float
    h: float


def place(sources: Sequence[Source], grid: Grid) -> tuple[Picture, ...]:
    return tuple(Picture(sources[t.index], t.x, t.y, t.w, t.h) for t in grid.tiles)


@dataclass(frozen=True)
class FileChip:
    name: str
    size: str  # "12.3 KB", or "" when unknown
    ext: str


def human_size(count: int | None) -> str:
    if count is None:
        return ""
    size = float(count)
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""  # pragma: no cover - the loop always returns


def file_chip(name: str, count: int | None) -> FileChip:
    ext = PurePosixPath(name).suffix.lstrip(".").lower()[:4]
    return FileChip(name, human_size(count), ext or "file")


def url_name(url: str) -> str:
    """The file name a URL ends with (for a placeholder)."""
    path = unquote(urlsplit(url).path)
    return PurePosixPath(path).name or urlsplit(url).netloc or url[:40]


def channel_requests(
    document: Mapping[str, Any], platform: str
) -> tuple[str | None, list[str], list[dict[str, Any]]]:
    """The first channel of a platform, the names of its other channels, and its requests."""
    names: list[str] = []
    for request in document.get("requests", []):
        if request.get("platform") == platform and request.get("channel") not in names:
            names.append(str(request.get("channel")))
    if not names:
        return None, [], []
    first = names[0]
    requests = [
        r
        for r in document.get("requests", [])
        if r.get("platform") == platform and str(r.get("channel")) == first
    ]
    return first, names[1:], requests


@dataclass(frozen=True)
class Upload:
    filename: str  # the name members see
    path: str  # the local file


def uploads_by(request: Mapping[str, Any], key: str) -> dict[str, Upload]:
    """The request's uploaded files by `field` or `filename`."""
    found: dict[str, Upload] = {}
    for item in request.get("files") or []:
        if isinstance(item, dict) and isinstance(item.get(key), str):
            name = str(item.get("filename") or item.get("field") or "file")
            found.setdefault(item[key], Upload(name, str(item.get("path", ""))))
    return found
