"""`python -m bot preview PATH --png OUT.png` as users call it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from bot.deliver.picture import find_browser
from bot.deliver.picture.page import page_width
from tests.conftest import ROOT

from .conftest import NO_BROWSER
from .support import SCALE

ARTICLE = "content/posts/2023-01-23-70th-anniversary.md"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("content", "static", "config"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_preview_png_writes_the_picture(project: Path) -> None:
    if find_browser() is None:
        pytest.skip(NO_BROWSER)
    assert main(["preview", ARTICLE, "--png", "both.png"]) == 0
    assert main(["preview", ARTICLE, "--png", "tg.png", "--platform", "telegram"]) == 0
    with Image.open(project / "both.png") as both, Image.open(project / "tg.png") as tg:
        assert both.format == tg.format == "PNG"
        assert both.width == page_width() * SCALE
        assert tg.width == page_width("telegram") * SCALE
        assert tg.height > 800 * SCALE


def test_without_a_browser_it_exits_3_and_says_what_to_install(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", str(project / "no-such-browser"))
    assert main(["preview", ARTICLE, "--png", "out.png"]) == 3
    err = capsys.readouterr().err
    assert "apt-get install chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji" in err
    assert "make system-deps" in err and "BOT_CHROMIUM" in err
    assert not (project / "out.png").exists()
