"""`[content.git]` as the configuration file gives it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import GitCfg

ROOT = Path(__file__).resolve().parents[2]


def test_defaults():
    cfg = GitCfg(url="https://github.com/csaj-tech/csaj-khmer.git")
    assert (cfg.branch, cfg.checkout, cfg.poll_seconds, cfg.push) == (
        "main",
        Path("data/site"),
        60.0,
        False,
    )
    assert cfg.author == "Announcement bot <bot@example.org>"


def test_the_association_configuration_is_valid():
    data = tomllib.loads((ROOT / "config/csaj-khmer.toml").read_text(encoding="utf-8"))
    cfg = GitCfg(**data["content"]["git"])
    assert cfg.url == "https://github.com/csaj-tech/csaj-khmer.git"
    assert data["content"]["dir"] == ["posts", "columns"]
    assert data["content"]["static_dir"] == "public"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("poll_seconds", 1, "greater than or equal to 5"),
        ("author", "bot@example.org", "Name <email"),
        ("author", "Bot <not an email>", "Name <email"),
        ("branch", "main..old", "not a valid branch"),
        ("branch", "-x", "not a valid branch"),
        ("url", "", "git URL"),
        ("url", "ftp://example.org/r.git", "use https://"),
        ("colour", "red", "Extra inputs are not permitted"),
    ],
)
def test_bad_values(field: str, value: object, says: str):
    data: dict[str, object] = {"url": "https://github.com/csaj-tech/csaj-khmer.git", field: value}
    with pytest.raises(ValidationError, match=says):
        GitCfg(**data)  # type: ignore[arg-type]


def test_a_token_in_the_url_stays_out_of_the_repr():
    cfg = GitCfg(url="https://x-access-token:ghp_secret@github.com/o/r.git")
    assert "ghp_secret" not in repr(cfg)
