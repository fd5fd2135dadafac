"""What a post says, in what order, and how blocks are packed into size-limited messages."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from ..domain import MAP_URL, Post
from .limits import Measure, cut_point
from .markdown import plain_block, to_blocks
from .model import Block, Span

Overhead = Callable[[Block], int]
MIN_FILL = 120  # don't split a paragraph just to fill fewer than this many units


@dataclass(frozen=True)
class FormatOptions:
    association: str
    site_url: str | None = None
    post_url_template: str = "{site_url}/posts/{slug}/"
    color: int = 0x1B4F9C
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Tokyo"))
    default_lang: str = "en"
    map_url: str = MAP_URL


def post_url(post: Post, opts: FormatOptions) -> str | None:
    """The post's page on the website; None for a post without one.

    A version in another language than the default is addressed with ``{lang}`` where the
    template has it, else with ``/<lang>`` after the site's address (``/km/posts/party/``).
    """
    if not opts.site_url or not post.page:
        return None
    template, lang = opts.post_url_template, post.lang or opts.default_lang
    head = "{site_url}"
    if lang != opts.default_lang and "{lang}" not in template and template.startswith(head):
        template = head + "/{lang}" + template.removeprefix(head)
    return template.format(site_url=opts.site_url, slug=post.shared_slug, lang=lang)


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def body_blocks(post: Post, opts: FormatOptions) -> list[Block]:
    """The abstract (unless the body already opens with it) followed by the body."""
    blocks = to_blocks(post.body, base_url=opts.site_url)
    if post.abstract and not _norm(post.body).startswith(_norm(post.abstract)[:200]):
        blocks.insert(0, plain_block(post.abstract, italic=True))
    return blocks


def tag_block(post: Post) -> Block | None:
    tags = [re.sub(r"[^\w]+", "_", t).strip("_") for t in post.tags]
    tags = [t for t in tags if t]
    return plain_block(" ".join(f"#{t}" for t in tags)) if tags else None


def slice_block(block: Block, start: int, end: int) -> Block:
    """The part of `block` between two offsets of its plain text; the prefix stays with the head."""
    spans: list[Span] = []
    pos = len(block.prefix)
    for span in block.spans:
        lo, hi = max(start, pos), min(end, pos + len(span.text))
        if lo < hi:
            spans.append(span.with_text(span.text[lo - pos : hi - pos]))
        pos += len(span.text)
    prefix = block.prefix if start == 0 else ""
    return replace(block, spans=tuple(spans), prefix=prefix)


def _trim(block: Block, *, head: bool) -> Block:
    spans = list(block.spans)
    if head and spans:
        spans[-1] = spans[-1].with_text(spans[-1].text.rstrip())
    if not head and spans and block.kind != "code":
        spans[0] = spans[0].with_text(spans[0].text.lstrip())
    return replace(block, spans=tuple(s for s in spans if s.text))


def split_block(
    block: Block, room: int, measure: Measure, overhead: Overhead, *, optional: bool = False
) -> tuple[Block | None, Block | None]:
    """Cut `block` so the head fits in `room`; the tail (if any) goes on.

    An `optional` split (only to fill spare room) happens at sentence bounds or not at all.
    """
    plain = block.plain
    budget = room - overhead(block)
    if budget < 1:
        raise ValueError("no room for text")
    cut = cut_point(plain, budget, measure, sentences_only=optional)
    if optional and cut <= len(block.prefix):
        return None, block
    cut = max(cut, min(len(block.prefix) + 1, len(plain)))
    if cut >= len(plain):
        return block, None
    head = _trim(slice_block(block, 0, cut), head=True)
    tail = _trim(slice_block(block, cut, len(plain)), head=False)
    return head, (tail if tail.plain.strip() else None)


def pack(
    blocks: Sequence[Block],
    first_limit: int,
    rest_limit: int,
    measure: Measure,
    overhead: Overhead,
    *,
    sep: int = 2,
    fill_first: bool = True,
) -> list[list[Block]]:
    """Greedy packing at block bounds; a block too large for the room is split at the best bound."""
    messages: list[list[Block]] = []
    current: list[Block] = []
    used, limit = 0, first_limit
    queue = deque(blocks)
    while queue:
        block = queue.popleft()
        gap = sep if current else 0
        size = measure(block.plain) + overhead(block)
        if used + gap + size <= limit:
            current.append(block)
            used += gap + size
            continue
        room = limit - used - gap
        optional = bool(current)
        fill = not current or (fill_first and not messages and room >= MIN_FILL)
        if fill and room - overhead(block) >= 1:
            head, tail = split_block(block, room, measure, overhead, optional=optional)
            if head is not None:
                current.append(head)
            if tail is not None:
                queue.appendleft(tail)
        else:
            queue.appendleft(block)
            if not current:  # formatting alone exceeds the limit: send the text unformatted
                queue.popleft()
                queue.appendleft(Block("para", (Span(block.plain),)))
                continue
        messages.append(current)
        current, used, limit = [], 0, rest_limit
    if current:
        messages.append(current)
    return messages
