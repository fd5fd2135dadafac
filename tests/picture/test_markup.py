"""Telegram HTML and Discord markdown as the apps show them (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.deliver.picture.dcmarkdown import Clock, markdown, relative
from bot.deliver.picture.tghtml import telegram_html

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
CLOCK = Clock(TOKYO, NOW)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("<b>b</b><strong>s</strong>", '<span class="tg-b">b</span><span class="tg-b">s</span>'),
        ("<i>i</i><em>e</em>", '<span class="tg-i">i</span><span class="tg-i">e</span>'),
        ("<u>u</u><ins>n</ins>", '<span class="tg-u">u</span><span class="tg-u">n</span>'),
        (
            "<s>a</s><strike>b</strike><del>c</del>",
            '<span class="tg-s">a</span>' * 1
            + '<span class="tg-s">b</span><span class="tg-s">c</span>',
        ),
        ("<tg-spoiler>x</tg-spoiler>", '<span class="tg-spoiler">x</span>'),
        ('<a href="https://x.org/?a=1&amp;b=2">x</a>', '<span class="tg-link">x</span>'),
        ("<code>a &lt; b</code>", '<span class="tg-code">a &lt; b</span>'),
        (
            "<blockquote expandable>q</blockquote>",
            '<span class="tg-quote tg-quote-expandable">q</span>',
        ),
        ("&lt;&gt;&amp;&quot;&#39;&#x41;", "&lt;&gt;&amp;&#34;&#39;A"),
        (
            "<b>open <i>inner</b> after",
            '<span class="tg-b">open <span class="tg-i">inner</span></span> after',
        ),
        ("<b>never closed", '<span class="tg-b">never closed</span>'),
        ("</i>stray", "stray"),
        ("<unknown>text</unknown><br/>", "text"),
        ("ខ្មែរ 日本語 🎉", "ខ្មែរ 日本語 🎉"),
    ],
)
def test_telegram_html(source: str, shown: str) -> None:
    assert str(telegram_html(source)) == shown


def test_a_code_block_names_its_language() -> None:
    html = str(telegram_html('<pre><code class="language-python">x = "<"</code></pre>'))
    assert html == (
        '<span class="tg-pre"><span class="tg-pre-code"><span class="tg-pre-lang">python</span>'
        "x = &#34;&lt;&#34;</span></span>"
    )


def sp(css: str, inner: str) -> str:
    return f'<span class="{css}">{inner}</span>'


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("**b** __u__ ~~s~~", f"{sp('dc-b', 'b')} {sp('dc-u', 'u')} {sp('dc-s', 's')}"),
        ("||sp|| ***bi***", f"{sp('dc-spoiler', 'sp')} {sp('dc-b dc-i', 'bi')}"),
        ("*i* _j_", f"{sp('dc-i', 'i')} {sp('dc-i', 'j')}"),
        ("snake_case_name and 2*3*4", f"snake_case_name and 2{sp('dc-i', '3')}4"),
        ("\\*not\\* \\_this\\_ \\# C:\\Users", "*not* _this_ # C:\\Users"),
        ("`**raw**` ``a`b``", f"{sp('dc-code', '**raw**')} {sp('dc-code', 'a`b')}"),
        ("[**site**](<https://x.org/a_(b)>)", sp("dc-link", sp("dc-b", "site"))),
        (
            "see https://x.org/a. or <https://y.org>",
            f"see {sp('dc-link', 'https://x.org/a')}. or {sp('dc-link', 'https://y.org')}",
        ),
        (
            "<@123> <#456> <@&789>",
            " ".join(sp("dc-mention", m) for m in ("@unknown-user", "#unknown", "@unknown-role")),
        ),
        ("<b>no html</b> & co", "&lt;b&gt;no html&lt;/b&gt; &amp; co"),
    ],
)
def test_discord_inline_markdown(source: str, shown: str) -> None:
    html = str(markdown(source, CLOCK))
    assert html == f'<span class="dc-line">{shown}</span>'


def test_discord_blocks() -> None:
    source = (
        "# Big\n## Mid\n-# small print\n> one\n> two\nplain\n- a\n  - nested\n"
        "1. first\n12\\. not a list"
    )
    html = str(markdown(source, CLOCK))
    assert html == (
        '<span class="dc-h1">Big</span><span class="dc-h2">Mid</span>'
        '<span class="dc-subtext">small print</span><span class="dc-quote">one<br>two</span>'
        '<span class="dc-line">plain</span><span class="dc-li dc-depth0">a</span>'
        '<span class="dc-li dc-depth1">nested</span>'
        '<span class="dc-oli" data-n="1.">first</span><span class="dc-line">12. not a list</span>'
    )


def test_discord_code_fence_and_rest_quote() -> None:
    html = str(markdown("```py\nif a < b:\n    **no**\n```\n>>> all\nof this", CLOCK))
    assert html == (
        '<span class="dc-codeblock">if a &lt; b:\n    **no**</span>'
        '<span class="dc-quote">all<br>of this</span>'
    )


def test_discord_timestamps() -> None:
    moment = int(datetime(2026, 12, 5, 18, 0, tzinfo=TOKYO).timestamp())
    styles = {
        "t": "6:00 PM",
        "T": "6:00:00 PM",
        "d": "12/05/2026",
        "D": "December 5, 2026",
        "f": "December 5, 2026 6:00 PM",
        "F": "Saturday, December 5, 2026 6:00 PM",
        "R": "in 4 days",
    }
    for style, shown in styles.items():
        html = str(markdown(f"<t:{moment}:{style}>", CLOCK))
        assert f'<span class="dc-stamp">{shown}</span>' in html, style
    assert "December 5, 2026 6:00 PM" in str(markdown(f"<t:{moment}>", CLOCK))
    assert "&lt;t:99999999999999:F&gt;" in str(markdown("<t:99999999999999:F>", CLOCK))


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(seconds=10), "in a few seconds"),
        (timedelta(seconds=-60), "a minute ago"),
        (timedelta(minutes=30), "in 30 minutes"),
        (timedelta(hours=1), "in an hour"),
        (timedelta(hours=-5), "5 hours ago"),
        (timedelta(hours=30), "in a day"),
        (timedelta(days=7), "in 7 days"),
        (timedelta(days=-40), "a month ago"),
        (timedelta(days=100), "in 3 months"),
        (timedelta(days=400), "in a year"),
        (timedelta(days=-365 * 3), "3 years ago"),
    ],
)
def test_relative_times(delta: timedelta, words: str) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert relative(now + delta, now) == words
