"""Tests of turning a post's image list into safe, sendable media."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.format.limits import DISCORD, TELEGRAM
from bot.ingest.media import MediaReport, prepare_media

DISCORD_MAX_BYTES = DISCORD.file_bytes
TELEGRAM_PHOTO_MAX_BYTES = TELEGRAM.photo_bytes
TELEGRAM_PHOTO_MAX_DIMENSIONS = TELEGRAM.photo_dim_sum

SITE = "https://assoc.example.org"
SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


@pytest.fixture
def static(tmp_path: Path) -> Path:
    folder = tmp_path / "static"
    (folder / "images" / "posts").mkdir(parents=True)
    return folder


def make_image(
    path: Path, size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: object
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, "teal").save(path, **save)  # type: ignore[arg-type]
    return path


def run(static: Path, images: list[str], site_url: str | None = None, **kw: int) -> MediaReport:
    return prepare_media(
        images, static_dir=static, site_url=site_url, cache_dir=static.parent / "cache", **kw
    )


def test_jpeg_is_sent_as_is(static: Path) -> None:
    path = make_image(static / "images/posts/230123-1-1.jpeg", (640, 480))
    report = run(static, ["/images/posts/230123-1-1.jpeg"])
    assert report.problems == ()
    (media,) = report.media
    assert media.src == "/images/posts/230123-1-1.jpeg"
    assert media.path == str(path.resolve())
    assert media.url is None
    assert media.filename == "230123-1-1.jpeg"
    assert (media.width, media.height, media.size) == (640, 480, path.stat().st_size)
    assert not media.as_document
    assert not (static.parent / "cache").exists()


def test_png_and_relative_path(static: Path) -> None:
    make_image(static / "images/logo.png", (32, 20))
    (media,) = run(static, ["images/logo.png"]).media
    assert (media.filename, media.width, media.height) == ("logo.png", 32, 20)


def test_exif_rotation_swaps_reported_size(static: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90°
    make_image(static / "images/rotated.jpg", (300, 100), exif=exif.tobytes())
    (media,) = run(static, ["/images/rotated.jpg"]).media
    assert (media.width, media.height, media.filename) == (100, 300, "rotated.jpg")


def test_http_url_is_passed_on(static: Path) -> None:
    (media,) = run(static, ["https://cdn.example.com/a/photo.JPG?x=1"]).media
    assert media.url == "https://cdn.example.com/a/photo.JPG?x=1"
    assert media.path is None
    assert media.filename == "photo.jpg"


def test_missing_file_falls_back_to_site_url(static: Path) -> None:
    report = run(static, ["/images/posts/missing.jpeg"], site_url=SITE + "/")
    (media,) = report.media
    assert media.url == f"{SITE}/images/posts/missing.jpeg"
    assert media.path is None
    assert report.problems == ()  # it still shows: a warning, not a problem
    (warning,) = report.warnings
    assert "/images/posts/missing.jpeg" in warning and "missing locally" in warning


def test_missing_file_without_site_url_is_skipped(static: Path) -> None:
    report = run(static, ["/images/posts/missing.jpeg"])
    assert report.media == ()
    (problem,) = report.problems
    assert problem.startswith("/images/posts/missing.jpeg:") and "missing" in problem


@pytest.mark.parametrize(
    "src",
    [
        "../../etc/passwd",
        "/images/../../secret.txt",
        "/etc/passwd",
        "%2e%2e/%2e%2e/etc/passwd",
        "..\\..\\etc\\passwd",
        "/images/a.jpeg\0.png",
        "file:///etc/passwd",
        "C:/Windows/win.ini",
    ],
)
def test_traversal_is_rejected_without_fallback(static: Path, src: str) -> None:
    report = run(static, [src], site_url=SITE)
    assert report.media == ()
    (problem,) = report.problems
    assert problem.startswith(f"{src}:")
    assert "missing" not in problem


def test_absolute_path_of_an_outside_file_is_rejected(static: Path) -> None:
    outside = make_image(static.parent / "private.jpeg")
    report = run(static, [str(outside)], site_url=SITE)
    assert report.media == ()
    assert "outside the static folder" in report.problems[0]


def test_absolute_path_into_the_static_folder_is_accepted(static: Path) -> None:
    inside = make_image(static / "images/a.jpeg")
    (media,) = run(static, [str(inside)]).media
    assert media.path == str(inside.resolve())


def test_symlink_out_of_static_is_rejected(static: Path) -> None:
    outside = make_image(static.parent / "private.jpeg")
    (static / "images/posts/leak.jpeg").symlink_to(outside)
    (static / "images/posts/dangling.jpeg").symlink_to(static.parent / "nothing.jpeg")
    report = run(static, ["/images/posts/leak.jpeg", "/images/posts/dangling.jpeg"], SITE)
    assert report.media == ()
    assert len(report.problems) == 2
    assert all("outside the static folder" in p for p in report.problems)


def test_symlink_within_static_is_accepted(static: Path) -> None:
    target = make_image(static / "images/originals/big-day.png")
    (static / "images/posts/day.png").symlink_to(target)
    (media,) = run(static, ["/images/posts/day.png"]).media
    assert media.path == str(target.resolve())
    assert media.filename == "day.png"


def test_static_dir_may_itself_be_a_symlink(static: Path, tmp_path: Path) -> None:
    make_image(static / "images/a.jpeg")
    link = tmp_path / "site-static"
    link.symlink_to(static)
    (media,) = run(link, ["/images/a.jpeg"]).media
    assert media.path == str((static / "images/a.jpeg").resolve())


def test_non_images_are_skipped(static: Path) -> None:
    (static / "images/notes.jpg").write_text("not a picture at all\n")
    (static / "images/folder.jpg").mkdir()
    make_image(static / "images/old.bmp", format="BMP")
    png = make_image(static / "images/cut.png", (200, 200))
    png.write_bytes(png.read_bytes()[:-30])
    images = ["/images/notes.jpg", "/images/folder.jpg", "/images/old.bmp", "/images/cut.png"]
    report = run(static, images, site_url=SITE)
    assert report.media == ()
    assert [p.split(":")[0] for p in report.problems] == images
    assert "not a JPEG, PNG, WEBP or GIF image" in report.problems[0]


def test_too_many_pixels_gives_a_downscaled_copy(static: Path) -> None:
    original = make_image(static / "images/banner.png", (11000, 600), "RGBA")
    before = original.read_bytes()
    report = run(static, ["/images/banner.png"])
    assert report.problems == ()
    (media,) = report.media
    assert media.path is not None and Path(media.path).parent == (static.parent / "cache").resolve()
    assert media.filename == "banner.jpeg" and not media.as_document
    assert media.width + media.height <= TELEGRAM_PHOTO_MAX_DIMENSIONS
    assert media.size <= TELEGRAM_PHOTO_MAX_BYTES
    with Image.open(media.path) as copy:
        assert copy.format == "JPEG" and copy.size == (media.width, media.height)
    assert original.read_bytes() == before
    mtime = os.stat(media.path).st_mtime_ns
    (again,) = run(static, ["/images/banner.png"]).media
    assert again.path == media.path and os.stat(media.path).st_mtime_ns == mtime


def test_downscaled_copy_applies_exif_rotation(static: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90°
    make_image(static / "images/tall.jpg", (9000, 2000), exif=exif.tobytes())
    (media,) = run(static, ["/images/tall.jpg"]).media
    assert (media.width, media.height, media.filename) == (910, 4096, "tall.jpg")
    with Image.open(media.path or "") as copy:
        assert copy.size == (910, 4096) and 0x0112 not in copy.getexif()


def test_extreme_ratio_is_sent_as_document(static: Path) -> None:
    path = make_image(static / "images/strip.jpeg", (5000, 100))
    wide = make_image(static / "images/wide.png", (11000, 200))
    report = run(static, ["/images/strip.jpeg", "/images/wide.png"])
    assert report.problems == ()
    strip, banner = report.media
    assert strip.as_document and strip.path == str(path.resolve())
    assert (strip.width, strip.height) == (5000, 100)
    assert banner.as_document and banner.path == str(wide.resolve())


def test_too_many_bytes_gives_a_downscaled_copy(static: Path) -> None:
    noisy = Image.frombytes("RGB", (2000, 1900), os.urandom(2000 * 1900 * 3))
    path = static / "images/noise.png"
    noisy.save(path, compress_level=0)
    assert path.stat().st_size > DISCORD_MAX_BYTES
    (media,) = run(static, ["/images/noise.png"]).media
    assert media.path != str(path.resolve())
    assert media.size == os.stat(media.path or "").st_size <= DISCORD_MAX_BYTES
    assert media.size <= TELEGRAM_PHOTO_MAX_BYTES
    assert media.filename == "noise.jpeg"


def test_image_count_is_capped(static: Path) -> None:
    for n in range(100):
        make_image(static / f"images/many/{n}.gif", (4, 4), "P")
    report = run(static, [f"/images/many/{n}.gif" for n in range(100)], max_images=30)
    assert [m.src for m in report.media] == [f"/images/many/{n}.gif" for n in range(30)]
    (problem,) = report.problems
    assert problem.startswith("70 of 100 images left out")


def test_duplicates_are_sent_once(static: Path) -> None:
    make_image(static / "images/a.jpeg")
    report = run(static, ["/images/a.jpeg", "/images/a.jpeg", "images/a.jpeg", " /images/a.jpeg"])
    assert [m.src for m in report.media] == ["/images/a.jpeg"]
    assert report.problems == ()


def test_same_name_in_different_folders_gets_unique_filenames(static: Path) -> None:
    for folder in ("2023", "2024", "misc"):
        make_image(static / f"images/{folder}/photo.jpeg")
    make_image(static / "images/photo-2.jpeg")
    images = [f"/images/{f}/photo.jpeg" for f in ("2023", "2024", "misc")] + [
        "/images/photo-2.jpeg"
    ]
    names = [m.filename for m in run(static, images).media]
    assert names == ["photo.jpeg", "photo-2.jpeg", "photo-3.jpeg", "photo-2-2.jpeg"]


def test_non_latin_names_resolve_to_safe_filenames(static: Path) -> None:
    make_image(static / "images/posts/ពិធី.jpg")
    make_image(static / "images/写真.png")
    make_image(static / "images/写真.jpg")
    make_image(static / "images/Café Noël.webp", format="WEBP")
    images = [
        "/images/posts/ពិធី.jpg",
        "/images/写真.png",
        "/images/写真.jpg",
        "/images/Café Noël.webp",
    ]
    report = run(static, images)
    assert report.problems == ()
    names = [m.filename for m in report.media]
    assert names == ["image.jpg", "image.png", "image-2.jpg", "Cafe-Noel.webp"]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                [
                    "/",
                    "..",
                    ".",
                    "\\",
                    "%2e",
                    "images",
                    "a.jpeg",
                    "leak.jpeg",
                    "\0",
                    "file:",
                    "http://h/",
                    "写真",
                    " ",
                ]
            )
            | st.text(max_size=4),
            max_size=6,
        ).map("".join),
        max_size=5,
    )
)
def test_any_input_stays_inside_the_static_folder(static: Path, images: list[str]) -> None:
    if not (static / "images/a.jpeg").exists():
        make_image(static / "images/a.jpeg")
        make_image(static.parent / "secret.jpeg")
        (static / "images/leak.jpeg").symlink_to(static.parent / "secret.jpeg")
    report = run(static, images, site_url=SITE)
    root = static.resolve()
    filenames = [m.filename for m in report.media]
    assert len(set(filenames)) == len(filenames)
    for media in report.media:
        assert SAFE_NAME.fullmatch(media.filename)
        assert (media.path is None) != (media.url is None)
        if media.path is not None:
            assert Path(media.path).is_relative_to(root)
        elif not media.src.lower().startswith(("http://", "https://")):
            assert ".." not in unquote(media.url or "").split("/")
