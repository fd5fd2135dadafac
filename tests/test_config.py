"""Configuration errors as an operator reads them: the channel by its name, the key meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError


def load(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bot.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    return str(raised.value)


def test_a_channel_is_named_by_its_name_not_its_index(tmp_path: Path) -> None:
    first = '[[channels]]\nname = "a"\nplatform = "telegram"\nchat_id = "1"\n'
    text = load(tmp_path, first + '[[channels]]\nname = "tg-news"\nplatform = "telegram"\n'
                'thread_id = "x"\n')  # fmt: skip
    assert "[[channels]] tg-news: thread_id:" in text
    assert "channels.1" not in text


def test_a_misspelt_key_gets_the_nearest_one(tmp_path: Path) -> None:
    text = load(tmp_path, '[[channels]]\nname = "dc"\nplatform = "discord"\nchanel_id = "7"\n')
    assert "unknown key `chanel_id`; did you mean `channel_id`?" in text
    assert "did you mean `content`?" in load(tmp_path, '[contnet]\ndir = "content"\n')
    assert "did you mean `poll_seconds`?" in load(
        tmp_path, '[content.git]\nurl = "https://example.org/r.git"\npoll_second = 30\n'
    )


def test_several_content_folders_and_the_website_repository(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(
        '[content]\ndir = ["posts", "columns"]\nstatic_dir = "public"\n'
        f'[content.git]\nurl = "{tmp_path / "remote"}"\ncheckout = "{tmp_path / "site"}"\n'
        '[http]\nlisten = "127.0.0.1:$PORT"\n',
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert settings.content_dirs() == [tmp_path / "site/posts", tmp_path / "site/columns"]
    assert settings.static_dir() == tmp_path / "site/public"
    assert settings.http is not None and settings.http.listen == "127.0.0.1:$PORT"
