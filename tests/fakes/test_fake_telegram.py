"""The Telegram fake, driven by an unmodified python-telegram-bot over real HTTP: sending
text and media, chats and edits."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.error import BadRequest, Forbidden

from .telegram_api import ApiSpec, FakeTelegram, ManualClock, parse_html, utf16_len
from .telegram_support import GROUP_ID, USER_ID, jpeg, png

# -- sending text ---------------------------------------------------------------------------


async def test_send_text_returns_a_full_message_and_records_visible_text(
    tg: FakeTelegram, bot: Bot, spec: ApiSpec
) -> None:
    html = "  <b>Spring gala</b> &amp; <a href='https://example.org'>tickets</a> #gala \n"

    message = await bot.send_message(USER_ID, html, parse_mode="HTML")

    assert message.message_id == 1
    assert message.chat.id == USER_ID and message.chat.type == "private"
    assert message.from_user is not None and message.from_user.id == bot.id
    assert message.text == "Spring gala & tickets #gala"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 11),
        ("text_link", 14, 7),
        ("hashtag", 22, 5),
    ]
    assert message.entities[1].url == "https://example.org/"
    [sent] = tg.messages_in(USER_ID)
    assert (sent.kind, sent.text, sent.html) == ("text", message.text, html)
    call = tg.calls_to("sendMessage")[0]
    assert call.params == {"chat_id": USER_ID, "text": html, "parse_mode": "HTML"}
    assert call.chat_id == USER_ID and not call.unknown_params
    assert spec.result_problems("sendMessage", call.result) == []
    assert spec.result_problems("getMe", tg.calls_to("getMe")[0].result) == []


async def test_message_ids_increase_per_chat(
    tg: FakeTelegram, bot: Bot, clock: ManualClock
) -> None:
    first = await bot.send_message(USER_ID, "one")
    other = await bot.send_message(GROUP_ID, "elsewhere")
    clock.advance(1)
    second = await bot.send_message(USER_ID, "two")

    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert [m.text for m in tg.messages_in(USER_ID)] == ["one", "two"]
    assert other.chat.type == "supergroup"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<div>hi</div>", 'unsupported start tag "div" at byte offset 0'),
        ("ça <br> va", 'unsupported start tag "br" at byte offset 4'),
        ("<b>bold", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "unexpected end tag at byte offset 1"),
        ("1 < 2", 'unsupported start tag "" at byte offset 2'),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("a&nbsp;b", 'unsupported html entity "&nbsp;" at byte offset 1'),
        ("<a>link</a>", 'tag "a" must have attribute "href" at byte offset 0'),
        ("<a href=https://x.org>x</a>", "unexpected end of name token at byte offset 8"),
    ],
)
async def test_html_errors_raise_bad_request(
    tg: FakeTelegram, bot: Bot, html: str, reason: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(USER_ID, html, parse_mode="HTML")

    assert caught.value.message.lower() == f"can't parse entities: {reason}"
    assert tg.sent == []
    assert tg.calls[-1].status == 400
    description = tg.calls[-1].description or ""
    assert description.startswith("Bad Request: can't parse entities: ")
    assert description.lower() == f"bad request: can't parse entities: {reason}"


def test_html_parser_accepts_every_documented_form() -> None:
    text, entities = parse_html(
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span><tg-spoiler>t</tg-spoiler>'
        '<a href="https://e.org/x?a=1&amp;b=2">a</a><tg-emoji emoji-id="5368324170671202286">👍'
        '</tg-emoji><code>c</code><pre><code class="language-python">x = 1</code></pre>'
        "<blockquote>q</blockquote><blockquote expandable>w</blockquote>&lt;&gt;&quot;&#65;&#x42;"
    )
    assert text == 'bsieunskdpta👍cx = 1qw<>"AB'
    kinds = [entity["type"] for entity in entities]
    assert kinds == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "text_link",
        "custom_emoji",
        "code",
        "pre",
        "blockquote",
        "expandable_blockquote",
    ]
    assert entities[11]["url"] == "https://e.org/x?a=1&b=2"
    assert entities[12]["length"] == 2
    assert entities[14]["language"] == "python"


def test_lenient_html_keeps_unknown_references_and_drops_bare_links() -> None:
    assert parse_html("a&nbsp;b &copy <a>not a link</a>") == ("a&nbsp;b &copy not a link", [])
    assert parse_html("<a>example.org</a>") == (
        "example.org",
        [{"type": "text_link", "offset": 0, "length": 11, "url": "http://example.org/"}],
    )


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.text())
def test_escaped_text_always_parses_back_to_itself(text: str) -> None:
    assert parse_html(html.escape(text), strict=True) == (text, [])


async def test_text_length_is_counted_in_utf16_after_entity_parsing(
    tg: FakeTelegram, bot: Bot
) -> None:
    at_limit = "<b>" + "😀" * 2048 + "</b>"
    assert utf16_len("😀" * 2048) == 4096

    message = await bot.send_message(USER_ID, at_limit, parse_mode="HTML")
    assert message.text == "😀" * 2048

    for too_long in ("a" * 4097, "<i>" + "😀" * 2048 + "!</i>"):
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(GROUP_ID, too_long, parse_mode="HTML")
    for empty in (" \n\t ", "<b> </b>"):
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(GROUP_ID, empty, parse_mode="HTML")
    assert len(tg.sent) == 1


# -- media ----------------------------------------------------------------------------------


async def test_album_of_two_photos_with_caption_on_first_item(
    tg: FakeTelegram, bot: Bot, spec: ApiSpec
) -> None:
    first, second = jpeg(640, 480), jpeg(300, 400)

    messages = await bot.send_media_group(
        GROUP_ID,
        [
            InputMediaPhoto(first, caption="<b>Spring gala</b> photos", parse_mode="HTML"),
            InputMediaPhoto(second),
        ],
    )

    assert [m.message_id for m in messages] == [1, 2]
    assert messages[0].media_group_id is not None
    assert messages[0].media_group_id == messages[1].media_group_id
    assert messages[0].caption == "Spring gala photos" and messages[1].caption is None
    assert (messages[0].photo[-1].width, messages[0].photo[-1].height) == (640, 480)
    assert messages[0].photo[0].width == 90
    sent = tg.messages_in(GROUP_ID)
    assert [(s.kind, s.media_type) for s in sent] == [("media_group_item", "photo")] * 2
    assert [s.photo_size for s in sent] == [len(first), len(second)]
    assert [(s.width, s.height) for s in sent] == [(640, 480), (300, 400)]
    assert sent[0].html == "<b>Spring gala</b> photos"
    call = tg.calls_to("sendMediaGroup")[0]
    assert sorted(call.files.values(), key=len) == sorted([first, second], key=len)
    assert all(item["media"].startswith("attach://") for item in call.params["media"])
    assert spec.result_problems("sendMediaGroup", call.result) == []


async def test_media_group_of_eleven_items_is_rejected(tg: FakeTelegram, bot: Bot) -> None:
    photo = jpeg()
    with pytest.raises(BadRequest, match="Too many messages to send as an album"):
        await bot.send_media_group(USER_ID, [InputMediaPhoto(photo) for _ in range(11)])
    assert tg.sent == []


async def test_caption_is_limited_to_1024_characters(
    tg: FakeTelegram, bot: Bot, clock: ManualClock
) -> None:
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(USER_ID, jpeg(), caption="x" * 1025)

    message = await bot.send_photo(USER_ID, jpeg(), caption="x" * 1024)
    assert message.caption == "x" * 1024
    assert [s.kind for s in tg.sent] == ["photo"]


BAD_PHOTOS = {
    "ratio over 20": (lambda: png(2100, 100), "Photo_invalid_dimensions"),
    "width plus height over 10000": (lambda: png(9000, 1001), "Photo_invalid_dimensions"),
    "not an image": (lambda: b"GIF89a but not really", "Image_process_failed"),
    "over 10 MB": (lambda: b"\xff" * (10 * 1024 * 1024 + 1), "Photo_save_file_invalid"),
}


@pytest.mark.parametrize("case", list(BAD_PHOTOS))
async def test_photos_are_checked_for_size_and_dimensions(
    tg: FakeTelegram, bot: Bot, case: str
) -> None:
    make, reason = BAD_PHOTOS[case]
    with pytest.raises(BadRequest, match=reason):
        await bot.send_photo(USER_ID, make())
    assert tg.sent == []


async def test_photo_by_url_or_file_id_and_document_download(
    tg: FakeTelegram, bot: Bot, clock: ManualClock
) -> None:
    uploaded = await bot.send_photo(USER_ID, jpeg(800, 600))
    clock.advance(1)
    again = await bot.send_photo(USER_ID, uploaded.photo[-1].file_id)
    clock.advance(1)
    by_url = await bot.send_photo(USER_ID, "https://example.org/poster.jpg")
    clock.advance(1)
    document = await bot.send_document(USER_ID, b"name,year\nAnh,2026\n", filename="roster.csv")

    assert again.photo[-1].file_unique_id == uploaded.photo[-1].file_unique_id
    assert tg.messages_in(USER_ID)[2].media_url == "https://example.org/poster.jpg"
    assert by_url.photo
    assert document.document is not None and document.document.file_name == "roster.csv"
    file = await bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"name,year\nAnh,2026\n"
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_photo(GROUP_ID, "AgACAgIAAxkBAAIunknown")


# -- chats ----------------------------------------------------------------------------------


async def test_unknown_chats_are_not_found_when_chats_are_restricted() -> None:
    async with (
        FakeTelegram(known_chats={USER_ID, "@assoc_news"}) as tg,
        Bot(tg.token, base_url=tg.base_url) as bot,
    ):
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(USER_ID + 1, "hello?")
        news = await bot.send_message("@assoc_news", "Welcome week starts Monday")

        assert news.chat.type == "channel" and news.chat.id < -1_000_000_000_000
        assert news.chat.username == "assoc_news"
        assert [m.text for m in tg.messages_in("@assoc_news")] == ["Welcome week starts Monday"]


async def test_a_kicked_bot_is_forbidden(tg: FakeTelegram, bot: Bot) -> None:
    tg.kick_bot(GROUP_ID)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(GROUP_ID, "still there?")


async def test_get_chat_and_its_administrators(tg: FakeTelegram, bot: Bot, spec: ApiSpec) -> None:
    tg.register_chat(
        GROUP_ID, type="supergroup", title="Student Association", owner_id=1, admin_ids=[2]
    )

    chat = await bot.get_chat(GROUP_ID)
    admins = await bot.get_chat_administrators(GROUP_ID)

    assert (chat.title, chat.type) == ("Student Association", "supergroup")
    assert [(a.status, a.user.id) for a in admins] == [
        ("creator", 1),
        ("administrator", 2),
        ("administrator", bot.id),
    ]
    assert spec.result_problems("getChat", tg.calls_to("getChat")[0].result) == []
    administrators = tg.calls_to("getChatAdministrators")[0].result
    assert spec.result_problems("getChatAdministrators", administrators) == []


# -- edits ----------------------------------------------------------------------------------


async def test_edit_rules(tg: FakeTelegram, bot: Bot, clock: ManualClock) -> None:
    message = await bot.send_message(USER_ID, "<b>Draft</b>", parse_mode="HTML")

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("<b>Draft</b>", USER_ID, message.message_id, parse_mode="HTML")
    edited = await bot.edit_message_text("Final", USER_ID, message.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("Ghost", USER_ID, 999)
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await bot.edit_message_caption(USER_ID, message.message_id, caption="x")

    assert not isinstance(edited, bool) and edited.edit_date is not None
    [sent] = tg.messages_in(USER_ID)
    assert (sent.text, sent.entities, sent.edit_count) == ("Final", [], 1)
    assert await bot.delete_message(USER_ID, message.message_id) is True
    assert tg.messages_in(USER_ID) == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER_ID, message.message_id)


async def test_inline_keyboard_callback_and_media_edit(tg: FakeTelegram, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Publish", callback_data="publish:7")]])
    preview = await bot.send_photo(USER_ID, jpeg(), caption="Preview", reply_markup=keyboard)
    await bot.send_chat_action(USER_ID, "upload_photo")
    tg.push_update(
        tg.make_callback_update(data="publish:7", user_id=USER_ID, message=preview.to_dict())
    )

    [update] = await bot.get_updates(timeout=0)
    assert update.callback_query is not None and update.callback_query.data == "publish:7"
    assert await update.callback_query.answer("Published") is True
    with pytest.raises(BadRequest, match="Query is too old"):
        await update.callback_query.answer("twice")
    edited = await bot.edit_message_media(
        InputMediaPhoto(jpeg(320, 160), caption="Published"), USER_ID, preview.message_id
    )

    assert not isinstance(edited, bool) and edited.caption == "Published"
    assert edited.reply_markup is None
    [sent] = tg.messages_in(USER_ID)
    assert (sent.text, sent.width, sent.height, sent.edit_count) == ("Published", 320, 160, 1)
    assert tg.chat_actions == [(USER_ID, "upload_photo")]
    assert tg.answered_callbacks[0]["text"] == "Published"
