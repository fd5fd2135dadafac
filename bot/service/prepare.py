"""The one step that touches files before a post is formatted: its images and its calendar file.

Images are resolved inside the static folder (and downscaled copies cached); an event's .ics
file is written to the cache. What comes out is plain data the formatters use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain import Media, Post
from ..format.layout import FormatOptions, post_url
from ..ingest.media import prepare_media


@dataclass(frozen=True)
class Prepared:
    post: Post
    media: tuple[Media, ...] = ()
    problems: tuple[str, ...] = ()
    calendar: Media | None = None
    warnings: tuple[str, ...] = ()  # images that show from the website instead


class Preparer:
    def __init__(
        self,
        *,
        static_dir: Path,
        cache_dir: Path,
        opts: FormatOptions,
        max_images: int = 30,
    ) -> None:
        self.static_dir = static_dir
        self.cache_dir = cache_dir
        self.opts = opts
        self.max_images = max_images

    def prepare(self, post: Post) -> Prepared:
        report = prepare_media(
            post.images,
            static_dir=self.static_dir,
            site_url=self.opts.site_url,
            cache_dir=self.cache_dir / "images",
            max_images=self.max_images,
        )
        return Prepared(post, report.media, report.problems, self._calendar(post), report.warnings)

    def _calendar(self, post: Post) -> Media | None:
        """The event as an .ics file members can add to their calendars."""
        if post.event is None:
            return None
        from ..format.ics import event_ics  # icalendar only for event posts

        opts = self.opts
        data = event_ics(
            post, tz=opts.tz, url=post_url(post, opts), prodid=opts.association, now=post.date
        )
        folder = self.cache_dir / "ics"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{post.key}-{post.digest[:12]}.ics"
        # The name does not tell all: the zone, the site's address and a date taken from the
        # file's time change the bytes too. Unchanged, the file is not written again.
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in post.key)
        filename = f"{safe.strip('-') or 'event'}.ics"
        return Media(src=str(path), filename=filename, path=str(path), size=len(data))
