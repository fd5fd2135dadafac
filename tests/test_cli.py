"""The command line, as users and tooling call it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import ROOT

ARTICLE = "content/posts/2023-01-23-70th-anniversary.md"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample project, as a user's working directory."""
    for name in ("content", "static", "config"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_passes_on_the_sample_and_names_a_broken_post(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    (project / "content/posts/broken.md").write_text("---\ntitle: [oops\ndate: 2026-01-01\n---\nx")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "posts/broken.md: malformed YAML frontmatter" in out


def test_check_reports_a_bad_configuration(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "config/bad.toml").write_text('[association]\ntimezone = "Mars/Olympus"\n')
    assert main(["check", "--config", "config/bad.toml"]) == 1
    assert "unknown timezone" in capsys.readouterr().err


def test_preview_json_shows_the_album_and_the_attachment(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", ARTICLE, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    telegram = [r for r in document["requests"] if r["platform"] == "telegram"]
    assert telegram[0]["method"] == "sendMediaGroup"
    media = telegram[0]["params"]["media"]
    assert len(media) == 2 and "caption" in media[0] and "caption" not in media[1]
    discord = [r for r in document["requests"] if r["channel"] == "dc-news"]
    assert discord[0]["path"] == "/channels/777/messages"
    assert discord[0]["params"]["embeds"][0]["image"]["url"] == "attachment://230123-1-1.jpeg"
    assert [f["filename"] for f in discord[0]["files"]] == ["230123-1-1.jpeg", "230123-1-2.jpeg"]


def test_preview_one_platform_in_words(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", ARTICLE, "--platform", "discord"]) == 0
    out = capsys.readouterr().out
    assert "dc-news" in out and "tg-news" not in out and "70th Anniversary" in out


def test_publish_dry_run_then_status(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", ARTICLE, "--channel", "tg-news"]) == 0
    out = capsys.readouterr().out
    assert "sendMediaGroup" in out and "tg-news: sent" in out
    assert main(["status"]) == 0
    assert "tg-news" in capsys.readouterr().out


def test_publish_refuses_an_unknown_channel(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish", ARTICLE, "--channel", "nowhere"]) == 1
    assert "unknown channel 'nowhere'" in capsys.readouterr().err


def test_queue_lists_the_recurring_meeting(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["queue"]) == 0
    assert "general-meeting" in capsys.readouterr().out


def test_migrate_upgrades_then_says_up_to_date(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    assert "upgraded the state database from empty to" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert (project / "data" / "dry-run.sqlite3").exists()  # no tokens: the dry-run state


def test_status_refuses_an_old_database_when_told_not_to_migrate(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "config" / "bot.toml"
    config.write_text(config.read_text() + "\n[database]\nauto_migrate = false\n")
    assert main(["status"]) == 1
    assert "python -m bot migrate" in capsys.readouterr().err
    assert main(["migrate"]) == 0
    assert main(["status"]) == 0


@pytest.mark.parametrize(
    "command", ["run", "check", "preview", "publish", "queue", "status", "migrate", "doctor"]
)
def test_every_command_explains_itself(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "--config PATH" in text and "example" in text and "TELEGRAM_BOT_TOKEN" in text
