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


def test_secrets_come_from_the_environment_then_dotenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import Secrets

    env = tmp_path / ".env"
    env.write_text("TELEGRAM_BOT_TOKEN=from-dotenv\nGIT_TOKEN=dotenv-git\n", encoding="utf-8")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "from-environment")
    monkeypatch.setenv("GIT_WEBHOOK_SECRET", "hook")
    secrets = Secrets.from_environment(env)
    assert secrets.telegram_bot_token is not None
    assert secrets.telegram_bot_token.get_secret_value() == "from-environment"
    assert secrets.git_token is not None and secrets.git_token.get_secret_value() == "dotenv-git"
    assert secrets.git_webhook_secret is not None and secrets.discord_bot_token is None
    assert "from-environment" not in repr(secrets)


@pytest.mark.parametrize(
    ("folders", "source"),
    [
        ('"content"', "press/2026-11-20.md"),  # one folder: relative to it
        ('["news", "press"]', "press/2026-11-20.md"),  # several: a folder is itself one
    ],
)
def test_folders_without_pages_are_named_relative_to_the_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folders: str, source: str
) -> None:
    from bot.app.parts import content_of

    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bot.toml"
    path.write_text(f'[content]\ndir = {folders}\nno_pages = ["press"]\n', encoding="utf-8")
    ctx = content_of(load_settings(path)).ctx
    assert not ctx.has_page(source)
    assert ctx.has_page("news/2026-11-20.md") and ctx.has_page("2026-11-20.md")


def test_folders_without_pages_inside_the_website_repository(tmp_path: Path) -> None:
    from bot.app.parts import content_of

    path = tmp_path / "bot.toml"
    path.write_text(
        '[content]\ndir = "content"\nno_pages = ["press"]\n'
        f'[content.git]\nurl = "{tmp_path / "remote"}"\ncheckout = "{tmp_path / "site"}"\n',
        encoding="utf-8",
    )
    ctx = content_of(load_settings(path)).ctx
    assert not ctx.has_page("content/press/notice.md")  # sources are named from the clone
    assert ctx.has_page("content/posts/party.md")
