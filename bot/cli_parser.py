"""The command line's words: each command, a line per option, examples, the environment."""

from __future__ import annotations

import argparse

ENVIRONMENT = """\
environment (or a .env file in the working directory):
  TELEGRAM_BOT_TOKEN    the bot token from @BotFather
  DISCORD_BOT_TOKEN     the Discord application's bot token
  DISCORD_WEBHOOK_*     webhook URLs, under the names channels give in webhook_url_env
  DATABASE_URL          PostgreSQL (postgres://user:pass@host/db); default data/bot.sqlite3
  BOT_CONFIG            another configuration file than config/bot.toml
  GIT_TOKEN / GIT_SSH_KEY / GIT_USERNAME
                        credentials for the website's repository ([content.git])
  GIT_WEBHOOK_SECRET    signs POST /hooks/git ([http])
  PORT                  taken into [http] listen = "0.0.0.0:$PORT" where hosts set it
Without any token the bot runs as a dry run: it prints what it would send."""

COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "run the service: watcher (or repository follower), scheduler, outbox, admin commands",
        "examples:\n  python -m bot run\n  python -m bot run --config config/csaj-khmer.toml\n"
        "  python -m bot run --announce-existing   # a first start that announces the archive\n"
        "A second process on the same database stands by and takes over when this one stops.",
    ),
    "check": (
        "validate the configuration and every post; exit 1 listing each problem",
        "examples:\n  python -m bot check\n  python -m bot check --config config/csaj-khmer.toml",
    ),
    "preview": (
        "render a post without sending it",
        "examples:\n  python -m bot preview content/posts/2023-01-23-70th-anniversary.md\n"
        "  python -m bot preview POST.md --json            # the exact API requests of publish\n"
        "  python -m bot preview POST.md --png out.png     # a picture of both platforms\n"
        "  python -m bot preview POST.md --platform discord --png discord.png\n"
        "--png needs Chromium and the Noto fonts (make system-deps); exit 3 without them.",
    ),
    "publish": (
        "send a post now, and wait until it is delivered",
        "examples:\n  python -m bot publish content/news/picnic.md\n"
        "  python -m bot publish content/news/picnic.md --channel tg-news --channel dc-news\n"
        "With a service running on the same database, the service sends it.",
    ),
    "queue": (
        "list scheduled publications, reminders and deliveries waiting in the outbox",
        "example:\n  python -m bot queue",
    ),
    "status": (
        "deliveries and failures per channel; which process leads and which stand by",
        "example:\n  python -m bot status",
    ),
    "migrate": (
        "upgrade the state database's schema to this release",
        "example:\n  DATABASE_URL=postgres://bot@db/bot python -m bot migrate\n"
        "run does this by itself unless [database] auto_migrate = false.",
    ),
    "doctor": (
        "check tokens, chats, permissions, webhooks, the repository and the database; "
        "sends nothing",
        "example:\n  python -m bot doctor\nExit 1 when something must be fixed; each line says "
        "what and how.",
    ),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m bot",
        description="The association's announcement bot: posts from Markdown to Telegram "
        "and Discord.",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", metavar="PATH",
        help="configuration file (default: $BOT_CONFIG, else config/bot.toml)",
    )  # fmt: skip
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    made = {}
    for name, (summary, examples) in COMMANDS.items():
        made[name] = sub.add_parser(
            name, parents=[common], help=summary, description=summary,
            epilog=f"{examples}\n\n{ENVIRONMENT}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )  # fmt: skip
    made["run"].add_argument(
        "--announce-existing", action="store_true", default=None,
        help="on a first start, announce the posts already there (default: record them)",
    )  # fmt: skip
    preview = made["preview"]
    preview.add_argument("path", metavar="PATH", help="the post file")
    preview.add_argument(
        "--platform", choices=["telegram", "discord"], help="only this platform (default: both)"
    )
    preview.add_argument(
        "--json", action="store_true", help="print the exact API requests, as one JSON document"
    )
    preview.add_argument(
        "--png", metavar="OUT.png", help="write a picture of what members will see"
    )
    publish = made["publish"]
    publish.add_argument("path", metavar="PATH", help="the post file")
    publish.add_argument(
        "--channel", action="append", metavar="NAME",
        help="only this channel (repeatable; default: the post's channels)",
    )  # fmt: skip
    return top
