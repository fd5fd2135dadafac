"""`doctor`'s git line from a local bare repository, and channel keys it reads when present."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.app import doctor
from bot.app.commands import _needs, _remote_check
from bot.config import ChannelCfg, ContentCfg, GitCfg
from bot.deliver.probe import Check, Needs
from bot.domain import Channel
from bot.service.doctor import Doctor, Target
from bot.store.schema import HEAD, DatabaseState
from tests.conftest import build_settings
from tests.ingest.git_support import Origin, post

FollowedContent = ContentCfg


def current() -> DatabaseState:
    return DatabaseState("sqlite:///data/bot.sqlite3", HEAD)


async def test_the_git_remote_answers_or_says_what_is_wrong(tmp_path: Path) -> None:
    origin = Origin(tmp_path / "site.git")
    origin.commit({"posts/a.md": post("A")})
    content = FollowedContent(git=GitCfg(url=origin.url, checkout=tmp_path / "checkout"))
    settings = build_settings(tmp_path, content=content)
    checks = await doctor(settings)
    [git] = [c for c in checks if c.name == "git"]
    assert git.ok and "branch main at" in git.detail
    assert not (tmp_path / "checkout").exists()  # looked at, not cloned

    wrong_branch = FollowedContent(git=GitCfg(url=origin.url, branch="live"))
    check = _remote_check(build_settings(tmp_path, content=wrong_branch))
    assert check is not None
    [line, _] = await Doctor({}, [], database=current, head=HEAD, git=check).run()
    assert not line.ok and "branch 'live' does not exist" in line.detail and "main" in line.detail
    assert "[content.git]" in line.fix

    missing = FollowedContent(git=GitCfg(url=str(tmp_path / "nowhere.git")))
    check = _remote_check(build_settings(tmp_path, content=missing))
    assert check is not None
    [line, database] = await Doctor({}, [], database=current, head=HEAD, git=check).run()
    assert not line.ok and database.ok
    origin.close()


def test_without_a_git_section_there_is_no_git_line(tmp_path: Path) -> None:
    assert _remote_check(build_settings(tmp_path)) is None


def test_pin_crosspost_and_mention_are_what_doctor_looks_for() -> None:
    plain = ChannelCfg(name="tg", platform="telegram", chat_id="1")
    assert _needs(plain.to_channel()) == Needs()
    choices = ChannelCfg(name="dc", platform="discord", channel_id="2", pin=True,
                         crosspost=True, mention="999")  # fmt: skip
    assert _needs(choices.to_channel()) == Needs(pin=True, crosspost=True, mention="999")


class BrokenProbe:
    """A platform whose answers nobody expected: its checks break, the others go on."""

    async def open(self, channels: Sequence[Channel]) -> list[Check]:
        return []

    async def channel(self, channel: Channel, needs: Needs) -> list[Check]:
        raise KeyError("type")

    async def extras(self) -> list[Check]:
        raise ValueError("odd answer")

    async def close(self) -> None:
        self.closed = True


async def test_a_check_that_breaks_is_a_line_and_the_rest_goes_on() -> None:
    probe = BrokenProbe()
    targets = [Target(Channel("tg-news", "telegram", chat_id="1"))]
    checks = await Doctor({"telegram": probe}, targets, database=current, head=HEAD).run()
    assert [(c.name, c.ok) for c in checks] == [
        ("tg-news", False), ("admins and servers", False), ("database", True),
    ]  # fmt: skip
    assert checks[0].detail == "could not be checked: KeyError: 'type'"
    assert probe.closed
