"""Telegram's HTML parse mode → safe HTML for the picture, as the Telegram apps show it.

Only the tags Telegram accepts are re-emitted (as classed `<span>`s, so nothing in the picture
can link or load anything); every other tag is dropped with its text kept, and all text is
escaped again. Entities: Telegram knows `&lt; &gt; &amp; &quot;` and numeric references only;
anything else stays literal text, as Telegram would refuse to read it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from markupsafe import Markup, escape

# Telegram tag → the class of the span that draws it
_TAGS = {
    "b": "tg-b",
    "strong": "tg-b",
    "i": "tg-i",
    "em": "tg-i",
    "u": "tg-u",
    "ins": "tg-u",
    "s": "tg-s",
    "strike": "tg-s",
    "del": "tg-s",
    "tg-spoiler": "tg-spoiler",
    "a": "tg-link",
    "code": "tg-code",
    "pre": "tg-pre",
    "blockquote": "tg-quote",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_CODE_LANG = re.compile(r"language-([\w+#-]{1,32})")


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.stack: list[str] = []  # open Telegram tags, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "span":
            if "tg-spoiler" not in (values.get("class") or "").split():
                return
            tag = "tg-spoiler"
        if tag not in _TAGS:
            return
        css = _TAGS[tag]
        if tag == "blockquote" and "expandable" in values:
            css += " tg-quote-expandable"
        extra = ""
        if tag == "code" and self.stack and self.stack[-1] == "pre":
            css = "tg-pre-code"
            lang = _CODE_LANG.search(values.get("class") or "")
            if lang:
                extra = f'<span class="tg-pre-lang">{escape(lang.group(1))}</span>'
        self.stack.append(tag)
        self.out.append(f'<span class="{css}">{extra}')

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and "tg-spoiler" in self.stack:
            tag = "tg-spoiler"
        if tag not in self.stack:
            return
        while self.stack:  # close what was left open inside, as a lenient parser would
            self.out.append("</span>")
            if self.stack.pop() == tag:
                break

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return None  # <br/>, <img/>…: not Telegram HTML

    def handle_data(self, data: str) -> None:
        self.out.append(str(escape(data)))

    def handle_entityref(self, name: str) -> None:
        self.out.append(str(escape(_NAMED.get(name, f"&{name};"))))

    def handle_charref(self, name: str) -> None:
        self.out.append(str(escape(html.unescape(f"&#{name};"))))

    def unknown_decl(self, data: str) -> None:
        return None

    def handle_comment(self, data: str) -> None:
        return None

    def handle_pi(self, data: str) -> None:
        return None

    def finish(self) -> str:
        self.close()
        self.out.extend("</span>" for _ in self.stack)
        self.stack.clear()
        return "".join(self.out)


def telegram_html(text: str) -> Markup:
    """The text of a Telegram `text` or `caption` in HTML parse mode, as safe markup."""
    parser = _Sanitiser()
    parser.feed(text)
    return Markup(parser.finish())  # escaped text and fixed tags only


def telegram_plain(text: str) -> Markup:
    """A text without parse mode: shown exactly as written."""
    return escape(text)
