"""Reads post files from the content folder; one broken file never hides the others."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..domain import Post
from ..errors import ContentError
from .parse import ParseContext, parse_post

POST_SUFFIXES = (".md", ".markdown")


def is_post_file(path: Path, content_dir: Path) -> bool:
    """Markdown files, ignoring hidden, temporary and backup files that editors leave."""
    try:
        rel = path.relative_to(content_dir)
    except ValueError:
        return False
    name = rel.name
    if any(part.startswith((".", "_")) for part in rel.parts):
        return False
    if name.endswith(("~", ".swp", ".swx", ".tmp", ".bak", ".part")) or name.startswith("#"):
        return False
    return name.lower().endswith(POST_SUFFIXES)


def post_files(folder: Path) -> list[Path]:
    """Every post file under `folder`, in a stable order."""
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        base = Path(root)
        found.extend(base / f for f in sorted(files) if is_post_file(base / f, folder))
    return found


def source_name(path: Path, content_dir: Path) -> str:
    return path.relative_to(content_dir).as_posix()


def read_post_bytes(path: Path, source: str, max_bytes: int) -> tuple[bytes, datetime]:
    try:
        stat = path.stat()
        if stat.st_size > max_bytes:
            raise ContentError(
                source, f"the file is {stat.st_size:,} bytes; posts are limited to {max_bytes:,}"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(source, f"cannot read the file: {exc.strerror or exc}") from None
    return raw, datetime.fromtimestamp(stat.st_mtime, tz=UTC)


def load_path(path: Path, content_dir: Path, ctx: ParseContext, max_bytes: int) -> Post:
    """A post file named on the command line: inside the content folder or anywhere else."""
    path = path.resolve()
    if not path.is_file():
        raise ContentError(str(path), "no such file")
    base = content_dir if path.is_relative_to(content_dir) else path.parent
    return load_file(path, base, ctx, max_bytes)


def load_file(path: Path, content_dir: Path, ctx: ParseContext, max_bytes: int) -> Post:
    source = source_name(path, content_dir)
    raw, mtime = read_post_bytes(path, source, max_bytes)
    return parse_post(raw, source, mtime=mtime, ctx=ctx)


@dataclass
class LoadResult:
    posts: list[Post] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    unchanged: list[tuple[str, Path]] = field(default_factory=list)  # (key, path), not parsed


def check_duplicates(posts: Iterable[Post], owners: Mapping[str, str] | None = None) -> LoadResult:
    """Keep the first post of each key; later ones with the same slug and language are errors
    (versions in other languages share the slug).

    `owners` maps keys already taken to the file that holds them.
    """
    result = LoadResult()
    taken = dict(owners or {})
    for post in posts:
        owner = taken.get(post.key)
        if owner is not None and owner != post.source:
            which = f" in {post.lang}" if post.lang and post.key != post.shared_slug else ""
            result.errors.append(
                ContentError(
                    post.source, f"slug {post.shared_slug!r}{which} is already used by {owner}"
                )
            )
            continue
        taken[post.key] = post.source
        result.posts.append(post)
    return result


def load_all(
    folders: Sequence[Path],
    root: Path,
    ctx: ParseContext,
    max_bytes: int,
    known: Mapping[str, tuple[str, str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Every post file of the folders, named relative to `root`. Files whose bytes match
    `known` (source → (key, digest)) are not parsed again: they come back in `unchanged`.
    `progress(done, total)` is told every 100 files (a bar for large archives)."""
    parsed: list[Post] = []
    errors: list[ContentError] = []
    unchanged: list[tuple[str, Path]] = []
    owners: dict[str, str] = {}
    paths = [p for folder in dict.fromkeys(folders) for p in post_files(folder)]
    for done, path in enumerate(paths, 1):
        source = source_name(path, root)
        try:
            raw, mtime = read_post_bytes(path, source, max_bytes)
            seen = known.get(source) if known else None
            if seen is not None and hashlib.sha256(raw).hexdigest() == seen[1]:
                unchanged.append((seen[0], path))
                owners[seen[0]] = source
                continue
            parsed.append(parse_post(raw, source, mtime=mtime, ctx=ctx))
        except ContentError as exc:
            errors.append(exc)
        finally:
            if progress is not None and (done % 100 == 0 or done == len(paths)):
                progress(done, len(paths))
    result = check_duplicates(parsed, owners)
    result.errors[:0] = errors
    result.unchanged = unchanged
    return result


@dataclass(frozen=True)
class Content:
    """Where posts live and how they are read: what every reader of post files needs.

    Posts are searched in `folders` (one, or several such as a website's `posts/` and
    `columns/`); a post's `source` is its path relative to `root`.
    """

    folders: tuple[Path, ...]
    ctx: ParseContext
    max_bytes: int = 2_000_000
    root: Path | None = None  # default: the only folder, or the folders' common parent

    @property
    def base(self) -> Path:
        if self.root is not None:
            return self.root
        if len(self.folders) == 1:
            return self.folders[0]
        return Path(os.path.commonpath([str(f) for f in self.folders]))

    @property
    def dir(self) -> Path:
        """The first folder: where posts that admins write go."""
        return self.folders[0]

    def load(self, path: Path) -> Post:
        return load_file(path, self.base, self.ctx, self.max_bytes)

    def load_path(self, path: Path) -> Post:
        return load_path(path, self.base, self.ctx, self.max_bytes)

    def load_all(
        self,
        known: Mapping[str, tuple[str, str]] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> LoadResult:
        return load_all(self.folders, self.base, self.ctx, self.max_bytes, known, progress)

    def is_post(self, path: Path) -> bool:
        return any(is_post_file(path, folder) for folder in self.folders)

    def source(self, path: Path) -> str:
        return source_name(path, self.base)

    def path_of(self, source: str) -> Path:
        """The file of a post, from its source name."""
        return self.base / source
