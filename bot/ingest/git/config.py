"""`[content.git]`: where the website's repository is and how the bot follows it."""

from __future__ import annotations

from pathlib import Path

from dulwich.refs import Ref, check_ref_format
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .commits import AUTHOR_RE
from .credentials import GitError
from .remote import classify


class GitCfg(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # any git URL, a local path or file://; credentials come from the environment (a token
    # written into the URL works too, and is redacted, but is better kept in GIT_TOKEN)
    url: str = Field(repr=False)
    branch: str = "main"
    checkout: Path = Path("data/site")  # where the bot keeps its clone
    poll_seconds: float = Field(60.0, ge=5)  # fetch interval; a push webhook makes it immediate
    push: bool = False  # commit and push the post files that /announce writes
    author: str = "Announcement bot <bot@example.org>"

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if not value or any(c.isspace() for c in value):
            raise ValueError("url must be a git URL or path without spaces")
        try:
            classify(value)
        except GitError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str) -> str:
        ref = Ref(b"refs/heads/" + value.encode())
        if not value or value.startswith("-") or not check_ref_format(ref):
            raise ValueError(f"{value!r} is not a valid branch name")
        return value

    @field_validator("author")
    @classmethod
    def _author(cls, value: str) -> str:
        if not AUTHOR_RE.match(value.strip()):
            raise ValueError("author must look like 'Name <email@example.org>'")
        return value.strip()
