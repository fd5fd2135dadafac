"""Turn the image list of a post into `Media`: safe local files or public URLs, within limits."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from ..domain import Media
from ..format.limits import DISCORD, TELEGRAM

if TYPE_CHECKING:
    from PIL import Image

TELEGRAM_PHOTO_MAX_DIMENSIONS = TELEGRAM.photo_dim_sum  # width + height
TELEGRAM_PHOTO_MAX_RATIO = TELEGRAM.photo_ratio  # longest side / shortest side
DISCORD_MAX_BYTES = DISCORD.file_bytes
UPLOAD_MAX_BYTES = min(TELEGRAM.photo_bytes, DISCORD.file_bytes)  # a photo both accept
DOWNSCALE_SIDES = (4096, 3072, 2048, 1024)  # longest side of a downscaled copy, tried in turn
JPEG_QUALITIES = (85, 75, 60, 45)
FORMATS: dict[str, tuple[str, ...]] = {  # accepted formats and their extensions, preferred first
    "JPEG": (".jpeg", ".jpg", ".jpe"),
    "PNG": (".png",),
    "WEBP": (".webp",),
    "GIF": (".gif",),
}

_FORMAT_NAMES = tuple(FORMATS)
_KNOWN_EXTENSIONS = frozenset(ext for exts in FORMATS.values() for ext in exts)
_CACHE_RECIPE = f"jpeg {DOWNSCALE_SIDES} {JPEG_QUALITIES} {UPLOAD_MAX_BYTES}".encode()
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_ROTATED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height


@dataclass(frozen=True, slots=True)
class MediaReport:
    """The media of one post, one readable line per image that was skipped (`problems`), and
    per image that was replaced by its copy on the website (`warnings`: it still shows)."""

    media: tuple[Media, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...] = ()


class _Skip(Exception):
    """The image cannot be used; the message gives the reason."""


def prepare_media(
    images: Sequence[str],
    *,
    static_dir: Path,
    site_url: str | None,
    cache_dir: Path,
    max_images: int = 30,
) -> MediaReport:
    """Resolve the images of a post, in order, into media ready to send.

    Paths are taken relative to `static_dir` (a leading slash means its root) and must stay
    inside it. `http(s)` URLs are passed on. A missing file falls back to `site_url` when set.
    Files over the platform limits are replaced by a downscaled JPEG copy in `cache_dir`.
    Bad images never raise: they are skipped and described in `problems`; an image replaced
    by its URL is described in `warnings`.
    """
    problems: list[str] = []
    warnings: list[str] = []
    wanted = list(dict.fromkeys(src.strip() for src in images))
    limit = max(max_images, 0)
    if len(wanted) > limit:
        left_out = wanted[limit:]
        shown = ", ".join(left_out[:3]) + (", …" if len(left_out) > 3 else "")
        problems.append(
            f"{len(left_out)} of {len(wanted)} images left out, "
            f"a post carries at most {limit}: {shown}"
        )
        wanted = wanted[:limit]
    root = static_dir.resolve()
    media: list[Media] = []
    seen: set[str] = set()
    names: set[str] = set()
    for src in wanted:
        try:
            item = _prepare_one(src, root, site_url, cache_dir)
        except _Skip as exc:
            problems.append(f"{src}: {exc}")
            continue
        if item.path is None and item.url != src:
            warnings.append(f"{src}: file is missing locally, using {item.url}")
        key = item.path or item.url or src
        if key not in seen:
            seen.add(key)
            media.append(replace(item, filename=_unique(item.filename, names)))
    return MediaReport(tuple(media), tuple(problems), tuple(warnings))


def _prepare_one(src: str, root: Path, site_url: str | None, cache_dir: Path) -> Media:
    """The media for one image, from the web, the static folder or the site."""
    if src.lower().startswith(("http://", "https://")):
        try:
            url_path = urlsplit(src).path if urlsplit(src).netloc else None
        except ValueError:
            url_path = None
        if url_path is None:
            raise _Skip("not a valid URL")
        return Media(src=src, filename=_safe_name(unquote(url_path)), url=src)
    parts = _safe_parts(src)
    path = _within(root.joinpath(*parts), root)
    if path is None and src.startswith("/") and os.path.lexists(src):
        path = _within(Path(src), root)  # an absolute path is fine if it leads into the folder
    if path is not None:
        return _local_media(src, parts[-1], path, cache_dir)
    if not site_url:
        raise _Skip("file is missing from the static folder")
    url = f"{site_url.rstrip('/')}/{quote('/'.join(parts), safe='/%')}"
    return Media(src=src, filename=_safe_name(parts[-1]), url=url)


def _safe_parts(src: str) -> list[str]:
    """The components of a local image path, refusing anything that could leave the folder."""
    for form in (src, unquote(src)):
        if "\0" in form:
            raise _Skip("path contains a NUL byte")
        if "\\" in form:
            raise _Skip("path contains a backslash")
        if ".." in form.split("/"):
            raise _Skip("path leaves the static folder ('..')")
    if _SCHEME.match(src):
        raise _Skip("only http(s) URLs and paths inside the static folder are allowed")
    try:
        src.encode()
    except UnicodeEncodeError:
        raise _Skip("path is not valid text") from None
    parts = [part for part in src.split("/") if part not in ("", ".")]
    if not parts:
        raise _Skip("empty image path")
    return parts


def _within(candidate: Path, root: Path) -> Path | None:
    """`candidate` with every symlink resolved, None when missing; refused outside `root`."""
    try:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root):
            raise _Skip("resolves outside the static folder")
        if not resolved.exists():
            return None
        if not resolved.is_file():
            raise _Skip("is not a regular file")
    except (OSError, RuntimeError, ValueError) as exc:
        raise _Skip(f"cannot be resolved ({exc})") from exc
    return resolved


def _local_media(src: str, name: str, path: Path, cache_dir: Path) -> Media:
    """Media for a file inside the static folder, downscaled when over the limits."""
    from PIL import UnidentifiedImageError  # Pillow only once a post has images

    try:
        fmt, width, height = _inspect(path)
        size = path.stat().st_size
        as_document = max(width, height) > TELEGRAM_PHOTO_MAX_RATIO * max(min(width, height), 1)
        if as_document:
            fits = size <= DISCORD_MAX_BYTES
        else:
            fits = size <= UPLOAD_MAX_BYTES and width + height <= TELEGRAM_PHOTO_MAX_DIMENSIONS
        if not fits:
            path = _downscaled(path, cache_dir)
            fmt, width, height = _inspect(path)
            size = path.stat().st_size
    except _Skip:
        raise
    except UnidentifiedImageError:
        raise _Skip("not a JPEG, PNG, WEBP or GIF image") from None
    except Exception as exc:  # Pillow reports corrupt data with many exception types
        raise _Skip(f"unreadable image ({type(exc).__name__}: {exc})") from exc
    return Media(
        src=src,
        filename=_safe_name(name, FORMATS[fmt]),
        path=str(path),
        width=width,
        height=height,
        size=size,
        as_document=as_document,
    )


def _inspect(path: Path) -> tuple[str, int, int]:
    """Format and displayed size from the header; `verify()` checks the file without decoding."""
    from PIL import ExifTags, Image

    with Image.open(path, formats=_FORMAT_NAMES) as image:
        fmt, (width, height) = str(image.format), image.size
        if fmt in ("JPEG", "WEBP") and image.getexif().get(ExifTags.Base.Orientation) in _ROTATED:
            width, height = height, width
        image.verify()
    return fmt, width, height


def _downscaled(source: Path, cache_dir: Path) -> Path:
    """A JPEG copy within every limit, cached under a hash of the source bytes and the recipe."""
    with source.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256")
    digest.update(_CACHE_RECIPE)
    target = cache_dir / f"{digest.hexdigest()[:32]}.jpeg"
    if not target.is_file():
        data = _encode_jpeg(source)
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, part = tempfile.mkstemp(dir=cache_dir, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(part, target)
        except BaseException:
            Path(part).unlink(missing_ok=True)
            raise
    return target.resolve()


def _encode_jpeg(source: Path) -> bytes:
    """The largest JPEG encoding, over the sides and qualities tried, that fits the byte limit."""
    from PIL import Image, ImageOps

    with Image.open(source, formats=_FORMAT_NAMES) as opened:
        opened.draft(None, (DOWNSCALE_SIDES[0], DOWNSCALE_SIDES[0]))  # JPEG: decode at less scale
        image = _to_rgb(ImageOps.exif_transpose(opened))
    for side in DOWNSCALE_SIDES:
        image.thumbnail((side, side))
        for quality in JPEG_QUALITIES:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality)
            if buffer.tell() <= UPLOAD_MAX_BYTES:
                return buffer.getvalue()
    raise _Skip("cannot be made small enough to send")


def _to_rgb(image: Image.Image) -> Image.Image:
    """An image JPEG can store; transparency is flattened onto white."""
    from PIL import Image

    if image.mode in ("RGB", "L"):
        return image
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _safe_name(name: str, extensions: tuple[str, ...] = ()) -> str:
    """`name` reduced to `[A-Za-z0-9_.-]`, ending in one of `extensions` when given."""
    pure = PurePosixPath(name)
    suffix = pure.suffix.lower()
    if extensions:
        suffix = suffix if suffix in extensions else extensions[0]
    elif suffix not in _KNOWN_EXTENSIONS:
        suffix = ""
    ascii_stem = unicodedata.normalize("NFKD", pure.stem).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("-", ascii_stem).strip("-._")[:64].rstrip("-._")
    return f"{stem or 'image'}{suffix}"


def _unique(filename: str, taken: set[str]) -> str:
    """`filename`, or `stem-2.ext`, `stem-3.ext`… when already used in the post."""
    pure = PurePosixPath(filename)
    candidate, number = filename, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{pure.stem}-{number}{pure.suffix}"
    taken.add(candidate.lower())
    return candidate
