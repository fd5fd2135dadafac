"""Settings: `config/bot.toml` for the association's choices, the environment for secrets.

Validated once at start-up and passed down; nothing else reads the environment.
"""

from __future__ import annotations

import difflib
import os
import re
import string
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from .domain import MAP_URL, Channel
from .errors import ConfigError
from .i18n import LANGS

DEFAULT_CONFIG = Path("config/bot.toml")
OFFSET_RE = re.compile(r"^\s*(\d+)\s*([wdhm])\s*$")


def _lang(value: str | None) -> str | None:
    if value is not None and value not in LANGS:
        raise ValueError(f"language {value!r} is not one of {', '.join(LANGS)}")
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AssociationCfg(_Section):
    name: str = "Student Association"
    timezone: str = "Asia/Tokyo"
    site_url: str | None = None
    post_url: str = "{site_url}/posts/{slug}/"  # link back to a post on the website
    color: str = "#1b4f9c"  # Discord embed colour
    locale: str = "en"
    default_lang: str = "en"  # posts without `lang` are in it; channels without `lang` get it
    map_url: str = MAP_URL  # where an event's place is shown; {query} is the place, URL-encoded

    @field_validator("default_lang")
    @classmethod
    def _known_lang(cls, value: str) -> str:
        return _lang(value) or "en"

    @field_validator("post_url")
    @classmethod
    def _known_fields(cls, value: str) -> str:
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        if unknown := fields - {"site_url", "slug", "lang"}:
            raise ValueError(f"post_url may use {{site_url}}, {{slug}} and {{lang}}, not {unknown}")
        return value

    @field_validator("map_url")
    @classmethod
    def _map_query(cls, value: str) -> str:
        if "{query}" not in value or not value.startswith(("https://", "http://")):
            raise ValueError("map_url must be an http(s) URL with {query} in it")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("site_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else None

    @field_validator("color")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not re.fullmatch(r"#?[0-9a-fA-F]{6}", value):
            raise ValueError("colour must look like #1b4f9c")
        return value if value.startswith("#") else f"#{value}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def color_int(self) -> int:
        return int(self.color.lstrip("#"), 16)


_BRANCH = re.compile(r"^(?!-)(?!.*(?:\.\.|@\{|//|\.lock$|/$|\.$))[^\s~^:?*\[\\\x00-\x1f\x7f]+$")
_AUTHOR = re.compile(r"^[^<>\n]*[^<>\s][^<>\n]* <[^<>\s@]+@[^<>\s]+>$")


class GitCfg(_Section):
    """`[content.git]`: follow the website's repository instead of a local folder."""

    # any git URL, a local path or file://; credentials come from GIT_TOKEN / GIT_SSH_KEY (a
    # token written into the URL works too, and is redacted, but is better kept in GIT_TOKEN)
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
        if "://" in value and not value.lower().startswith(
            ("http://", "https://", "ssh://", "git+ssh://", "ssh+git://", "file://")
        ):
            raise ValueError("use https://, ssh://, git@host:org/repo.git, file:// or a path")
        return value

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str) -> str:
        if not _BRANCH.match(value):
            raise ValueError(f"{value!r} is not a valid branch name")
        return value

    @field_validator("author")
    @classmethod
    def _author(cls, value: str) -> str:
        if not _AUTHOR.match(value.strip()):
            raise ValueError("author must look like 'Name <email@example.org>'")
        return value.strip()


class ContentCfg(_Section):
    # posts, searched recursively for *.md: one folder or several; relative to the checkout
    # when the website's repository is followed ([content.git]), else to the working directory
    dir: list[Path] = [Path("content")]
    static_dir: Path = Path("static")  # where /images/posts/x.jpeg resolves (same base)
    announce_dir: Path = Path("announcements")  # where /announce writes, in the first folder
    git: GitCfg | None = None
    announce_existing: bool = False  # announce the archive on a first start
    retract_removed: bool = False  # delete sent messages when a post file is removed
    publish_hour: int = Field(9, ge=0, le=23)  # local hour for dates given without a time
    debounce_ms: int = Field(300, ge=0, le=10_000)
    max_file_bytes: int = 2_000_000
    max_images: int = 30
    no_pages: list[str] = []  # folders (relative to dir) whose posts have no page on the website

    @field_validator("dir", mode="before")
    @classmethod
    def _dirs(cls, value: Any) -> Any:
        return [value] if isinstance(value, str | Path) else value

    @field_validator("dir")
    @classmethod
    def _some_dirs(cls, value: list[Path]) -> list[Path]:
        if not value:
            raise ValueError("name at least one folder of posts")
        return value


class HttpCfg(_Section):
    """`[http]`: health, metrics and the push webhook (off without the section)."""

    listen: str = "127.0.0.1:8080"  # a $PORT in the value is taken from the environment


class TelegramCfg(_Section):
    api_url: str = "https://api.telegram.org/bot"
    admins: list[int] = []
    admin_chat: str | None = None
    chat_admins_are_admins: bool = False


class DiscordCfg(_Section):
    api_url: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    guild_ids: list[str] = []
    admin_roles: list[str] = []
    admin_channel: str | None = None
    scheduled_events: bool = False  # also create guild scheduled events for event posts


class AdminCfg(_Section):
    confirm: bool = True  # /announce answers with a preview and waits for Publish
    editors: list[int] = []  # Telegram user ids who may draft (/announce, /preview)
    editor_roles: list[str] = []  # Discord role ids who may draft


class ChannelCfg(_Section):
    name: str
    platform: Literal["telegram", "discord", "discord-webhook"]
    chat_id: str | None = None
    thread_id: int | None = None
    channel_id: str | None = None
    webhook_url_env: str | None = None
    tags: list[str] = []
    lang: str | None = None  # en | km | ja; default: [association] default_lang
    silent: bool = False
    pin: bool = False
    buttons: bool = False
    template: Path | None = None  # Jinja2 (sandboxed) for this channel's announcement text
    crosspost: bool = False
    mention: str | None = None  # Discord role id, pinged on event announcements only
    _template_source: str | None = PrivateAttr(None)  # the template's text, read once

    @field_validator("lang")
    @classmethod
    def _known_lang(cls, value: str | None) -> str | None:
        return _lang(value)

    @field_validator("mention")
    @classmethod
    def _role_id(cls, value: str | None) -> str | None:
        if value is not None and not value.isdigit():
            raise ValueError(f"mention must be a Discord role id (digits), got {value!r}")
        return value

    @model_validator(mode="after")
    def _read_template(self) -> ChannelCfg:
        """Read and compile the template now, so a broken one stops the start, not a send."""
        if self.template is None or self._template_source is not None:
            return self
        from .format.templates import TemplateProblem, compile_template

        try:
            source = self.template.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise ValueError(f"channel {self.name}: template {self.template}: {reason}") from None
        try:
            compile_template(source, str(self.template))
        except TemplateProblem as exc:
            raise ValueError(f"channel {self.name}: template {exc}") from None
        self._template_source = source
        return self

    def to_channel(self, default_lang: str = "en") -> Channel:
        return Channel(
            name=self.name,
            platform=self.platform,
            chat_id=self.chat_id,
            thread_id=self.thread_id,
            channel_id=self.channel_id,
            webhook_url_env=self.webhook_url_env,
            tags=tuple(self.tags),
            lang=self.lang or default_lang,
            silent=self.silent,
            pin=self.pin,
            buttons=self.buttons,
            template=str(self.template) if self.template else None,
            template_source=self._template_source,
            crosspost=self.crosspost,
            mention=self.mention,
        )


class RecurringCfg(_Section):
    name: str
    cron: str  # five fields: minute hour day month day-of-week
    text: str
    texts: dict[str, str] = {}  # the text in other languages, for channels in them: km = "…"
    channels: list[str] | None = None

    @field_validator("texts")
    @classmethod
    def _known_langs(cls, values: dict[str, str]) -> dict[str, str]:
        for lang in values:
            _lang(lang)
        return values


class RemindersCfg(_Section):
    offsets: list[str] = ["7d", "1d", "2h"]
    recurring: list[RecurringCfg] = []

    @field_validator("offsets")
    @classmethod
    def _offsets(cls, values: list[str]) -> list[str]:
        for value in values:
            if not OFFSET_RE.match(value):
                raise ValueError(f"reminder offset {value!r} must look like 7d, 1d, 2h, 30m or 1w")
        return values


class DeliveryCfg(_Section):
    max_attempts: int = Field(8, ge=1)
    backoff_base: float = Field(2.0, gt=0)
    backoff_max: float = Field(600.0, gt=0)
    request_timeout: float = Field(30.0, gt=0)
    report_interval: float = Field(60.0, ge=0)  # at most one admin report per kind and interval


class DatabaseCfg(_Section):
    # upgrade the state database's schema at start; false: refuse and name `migrate`
    auto_migrate: bool = True


class Secrets(BaseModel):
    """Secrets come only from the environment or `.env` (the environment wins).

    Read with python-dotenv into a plain model: these few variables do not need the 4 MB of
    idle memory pydantic-settings costs.
    """

    model_config = ConfigDict(extra="ignore")

    telegram_bot_token: SecretStr | None = None
    discord_bot_token: SecretStr | None = None
    database_url: SecretStr | None = None
    git_token: SecretStr | None = None  # HTTPS remotes
    git_ssh_key: Path | None = None  # a private key file, for ssh remotes
    git_username: str = "x-access-token"  # the HTTPS user the token goes with
    git_webhook_secret: SecretStr | None = None  # signs POST /hooks/git

    @classmethod
    def from_environment(cls, env_file: Path | None = Path(".env")) -> Secrets:
        found = _dotenv(env_file.resolve()) if env_file is not None else {}
        environ = {key.upper(): value for key, value in os.environ.items()}
        values = {**{k.upper(): v for k, v in found.items()}, **environ}
        return cls(**{name: values[name.upper()] for name in cls.model_fields
                      if name.upper() in values})  # fmt: skip


class Settings(_Section):
    association: AssociationCfg = AssociationCfg()
    content: ContentCfg = ContentCfg()
    telegram: TelegramCfg = TelegramCfg()
    discord: DiscordCfg = DiscordCfg()
    admin: AdminCfg = AdminCfg()
    channels: list[ChannelCfg] = []
    reminders: RemindersCfg = RemindersCfg()
    delivery: DeliveryCfg = DeliveryCfg()
    database: DatabaseCfg = DatabaseCfg()
    http: HttpCfg | None = None
    data_dir: Path = Path("data")
    secrets: Secrets = Field(default_factory=Secrets.from_environment, exclude=True)
    source: str = "<defaults>"

    def channel_list(self) -> list[Channel]:
        return [c.to_channel(self.association.default_lang) for c in self.channels]

    @property
    def content_root(self) -> Path:
        """What content folders are relative to: the checkout, or the working directory."""
        git = self.content.git
        return (git.checkout if git else Path(".")).resolve()

    def content_dirs(self) -> list[Path]:
        return [(self.content_root / d).resolve() for d in self.content.dir]

    def static_dir(self) -> Path:
        return (self.content_root / self.content.static_dir).resolve()

    def admin_channels(self) -> list[Channel]:
        """Where problems are reported: the admin chat on each platform that has one."""
        found = []
        if self.telegram.admin_chat:
            found.append(Channel("admin", "telegram", chat_id=self.telegram.admin_chat))
        if self.discord.admin_channel:
            found.append(Channel("admin", "discord", channel_id=self.discord.admin_channel))
        return found

    def config_warnings(self) -> list[str]:
        """What `check` says of the configuration itself (it loads, but cannot work fully)."""
        found = [
            f"channel {c.name}: ${c.webhook_url_env} is not set, so nothing can be sent there"
            for c in self.channel_list()
            if c.webhook_url_env and not self.webhook_url(c)
        ]
        for c in self.channel_list():
            ignored = {
                "mention": c.mention is not None and c.platform == "telegram",
                "crosspost": c.crosspost and c.platform != "discord",
                "pin": c.pin and c.platform == "discord-webhook",
            }
            found += [
                f"channel {c.name}: `{key}` has no effect on a {c.platform} channel"
                for key, unused in ignored.items()
                if unused
            ]
        return found

    def secret_values(self) -> list[str]:
        """Every secret a log line or report could carry: tokens, passwords, webhook tokens."""
        secrets = self.secrets
        values = [
            s.get_secret_value()
            for s in (
                secrets.telegram_bot_token,
                secrets.discord_bot_token,
                secrets.database_url,
                secrets.git_token,
                secrets.git_webhook_secret,
            )
            if s is not None
        ]
        if secrets.database_url is not None:
            password = urlsplit(secrets.database_url.get_secret_value()).password
            values += [password] if password else []
        for channel in self.channel_list():
            if url := self.webhook_url(channel):
                values.append(url)
                values += [part for part in url.split("/") if len(part) >= 32]  # its token
        return values

    def webhook_urls(self) -> dict[str, str]:
        """Each webhook channel's URL, by channel name (where its variable is set)."""
        return {c.name: url for c in self.channel_list() if (url := self.webhook_url(c))}

    def webhook_url(self, channel: Channel) -> str | None:
        if not channel.webhook_url_env:
            return None
        env = channel.webhook_url_env
        return os.environ.get(env) or _dotenv(Path(".env").resolve()).get(env)

    @property
    def dry_run(self) -> bool:
        """No token and no webhook URL: print what would be sent instead of sending."""
        no_tokens = (
            self.secrets.telegram_bot_token is None and self.secrets.discord_bot_token is None
        )
        return no_tokens and not any(self.webhook_url(c) for c in self.channel_list())

    @property
    def database_url(self) -> str:
        """The live database, or a separate SQLite file for dry runs."""
        if self.dry_run:
            return f"sqlite:///{self.data_dir / 'dry-run.sqlite3'}"
        return self.live_database_url

    @property
    def live_database_url(self) -> str:
        """The database a live run uses, even while no token is set yet."""
        if self.secrets.database_url is not None:
            return normalise_db_url(self.secrets.database_url.get_secret_value())
        return f"sqlite:///{self.data_dir / 'bot.sqlite3'}"


def normalise_db_url(url: str) -> str:
    """Accept the `postgres://` form hosts hand out and pick the installed driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=4)
def _dotenv(path: Path) -> dict[str, str]:
    """Webhook URLs may sit in `.env` beside the tokens; read it once per process."""
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _check_channels(settings: Settings) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for ch in settings.channels:
        if ch.name in seen:
            problems.append(f"channel {ch.name!r} is declared twice")
        seen.add(ch.name)
        needed = {
            "telegram": "chat_id",
            "discord": "channel_id",
            "discord-webhook": "webhook_url_env",
        }
        if getattr(ch, needed[ch.platform]) in (None, ""):
            problems.append(f"channel {ch.name!r} ({ch.platform}) needs {needed[ch.platform]}")
    for rec in settings.reminders.recurring:
        for name in rec.channels or []:
            if name not in seen:
                problems.append(f"recurring reminder {rec.name!r} names unknown channel {name!r}")
    return problems


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read the TOML file (``--config``, else ``BOT_CONFIG``, else config/bot.toml)."""
    chosen = Path(path or os.environ.get("BOT_CONFIG") or DEFAULT_CONFIG)
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{chosen}: configuration file not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{chosen}: not valid TOML: {exc}") from exc
    for secret in ("token", "bot_token", "database_url"):
        for section in ("telegram", "discord"):
            if secret in data.get(section, {}):
                raise ConfigError(
                    f"{chosen}: [{section}] {secret} is a secret; set it in the environment"
                )
    data.update(overrides)
    try:
        settings = Settings(**data, source=str(chosen))
    except ValidationError as exc:
        lines = [f"{chosen}: {explain(err, data)}" for err in exc.errors()]
        raise ConfigError("\n".join(lines)) from None
    problems = _check_channels(settings)
    if problems:
        raise ConfigError("\n".join(f"{chosen}: {p}" for p in problems))
    return settings


def explain(error: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """A validation error as a person reads it: `[[channels]] tg-news: thread_id: …`, and the
    key meant when a key is unknown (`chat_idd`: did you mean `chat_id`?)."""
    loc = list(error["loc"])
    where: list[str] = []
    model: Any = Settings
    node: Any = data
    for i, part in enumerate(loc):
        if isinstance(part, int):
            name = node[part].get("name") if isinstance(node, list) and part < len(node) and \
                isinstance(node[part], Mapping) else None  # fmt: skip
            table = f"[{where[-1]}]" if where[-1].startswith("[") else where[-1]
            where[-1] = f"{table} {name}" if name else f"{table} #{part + 1}"
            node = node[part] if isinstance(node, list) and part < len(node) else {}
            continue
        if i == len(loc) - 1 and error["type"] == "extra_forbidden":
            known = list(getattr(model, "model_fields", {}))
            close = difflib.get_close_matches(str(part), known, n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(known)}"
            return f"{': '.join(where) or 'top level'}: unknown key `{part}`{hint}"
        where.append(f"[{part}]" if i == 0 else str(part))
        field_info = getattr(model, "model_fields", {}).get(part)
        model = _inner_model(field_info.annotation) if field_info is not None else None
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    return f"{': '.join(where)}: {str(error['msg']).removeprefix('Value error, ')}"


def _inner_model(annotation: Any) -> Any:
    """The model class inside `X`, `list[X]` or `X | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
