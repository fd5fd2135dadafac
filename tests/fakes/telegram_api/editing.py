"""editMessageText, editMessageCaption, editMessageMedia, editMessageReplyMarkup and
deleteMessage, with the real server's edit rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, ApiError, JsonObject
from .decoding import _as_int, _Request
from .formatting import FormattedText
from .keyboards import check_inline_keyboard
from .models import FakeChat, SentMessage, _apply_media, _Media, _put_media


class _EditingMethods:
    """The methods that change or remove messages the bot sent."""

    def _editable(self, params: Mapping[str, Any]) -> tuple[FakeChat, SentMessage]:
        if params.get("inline_message_id"):
            raise ApiError.bad_request("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        message_id = params.get("message_id")
        if message_id in (None, ""):
            raise ApiError.bad_request("message identifier is not specified")
        key = (chat.id, _as_int(message_id))
        sent = self._sent_index.get(key)
        if sent is None or sent.deleted:
            if key in self._messages:
                raise ApiError.bad_request("message can't be edited")
            raise ApiError.bad_request("message to edit not found")
        return chat, sent

    @staticmethod
    def _markup(params: Mapping[str, Any]) -> JsonObject | None:
        """The inline keyboard after an edit: one left out of the request is removed."""
        markup = params.get("reply_markup")
        check_inline_keyboard(markup)
        return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None

    def _apply_edit(
        self,
        sent: SentMessage,
        *,
        text_key: str,
        formatted: FormattedText,
        raw: Any,
        parse_mode: Any,
        markup: JsonObject | None,
        media: _Media | None = None,
    ) -> JsonObject:
        message = sent.message
        entities_key = "entities" if text_key == "text" else "caption_entities"
        unchanged = (
            media is None
            and message.get(text_key, "") == formatted.text
            and message.get(entities_key, []) == formatted.entities
            and message.get("reply_markup") == markup
        )
        if unchanged:
            raise ApiError.bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        if media is not None:
            for key in ("photo", "video", "document", "audio"):
                message.pop(key, None)
            _put_media(message, media, formatted, {})
            _apply_media(sent, media)
        if formatted.text:
            message[text_key] = formatted.text
        else:
            message.pop(text_key, None)
        if formatted.entities:
            message[entities_key] = formatted.entities
        else:
            message.pop(entities_key, None)
        if markup is not None:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(self._wall_clock())
        sent.text = formatted.text
        sent.html = raw if isinstance(raw, str) else None
        sent.parse_mode = parse_mode if isinstance(parse_mode, str) else None
        sent.entities = formatted.entities
        sent.reply_markup = markup
        sent.edit_count += 1
        return message

    async def _edit_message_text(self, req: _Request) -> JsonObject:
        params = req.params
        _, sent = self._editable(params)
        if sent.kind != "text":
            raise ApiError.bad_request("there is no text in the message to edit")
        text = self._format(params.get("text"), params.get("parse_mode"), params.get("entities"))
        if not text.text:
            raise ApiError.bad_request("message text is empty")
        if text.length > MAX_TEXT_LENGTH:
            raise ApiError.bad_request("MESSAGE_TOO_LONG")
        return self._apply_edit(
            sent,
            text_key="text",
            formatted=text,
            raw=params.get("text"),
            parse_mode=params.get("parse_mode"),
            markup=self._markup(params),
        )

    async def _edit_message_caption(self, req: _Request) -> JsonObject:
        params = req.params
        _, sent = self._editable(params)
        if sent.kind == "text":
            raise ApiError.bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        return self._apply_edit(
            sent,
            text_key="caption",
            formatted=caption,
            raw=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            markup=self._markup(params),
        )

    async def _edit_message_media(self, req: _Request) -> JsonObject:
        params = req.params
        _, sent = self._editable(params)
        if sent.kind == "text":
            raise ApiError.bad_request("there is no media in the message to edit")
        item = params.get("media")
        if not isinstance(item, dict):
            raise ApiError.bad_request("can't parse InputMedia JSON object")
        kind = item.get("type")
        if kind not in ("photo", "video", "document", "audio"):
            raise ApiError.bad_request(f'can\'t parse InputMedia: unsupported type "{kind}"')
        if sent.media_group_id is not None and (kind in ("document", "audio")) != (
            sent.media_type in ("document", "audio")
        ):
            raise ApiError.bad_request("can't change media type of a message in an album")
        caption = self._format(
            item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
        )
        if caption.length > MAX_CAPTION_LENGTH:
            raise ApiError.bad_request("message caption is too long")
        ref = item.get("media")
        media = self._resolve_media(
            kind,
            ref,
            self._upload_for(req, "", ref) if ref else None,
            item,
            missing="can't parse InputMedia: media not found",
        )
        return self._apply_edit(
            sent,
            text_key="caption",
            formatted=caption,
            raw=item.get("caption"),
            parse_mode=item.get("parse_mode"),
            markup=self._markup(params),
            media=media,
        )

    async def _edit_message_reply_markup(self, req: _Request) -> JsonObject:
        params = req.params
        _, sent = self._editable(params)
        markup = self._markup(params)
        if sent.message.get("reply_markup") == markup:
            raise ApiError.bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        if markup is None:
            sent.message.pop("reply_markup", None)
        else:
            sent.message["reply_markup"] = markup
        sent.message["edit_date"] = int(self._wall_clock())
        sent.reply_markup = markup
        sent.edit_count += 1
        return sent.message

    async def _delete_message(self, req: _Request) -> bool:
        chat = self._target_chat(req.params)
        message_id = req.params.get("message_id")
        if message_id in (None, ""):
            raise ApiError.bad_request("message identifier is not specified")
        key = (chat.id, _as_int(message_id))
        if self._messages.pop(key, None) is None:
            raise ApiError.bad_request("message to delete not found")
        sent = self._sent_index.get(key)
        if sent is not None:
            sent.deleted = True
        if key[1] in self.pins.get(chat.id, []):  # a deleted message is no longer pinned
            self.pins[chat.id].remove(key[1])
        return True
