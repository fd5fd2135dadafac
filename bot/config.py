"""Settings: `config/bot.toml` for the association's choices, the environment for secrets.

Validated once at start-up and passed down; nothing else reads the environment.
"""

from __future__ import annotations

import os
import re
import string
import tomllib
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
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain import MAP_URL, Channel
from .errors import ConfigError

DEFAULT_CONFIG = Path("config/bot.toml")
OFFSET_RE = re.compile(r"^\s*(\d+)\s*([wdhm])\s*$")
LANGS = ("en", "km", "ja")  # the languages the bot's own words exist in (bot.i18n)


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


class ContentCfg(_Section):
    dir: Path = Path("content")
    static_dir: Path = Path("static")
    announce_existing: bool = False  # announce the archive on a first start
    retract_removed: bool = False  # delete sent messages when a post file is removed
    publish_hour: int = Field(9, ge=0, le=23)  # local hour for dates given without a time
    debounce_ms: int = Field(300, ge=0, le=10_000)
    max_file_bytes: int = 2_000_000
    max_images: int = 30
    no_pages: list[str] = []  # folders (relative to dir) whose posts have no page on the website


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


class Secrets(BaseSettings):
    """Secrets come only from the environment or `.env`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    telegram_bot_token: SecretStr | None = None
    discord_bot_token: SecretStr | None = None
    database_url: SecretStr | None = None


class Settings(_Section):
    association: AssociationCfg = AssociationCfg()
    content: ContentCfg = ContentCfg()
    telegram: TelegramCfg = TelegramCfg()
    discord: DiscordCfg = DiscordCfg()
    channels: list[ChannelCfg] = []
    reminders: RemindersCfg = RemindersCfg()
    delivery: DeliveryCfg = DeliveryCfg()
    database: DatabaseCfg = DatabaseCfg()
    data_dir: Path = Path("data")
    secrets: Secrets = Field(default_factory=Secrets, exclude=True)
    source: str = "<defaults>"

    def channel_list(self) -> list[Channel]:
        return [c.to_channel(self.association.default_lang) for c in self.channels]

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
            for s in (secrets.telegram_bot_token, secrets.discord_bot_token, secrets.database_url)
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
        lines = [
            f"{chosen}: {'.'.join(str(p) for p in err['loc'])}: "
            + str(err["msg"]).removeprefix("Value error, ")
            for err in exc.errors()
        ]
        raise ConfigError("\n".join(lines)) from None
    problems = _check_channels(settings)
    if problems:
        raise ConfigError("\n".join(f"{chosen}: {p}" for p in problems))
    return settings
