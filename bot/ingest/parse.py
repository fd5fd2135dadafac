"""Bytes of a post file → `Post`. Pure: the caller supplies the bytes, name and file time."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import frontmatter
import yaml

from ..domain import Event, Post, version_key
from ..errors import ContentError
from .press import drop_line, find_dateline, join_broken_paragraphs

IDEOGRAPHIC_SPACE = "\u3000"
_FENCE = re.compile(r"^---[ \t]*\r?\n")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$")
_BOLD_LINE = re.compile(r"^\*\*(.+?)\*\*$|^__(.+?)__$")
_QUOTED = re.compile(r"^[“\"«「『](.+)[”\"»」』]$")
_SLUG_BAD = re.compile(r"[\s/\\?#%@]+")  # `@` separates a slug from a version's language
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
KNOWN_KEYS = {
    "title",
    "date",
    "abstract",
    "image",
    "images",
    "slug",
    "tags",
    "lang",
    "publish_at",
    "event",
    "channels",
    "page",
    "draft",
    "description",
    "summary",
    "author",
    "categories",
}


@dataclass(frozen=True, slots=True)
class ParseContext:
    tz: ZoneInfo
    publish_hour: int = 9
    default_lang: str = "en"  # versions in this language (or none) are keyed by their slug
    no_pages: tuple[str, ...] = ()  # content folders whose posts have no page on the website

    def has_page(self, source: str) -> bool:
        """False for posts in a folder configured as having no pages."""
        folders = (f.strip("/") for f in self.no_pages)
        return not any(f and source.startswith(f + "/") for f in folders)


def parse_post(raw: bytes, source: str, *, mtime: datetime, ctx: ParseContext) -> Post:
    """Parse one file. Raises `ContentError` naming `source` and the reason."""
    text = _decode(raw, source)
    digest = hashlib.sha256(raw).hexdigest()
    if _FENCE.match(text):
        return _with_frontmatter(text, source, digest, ctx)
    return _press_text(text, source, digest, mtime, ctx)


def _decode(raw: bytes, source: str) -> str:
    if not raw.strip():
        raise ContentError(source, "the file is empty")
    if b"\x00" in raw[:8192]:
        raise ContentError(source, "this is a binary file, not Markdown text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(
            source,
            f"not UTF-8 text (undecodable byte 0x{raw[exc.start]:02x} at offset {exc.start})",
        ) from None
    if not text.strip():
        raise ContentError(source, "the file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_body(body: str) -> str:
    """Drop typographic full-width indentation at paragraph starts and surrounding blank lines."""
    lines = [line.lstrip(IDEOGRAPHIC_SPACE) for line in body.split("\n")]
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _with_frontmatter(text: str, source: str, digest: str, ctx: ParseContext) -> Post:
    try:
        doc = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(source, f"malformed YAML frontmatter{line}: {problem}") from None
    meta: Mapping[str, Any] = doc.metadata
    if not isinstance(meta, Mapping):
        raise ContentError(source, "the frontmatter must be a mapping of keys to values")
    body = clean_body(doc.content)
    warnings = [f"unknown frontmatter key {k!r} ignored" for k in meta if k not in KNOWN_KEYS]
    title = _opt_str(meta, "title", source)
    if not title:
        title, how, line = _derive_title(body) or (_stem(source), "file name", "")
        body = drop_line(body, line) if line else body
        warnings.append(f"no title in the frontmatter: taken from the {how}")
    if "date" not in meta or meta["date"] in (None, ""):
        raise ContentError(source, "the frontmatter has no `date` (expected YYYY-MM-DD)")
    post_date = _to_datetime(meta["date"], "date", source, ctx)
    publish_at = (
        _to_datetime(meta["publish_at"], "publish_at", source, ctx)
        if meta.get("publish_at") not in (None, "")
        else None
    )
    images = _str_list(meta.get("images", meta.get("image")), "image", source)
    slug, lang = _slug(meta.get("slug"), source), _lang(meta, source)
    page = meta.get("page", True)
    if not isinstance(page, bool):
        raise ContentError(source, f"`page` must be true or false, got {page!r}")
    return Post(
        key=version_key(slug, lang, ctx.default_lang),
        slug=slug,
        page=page and ctx.has_page(source),
        source=source,
        title=title.strip(),
        date=post_date,
        body=body,
        abstract=(_opt_str(meta, "abstract", source) or "").strip() or None,
        images=tuple(images),
        tags=tuple(_str_list(meta.get("tags"), "tags", source)),
        lang=lang,
        publish_at=publish_at,
        event=_event(meta.get("event"), source, ctx),
        channels=tuple(_str_list(meta["channels"], "channels", source))
        if meta.get("channels") is not None
        else None,
        has_frontmatter=True,
        warnings=tuple(warnings),
        digest=digest,
    )


def _press_text(text: str, source: str, digest: str, mtime: datetime, ctx: ParseContext) -> Post:
    body = clean_body(text)
    found = _derive_title(body)
    if found:
        title, how, line = found
        body = drop_line(body, line)  # the headline is the title: not repeated in the body
    else:
        title, how = _first_line(body), "first line"
    body = join_broken_paragraphs(body)
    dateline = find_dateline(body)
    if dateline:
        post_date = datetime.combine(dateline[0], time(ctx.publish_hour), ctx.tz)
        dated = f"date from the dateline {dateline[1]!r}"
    else:
        post_date, dated = mtime.astimezone(ctx.tz), "date from the file's modification time"
    slug = _slug(None, source)
    return Post(
        key=slug,
        slug=slug,
        page=False,  # a press text is not a page of the website
        source=source,
        title=title,
        date=post_date,
        body=body,
        has_frontmatter=False,
        warnings=(f"no frontmatter: title taken from the {how}, {dated}",),
        digest=digest,
    )


def _derive_title(body: str) -> tuple[str, str, str] | None:
    """First heading, else quoted headline, else bold line: (title, how, the line)."""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    for line in lines:
        if m := _HEADING.match(line):
            return m.group(1).strip(), "first heading", line
    for line in lines[:40]:
        if (m := _QUOTED.match(line)) and len(line) > 3:
            return m.group(1).strip(), "quoted headline", line
    for line in lines[:40]:
        if m := _BOLD_LINE.match(line):
            return (m.group(1) or m.group(2)).strip(), "bold line", line
    return None


def _first_line(body: str) -> str:
    line = next((ln.strip() for ln in body.split("\n") if ln.strip()), "Untitled")
    line = line.strip("*_#> ")
    return line if len(line) <= 120 else line[:119].rstrip() + "…"


def _stem(source: str) -> str:
    return PurePosixPath(source).stem


def _slug(value: Any, source: str) -> str:
    if value is None or value == "":
        return _SLUG_BAD.sub("-", _stem(source)).strip("-") or "post"
    if not isinstance(value, str | int):
        raise ContentError(source, f"`slug` must be text, got {type(value).__name__}")
    slug = _SLUG_BAD.sub("-", str(value)).strip("-")
    if not slug:
        raise ContentError(source, f"`slug` {value!r} has no usable characters")
    return slug


def _lang(meta: Mapping[str, Any], source: str) -> str | None:
    """The post's language as a lower-case primary tag: ``ja-JP`` → ``ja``."""
    value = _opt_str(meta, "lang", source)
    if value is None or not value.strip():
        return None
    if not _LANG.match(value.strip()):
        raise ContentError(source, f"`lang` {value!r} is not a language code such as en, km, ja")
    return re.split(r"[-_]", value.strip())[0].lower()


def _opt_str(meta: Mapping[str, Any], key: str, source: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ContentError(source, f"`{key}` must be text, got {type(value).__name__}")
    return str(value)


def _str_list(value: Any, key: str, source: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = value.split(",") if key == "tags" else [value]
        return [v.strip() for v in parts if v.strip()]
    if not isinstance(value, list):
        raise ContentError(source, f"`{key}` must be a list, got {type(value).__name__}")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str | int) or isinstance(item, bool):
            raise ContentError(source, f"`{key}` entries must be text, got {item!r}")
        if str(item).strip():
            out.append(str(item).strip())
    return out


def _to_datetime(value: Any, key: str, source: str, ctx: ParseContext) -> datetime:
    """YAML gives date/datetime objects for unquoted values, strings for quoted ones."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ctx.tz)
    if isinstance(value, date):
        return datetime.combine(value, time(ctx.publish_hour), tzinfo=ctx.tz)
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), time(ctx.publish_hour), ctx.tz)
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=ctx.tz)
    raise ContentError(
        source, f"`{key}` {value!r} is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)"
    )


def _event(value: Any, source: str, ctx: ParseContext) -> Event | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ContentError(source, "`event` must be a mapping with at least `start`")
    if value.get("start") in (None, ""):
        raise ContentError(source, "`event` needs a `start` date and time")
    start = _to_datetime(value["start"], "event.start", source, ctx)
    end = _to_datetime(value["end"], "event.end", source, ctx) if value.get("end") else None
    if end is not None and end < start:
        raise ContentError(source, "`event.end` is before `event.start`")
    reminders = value.get("reminders")
    return Event(
        start=start,
        end=end,
        location=_opt_str(value, "location", source),
        url=_opt_str(value, "url", source),
        reminders=tuple(_str_list(reminders, "event.reminders", source))
        if reminders is not None
        else None,
    )
