"""Post files that admin commands write or edit, so the website and the channels share one source.

New announcements go to ``<folder>/<date>-<slug>.md`` (``[content] announce_dir``) with their
photos under ``<static>/images/posts/<date>-<slug>-N.<ext>``. Every write is atomic (a hidden
temporary file renamed into place), so the content watcher never sees half a file. Edits touch
only the frontmatter keys they change and keep the rest of the file byte for byte.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..format.limits import DISCORD

MAX_PHOTO_BYTES = DISCORD.file_bytes  # the largest upload every channel accepts
MAX_PHOTOS = 10
IMAGE_FOLDER = ("images", "posts")
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
_FENCE = re.compile(r"^-{3}\s*$")


class PhotoError(ValueError):
    """A photo that cannot become part of a post."""


@dataclass(frozen=True)
class Photo:
    data: bytes
    name: str = ""  # the name it had on the platform, for messages


@dataclass(frozen=True)
class Written:
    path: Path
    images: tuple[Path, ...]

    def remove(self) -> None:
        _discard((self.path, *self.images))


def slugify(title: str) -> str:
    """ASCII words of the title joined by hyphens; ``announcement`` when none are left."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:60].rstrip("-") or "announcement"


def photo_extension(photo: Photo, number: int) -> str:
    """The file extension for a photo's real format; PhotoError for anything else."""
    label = f"photo {number}" + (f" ({photo.name})" if photo.name else "")
    if len(photo.data) > MAX_PHOTO_BYTES:
        raise PhotoError(f"{label} is {len(photo.data) / 2**20:.1f} MiB; the limit is 10 MiB")
    from PIL import Image, UnidentifiedImageError  # Pillow only when a photo comes

    try:
        with Image.open(io.BytesIO(photo.data)) as image:
            kind = image.format or ""
    except (UnidentifiedImageError, OSError):
        kind = ""
    if kind not in _EXTENSIONS:
        raise PhotoError(f"{label} is not a JPEG, PNG, WebP or GIF image")
    return _EXTENSIONS[kind]


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False) -> bool:
    """Write through a hidden temporary file. With ``exclusive``, False if ``path`` exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not exclusive:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def render_post(meta: Mapping[str, Any], body: str) -> str:
    return f"---\n{_dump(meta)}---\n\n{body.strip()}\n"


def _dump(values: Mapping[str, Any]) -> str:
    return yaml.safe_dump(
        dict(values), allow_unicode=True, sort_keys=False, default_flow_style=False, width=4096
    )


def _discard(paths: Sequence[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def write_new_post(
    *,
    folder: Path,
    static_dir: Path,
    day: date,
    meta: Mapping[str, Any],
    body: str,
    photos: Sequence[Photo],
    taken: Collection[str],
) -> Written:
    """A new post file (and its photos) under a name no post or image uses yet."""
    extensions = [photo_extension(photo, n) for n, photo in enumerate(photos, 1)]
    images_dir = static_dir.joinpath(*IMAGE_FOLDER)
    base = f"{day:%Y-%m-%d}-{slugify(str(meta['title']))}"
    for attempt in itertools.count(1):
        stem = base if attempt == 1 else f"{base}-{attempt}"
        path = folder / f"{stem}.md"
        names = [f"{stem}-{n}.{ext}" for n, ext in enumerate(extensions, 1)]
        if stem in taken or path.exists() or any((images_dir / n).exists() for n in names):
            continue
        images = tuple(images_dir / name for name in names)
        full = dict(meta)
        if names:
            site_paths = ["/" + "/".join((*IMAGE_FOLDER, name)) for name in names]
            full = {"title": meta["title"], "date": meta["date"], "images": site_paths, **meta}
        try:
            for image, photo in zip(images, photos, strict=True):
                write_atomic(image, photo.data)
            if write_atomic(path, render_post(full, body).encode(), exclusive=True):
                return Written(path, images)
        except OSError:
            _discard(images)
            raise
        _discard(images)  # another writer took the name meanwhile
    raise AssertionError("unreachable")


# -- editing ------------------------------------------------------------------------------------


def _split(text: str) -> tuple[str, list[str], str] | None:
    """(opening fence, header lines, closing fence and the rest), or None without frontmatter."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].lstrip("\ufeff")):
        return None
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            return lines[0], lines[1:index], "".join(lines[index:])
    return None


def read_frontmatter(text: str) -> dict[str, Any]:
    parts = _split(text)
    if parts is None:
        return {}
    loaded = yaml.safe_load("".join(parts[1]))
    return dict(loaded) if isinstance(loaded, Mapping) else {}


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text[:4096] else "\n"


def _replace_key(header: list[str], key: str, value: Any, newline: str) -> list[str]:
    new = [] if value is None else [line + newline for line in _dump({key: value}).splitlines()]
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    start = next((i for i, line in enumerate(header) if pattern.match(line)), None)
    if start is None:
        return header + new
    end = start + 1
    while end < len(header) and (header[end][:1] in (" ", "\t", "-") or not header[end].strip()):
        end += 1
    while end > start + 1 and not header[end - 1].strip():
        end -= 1
    return header[:start] + new + header[end:]


def set_frontmatter(
    text: str, updates: Mapping[str, Any], *, defaults: Mapping[str, Any] | None = None
) -> str:
    """``text`` with the top-level ``updates`` set (None removes a key).

    A file without frontmatter gets one made of ``defaults`` and ``updates``.
    """
    newline = _newline(text)
    parts = _split(text)
    if parts is None:
        values = {k: v for k, v in {**(defaults or {}), **updates}.items() if v is not None}
        header = _dump(values).replace("\n", newline)
        return f"---{newline}{header}---{newline}{newline}{text.lstrip(chr(0xFEFF))}"
    opening, header_lines, rest = parts
    for key, value in updates.items():
        header_lines = _replace_key(header_lines, key, value, newline)
    return opening + "".join(header_lines) + rest
