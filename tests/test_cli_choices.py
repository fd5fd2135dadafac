"""`check` and `run` on the members' choices: templates, choices a platform cannot honour, an
image shown from the website."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.test_cli import project  # noqa: F401 - the fixture

CHANNEL = '[[channels]]\nname = "tg-km"\nplatform = "telegram"\nchat_id = "-100"\n'


def config(project: Path, extra: str) -> str:  # noqa: F811
    text = (project / "config/bot.toml").read_text(encoding="utf-8")
    (project / "config/members.toml").write_text(text + "\n" + extra, encoding="utf-8")
    return "config/members.toml"


def test_a_template_that_does_not_compile_stops_check_and_run_naming_its_line(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    (project / "templates").mkdir()
    (project / "templates/short.md.j2").write_text("{{ title }}\n{% if event %}\n{{ x }\n")
    path = config(project, CHANNEL + 'template = "templates/short.md.j2"\n')
    assert main(["check", "--config", path]) == 1
    error = capsys.readouterr().err
    assert "template templates/short.md.j2 line 3: unexpected '}'" in error
    assert main(["run", "--config", path]) == 2  # refuses to start, saying why
    assert "templates/short.md.j2 line 3" in capsys.readouterr().err


def test_a_template_failing_on_a_post_is_a_check_error_with_its_line(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    (project / "templates").mkdir()
    (project / "templates/short.md.j2").write_text("{{ summary }}\n\n{{ event.when }}\n")
    path = config(project, CHANNEL + 'template = "templates/short.md.j2"\nlang = "km"\n')
    assert main(["check", "--config", path]) == 1
    out = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert (
        "error: posts/2023-01-23-70th-anniversary.md: channel tg-km: template "
        "templates/short.md.j2 line 3: 'None' has no attribute 'when'" in out
    )


def test_choices_a_platform_cannot_honour_are_warnings(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = config(project, CHANNEL + 'mention = "999"\ncrosspost = true\n')
    assert main(["check", "--config", path]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "warning: channel tg-km: `mention` has no effect on a telegram channel" in out
    assert "warning: channel tg-km: `crosspost` has no effect on a telegram channel" in out
    bad = config(project, CHANNEL + 'lang = "fr"\n')
    assert main(["check", "--config", bad]) == 1
    assert "language 'fr' is not one of en, km, ja" in capsys.readouterr().err


def test_an_image_shown_from_the_website_is_a_warning(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    (project / "static/images/posts/230123-1-2.jpeg").unlink()
    assert main(["check"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "warning: posts/2023-01-23-70th-anniversary.md: /images/posts/230123-1-2.jpeg: file is "
        "missing locally, using https://example.org/images/posts/230123-1-2.jpeg" in out
    )
    assert "0 problems" in out
