"""Discord Markdown: escaping post text, and the measure and overhead the splitter uses."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .limits import char_len
from .model import Block, Span

_ESCAPE = re.compile(r"([\\*_~`|\[\]<])")
_LINE_START = re.compile(r"(?m)^(\s*)([#>\-+]|\d+\.)")


def _escape_inline(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _escape_line_start(m: re.Match[str]) -> str:
    mark = m.group(2)  # Discord honours a backslash before punctuation only: `12\.`, not `\12.`
    return m.group(1) + (mark[:-1] + "\\." if mark.endswith(".") else "\\" + mark)


def _escape_line_starts(text: str) -> str:
    return _LINE_START.sub(_escape_line_start, text)


def escape_md(text: str) -> str:
    return _escape_line_starts(_escape_inline(text))


def measure(text: str) -> int:
    """Upper bound of the rendered length of plain text (escapes included)."""
    return char_len(escape_md(text))


def href_md(href: str) -> str:
    return href.replace(">", "%3E").replace(")", "%29")


def _span_md(span: Span) -> str:
    if span.code:
        body = span.text.replace("`", "ˋ")
        text = f"`{body}`"
    else:
        text = _escape_inline(span.text)  # line starts are escaped once the block is assembled
    if span.strike:
        text = f"~~{text}~~"
    if span.italic:
        text = f"*{text}*"
    if span.bold:
        text = f"**{text}**"
    if span.href:
        text = f"[{text}](<{href_md(span.href)}>)"
    return text


def overhead(block: Block) -> int:
    """Characters markup adds to a block beyond its escaped text (an upper bound)."""
    total = 0
    for s in block.spans:
        total += 2 * s.code + 4 * s.strike + 2 * s.italic + 4 * s.bold
        total += len(href_md(s.href)) + 6 if s.href else 0
    if block.kind == "quote":
        total += 2 * (block.plain.count("\n") + 1)
    if block.kind == "code":
        total += len(block.lang) + 8
    return total


def block_md(block: Block) -> str:
    if block.kind == "code":
        code = "".join(s.text for s in block.spans).replace("```", "``\u200b`")
        lang = re.sub(r"[^\w+#-]", "", block.lang)
        return f"```{lang}\n{code}\n```"
    text = _escape_line_starts(
        _escape_inline(block.prefix) + "".join(_span_md(s) for s in block.spans)
    )
    if block.kind == "quote":
        return "\n".join("> " + line for line in text.split("\n"))
    return text


def message_md(blocks: Sequence[Block]) -> str:
    return "\n\n".join(block_md(b) for b in blocks)
