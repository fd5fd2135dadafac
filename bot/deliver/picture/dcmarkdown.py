"""Discord's markdown → safe HTML for the picture, as the Discord client shows it.

Inline: `**bold**`, `*italic*` / `_italic_`, `__underline__`, `~~strike~~`, `||spoiler||`,
`` `code` ``, masked links `[text](<url>)`, bare and `<url>` links, mentions, backslash
escapes and timestamp markup `<t:UNIX:STYLE>` (shown in the reader's zone, en-US, relative ones
against `now`). Blocks: code fences, `>` and `>>>` quotes, `#`–`###` headings, `-#` subtext and
lists. Every piece of text is escaped; links are drawn, never emitted as links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

_INLINE = re.compile(
    r"\\(?P<esc>[^0-9A-Za-z\s])"
    r"|(?P<tick>`+)(?P<code>.+?)(?P=tick)"
    r"|<t:(?P<ts>-?\d{1,13})(?::(?P<style>[tTdDfFR]))?>"
    r"|\[(?P<label>(?:\\.|[^\\\]])+)\]\(\s*(?:<[^\s<>]+>|https?://[^\s()]+(?:\([^\s()]*\))?)\s*\)"
    r"|<(?P<angle>https?://[^\s>]+)>"
    r"|(?P<url>https?://[^\s<]+[^\s<.,:;\"')\]!?])"
    r"|<(?P<mention>@[!&]?|#)(?P<mid>\d+)>"
    r"|\*\*\*(?P<bi>(?:\\.|[^\\])+?)\*\*\*"
    r"|\*\*(?P<b>(?:\\.|[^\\])+?)\*\*"
    r"|__(?P<u>(?:\\.|[^\\])+?)__"
    r"|\*(?P<i>[^\s*](?:(?:\\.|[^\\*])*?[^\s\\*])?)\*"
    r"|(?<![^\W_])_(?P<i2>(?:\\.|[^\\_])+?)_(?![^\W_])"
    r"|~~(?P<s>(?:\\.|[^\\])+?)~~"
    r"|\|\|(?P<sp>(?:\\.|[^\\])+?)\|\|",
    re.DOTALL,
)
_WRAP = {
    "bi": "dc-b dc-i",
    "b": "dc-b",
    "u": "dc-u",
    "i": "dc-i",
    "i2": "dc-i",
    "s": "dc-s",
    "sp": "dc-spoiler",
}
_FENCE = re.compile(r"```(?:(?P<lang>[\w+#-]+)\n)?\n?(?P<code>.*?)\n?```", re.DOTALL)
_LINE = re.compile(
    r"(?P<h>#{1,3}) (?P<htext>.+)|-# (?P<sub>.+)|>>> (?P<rest>.*)|> (?P<quote>.*)"
    r"|(?P<indent> *)(?P<bullet>[-*]) (?P<item>.*)|(?P<num>\d{1,9})\. (?P<oitem>.*)"
)


@dataclass(frozen=True)
class Clock:
    """The reader's zone and the moment they read (for `<t:…:R>`)."""

    tz: ZoneInfo
    now: datetime


def _hour(moment: datetime, seconds: bool = False) -> str:
    text = moment.strftime("%I:%M:%S %p" if seconds else "%I:%M %p")
    return text.lstrip("0")


def discord_time(moment: datetime, style: str, clock: Clock) -> str:
    """What `<t:…:style>` shows (en-US, in the reader's zone)."""
    local = moment.astimezone(clock.tz)
    day = f"{local:%B} {local.day}, {local.year}"
    match style:
        case "t":
            return _hour(local)
        case "T":
            return _hour(local, seconds=True)
        case "d":
            return f"{local:%m/%d/%Y}"
        case "D":
            return day
        case "F":
            return f"{local:%A}, {day} {_hour(local)}"
        case "R":
            return relative(moment, clock.now)
        case _:
            return f"{day} {_hour(local)}"


def relative(moment: datetime, now: datetime) -> str:
    """Discord's relative time (moment.js thresholds): "in 2 days", "3 hours ago"."""
    delta = (moment - now).total_seconds()
    s = abs(delta)
    steps: list[tuple[float, Callable[[], str]]] = [
        (45, lambda: "a few seconds"),
        (90, lambda: "a minute"),
        (45 * 60, lambda: f"{round(s / 60)} minutes"),
        (90 * 60, lambda: "an hour"),
        (22 * 3600, lambda: f"{round(s / 3600)} hours"),
        (36 * 3600, lambda: "a day"),
        (26 * 86400, lambda: f"{round(s / 86400)} days"),
        (45 * 86400, lambda: "a month"),
        (320 * 86400, lambda: f"{round(s / (30.4 * 86400))} months"),
        (548 * 86400, lambda: "a year"),
    ]
    words = next((say() for limit, say in steps if s < limit), None)
    words = words or f"{round(s / (365.25 * 86400))} years"
    return f"in {words}" if delta >= 0 else f"{words} ago"


def _span(css: str, inner: Markup | str) -> Markup:
    return Markup('<span class="{}">{}</span>').format(css, inner)


def inline(text: str, clock: Clock) -> Markup:
    """Inline markdown of one piece of text (newlines become line breaks)."""
    out: list[Markup] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() < pos:
            continue
        out.append(_text(text[pos : m.start()]))
        out.append(_token(m, clock))
        pos = m.end()
    out.append(_text(text[pos:]))
    return Markup("").join(out)


def _text(text: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def _token(m: re.Match[str], clock: Clock) -> Markup:
    kind = m.lastgroup
    groups = m.groupdict()
    if groups["esc"] is not None:
        return escape(groups["esc"])
    if groups["code"] is not None:
        return _span("dc-code", escape(groups["code"].strip(" ") or groups["code"]))
    if groups["ts"] is not None:
        try:
            moment = datetime.fromtimestamp(int(groups["ts"]), UTC)
        except (OverflowError, OSError, ValueError):
            return escape(m.group(0))
        return _span("dc-stamp", discord_time(moment, groups["style"] or "f", clock))
    if groups["label"] is not None:
        return _span("dc-link", inline(groups["label"], clock))
    for name in ("angle", "url"):
        if groups[name] is not None:
            return _span("dc-link", escape(groups[name]))
    if groups["mention"] is not None:
        sign = groups["mention"]
        what = {"#": "#unknown", "@&": "@unknown-role"}.get(sign, "@unknown-user")
        return _span("dc-mention", what)
    for name, css in _WRAP.items():
        if groups.get(name) is not None:
            return _span(css, inline(groups[name], clock))
    raise AssertionError(kind)  # pragma: no cover - every alternative is handled above


def _lines_html(lines: list[str], clock: Clock) -> list[Markup]:
    out: list[Markup] = []
    para: list[str] = []
    quote: list[str] = []

    def flush() -> None:
        if para:
            out.append(_span("dc-line", inline("\n".join(para), clock)))
            para.clear()
        if quote:
            out.append(_span("dc-quote", inline("\n".join(quote), clock)))
            quote.clear()

    for index, line in enumerate(lines):
        m = _LINE.fullmatch(line)
        if m is None:
            if quote:
                flush()
            para.append(line)
            continue
        if m.group("quote") is not None or m.group("rest") is not None:
            if para:
                flush()
            if m.group("rest") is not None:
                quote.extend([m.group("rest"), *lines[index + 1 :]])
                break
            quote.append(m.group("quote"))
            continue
        flush()
        if m.group("h"):
            out.append(_span(f"dc-h{len(m.group('h'))}", inline(m.group("htext"), clock)))
        elif m.group("sub") is not None:
            out.append(_span("dc-subtext", inline(m.group("sub"), clock)))
        elif m.group("bullet"):
            depth = min(len(m.group("indent")) // 2, 3)
            out.append(_span(f"dc-li dc-depth{depth}", inline(m.group("item"), clock)))
        else:
            number = escape(m.group("num"))
            item = inline(m.group("oitem"), clock)
            out.append(Markup('<span class="dc-oli" data-n="{}.">{}</span>').format(number, item))
    flush()
    return out


def markdown(text: str, clock: Clock) -> Markup:
    """A Discord `content` or embed description, as safe markup."""
    out: list[Markup] = []
    pos = 0
    for m in _FENCE.finditer(text):
        if before := text[pos : m.start()].strip("\n"):
            out.extend(_lines_html(before.split("\n"), clock))
        out.append(_span("dc-codeblock", escape(m.group("code"))))
        pos = m.end()
    tail = text[pos:].strip("\n")
    if tail or not out:
        out.extend(_lines_html(tail.split("\n"), clock))
    return Markup("").join(out)
