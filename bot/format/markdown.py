"""Markdown → blocks of styled spans, through markdown-it-py.

Raw HTML in a post is shown as text, never interpreted. Line breaks inside a paragraph are kept,
as chat readers expect the author's lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from .model import Block, BlockKind, Span

SAFE_SCHEMES = ("http://", "https://", "mailto:", "tg://")
_SKIPPED = re.compile(r"^\s*(#|!\[[^\]]*\]\([^)]*\)\s*$|<!--|---|\*\*\*|___)")


if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # loaded once something is formatted

    return MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("strikethrough")


@dataclass
class _State:
    base_url: str | None
    blocks: list[Block] = field(default_factory=list)
    lists: list[list[int]] = field(default_factory=list)  # per open list: [is_ordered, counter]
    quote: int = 0
    kind: BlockKind = "para"
    prefix: str = ""
    pending_item: str | None = None


def to_blocks(markdown: str, *, base_url: str | None = None) -> list[Block]:
    """Parse Markdown into blocks. Relative links resolve against `base_url` when given."""
    state = _State(base_url=base_url)
    tokens = _parser().parse(markdown)
    for tok in tokens:
        _block_token(tok, state)
    return [b for b in state.blocks if b.kind == "rule" or b.plain.strip()]


def _block_token(tok: Token, st: _State) -> None:
    t = tok.type
    if t == "blockquote_open":
        st.quote += 1
    elif t == "blockquote_close":
        st.quote -= 1
    elif t in ("bullet_list_open", "ordered_list_open"):
        start = int(tok.attrGet("start") or 1) if t == "ordered_list_open" else 0
        st.lists.append([t == "ordered_list_open", start])
    elif t in ("bullet_list_close", "ordered_list_close"):
        st.lists.pop()
    elif t == "list_item_open":
        ordered, counter = st.lists[-1]
        indent = "  " * (len(st.lists) - 1)
        st.pending_item = f"{indent}{counter}. " if ordered else f"{indent}• "
        st.lists[-1][1] = counter + 1
    elif t == "heading_open":
        st.kind = "heading"
    elif t == "paragraph_open":
        st.kind = "quote" if st.quote else ("item" if st.lists else "para")
    elif t == "inline":
        spans = tuple(_inline(tok.children or [], st.base_url))
        if st.kind == "heading":
            spans = tuple(replace(s, bold=True) for s in spans)
        prefix = st.pending_item or ("  " * len(st.lists) if st.lists else "")
        st.pending_item = None
        st.blocks.append(Block(st.kind, spans, prefix=prefix))
        st.kind = "para"
    elif t in ("fence", "code_block"):
        text = tok.content.rstrip("\n")
        st.blocks.append(Block("code", (Span(text, code=True),), lang=tok.info.strip()))
    elif t == "hr":
        st.blocks.append(Block("rule", (Span("———"),)))


def _inline(children: Sequence[Token], base_url: str | None) -> list[Span]:
    spans: list[Span] = []
    bold = italic = strike = 0
    links: list[str | None] = []
    for tok in children:
        t = tok.type
        if t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t == "s_open":
            strike += 1
        elif t == "s_close":
            strike -= 1
        elif t == "link_open":
            links.append(_safe_href(str(tok.attrGet("href") or ""), base_url))
        elif t == "link_close":
            links.pop()
        elif t in ("text", "code_inline", "softbreak", "hardbreak", "image"):
            text = {"softbreak": "\n", "hardbreak": "\n"}.get(t, tok.content)
            href = next((h for h in reversed(links) if h), None)
            if t == "image":
                text = tok.content or "image"
                href = href or _safe_href(str(tok.attrGet("src") or ""), base_url)
            if text:
                spans.append(
                    Span(text, bool(bold), bool(italic), bool(strike), t == "code_inline", href)
                )
    return _merge(spans)


def _safe_href(href: str, base_url: str | None) -> str | None:
    href = href.strip()
    if href.lower().startswith(SAFE_SCHEMES):
        return href
    if base_url and href and not href.lower().startswith(("javascript:", "data:", "vbscript:")):
        return urljoin(base_url + "/", href.lstrip("/"))
    return None


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        if out and replace(out[-1], text="") == replace(span, text=""):
            out[-1] = out[-1].with_text(out[-1].text + span.text)
        else:
            out.append(span)
    return out


def heading(text: str) -> Block:
    return Block("heading", (Span(text, bold=True),))


def link_block(label: str, url: str) -> Block:
    return Block("para", (Span(label, href=url),))


def plain_block(text: str, *, italic: bool = False) -> Block:
    return Block("para", (Span(text, italic=italic),))


def first_paragraph(markdown: str) -> str | None:
    """The first paragraph of prose, its lines joined; headings, images and rules are skipped."""
    for block in re.split(r"\n\s*\n", markdown):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if lines and not _SKIPPED.match(lines[0]):
            return " ".join(lines)
    return None
