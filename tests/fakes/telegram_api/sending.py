"""sendMessage, sendPhoto, sendDocument, sendMediaGroup and sendChatAction."""

from __future__ import annotations

from .common import (
    CHAT_ACTIONS,
    MAX_ALBUM_ITEMS,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    MIN_ALBUM_ITEMS,
    ApiError,
    JsonObject,
    MediaType,
)
from .decoding import _Request
from .formatting import FormattedText
from .models import _Media, _put_media
from .rights import check_may_send


class _SendingMethods:
    """The methods that create messages."""

    async def _send_message(self, req: _Request) -> JsonObject:
        params = req.params
        chat = self._target_chat(params)
        check_may_send(chat, "text")
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_target(chat, params)
        text = self._format(params.get("text"), params.get("parse_mode"), params.get("entities"))
        if not text.text:
            raise ApiError.bad_request("message text is empty")
        if text.length > MAX_TEXT_LENGTH:
            raise ApiError.bad_request("message is too long")
        self._admit(chat, 1)
        message = self._new_message(chat, params, thread_id=thread_id, reply_to=reply_to)
        message["text"] = text.text
        if text.entities:
            message["entities"] = text.entities
        if isinstance(params.get("link_preview_options"), dict):
            message["link_preview_options"] = params["link_preview_options"]
        self._record(
            chat,
            message,
            kind="text",
            raw=params.get("text"),
            parse_mode=params.get("parse_mode"),
            formatted=text,
        )
        return message

    async def _send_photo(self, req: _Request) -> JsonObject:
        return self._send_single_media(req, "photo")

    async def _send_document(self, req: _Request) -> JsonObject:
        return self._send_single_media(req, "document")

    def _send_single_media(self, req: _Request, kind: MediaType) -> JsonObject:
        params = req.params
        chat = self._target_chat(params)
        check_may_send(chat, kind)
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_target(chat, params)
        caption = self._caption(params)
        ref = params.get(kind)
        media = self._resolve_media(
            kind,
            ref,
            self._upload_for(req, kind, ref),
            params,
            missing=f"there is no {kind} in the request",
        )
        self._admit(chat, 1)
        message = self._new_message(chat, params, thread_id=thread_id, reply_to=reply_to)
        _put_media(message, media, caption, params)
        self._record(
            chat,
            message,
            kind="photo" if kind == "photo" else "document",
            raw=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            formatted=caption,
            media=media,
        )
        return message

    async def _send_media_group(self, req: _Request) -> list[JsonObject]:
        params = req.params
        chat = self._target_chat(params)
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_target(chat, params)
        items = params.get("media")
        if items is None or items == "":
            raise ApiError.bad_request('parameter "media" is required')
        if not isinstance(items, list):
            raise ApiError.bad_request("can't parse media JSON object")
        if len(items) > MAX_ALBUM_ITEMS:
            raise ApiError.bad_request("too many messages to send as an album")
        if len(items) < MIN_ALBUM_ITEMS:
            raise ApiError.bad_request(
                "wrong number of messages to send as an album: must include 2-10 items"
            )
        kinds: list[MediaType] = []
        for item in items:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video", "document", "audio"):
                raise ApiError.bad_request(
                    f"can't parse InputMedia: media type \"{kind}\" can't be sent in an album"
                )
            kinds.append(kind)
        for kind in dict.fromkeys(kinds):
            check_may_send(chat, kind)
        if len(set(kinds)) > 1 and {"document", "audio"} & set(kinds):
            raise ApiError.bad_request(
                "documents and audio files can be only grouped in an album with messages of "
                "the same type"
            )
        prepared: list[tuple[JsonObject, FormattedText, _Media]] = []
        for item, kind in zip(items, kinds, strict=True):
            caption = self._format(
                item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
            )
            if caption.length > MAX_CAPTION_LENGTH:
                raise ApiError.bad_request("message caption is too long")
            ref = item.get("media")
            upload = self._upload_for(req, "", ref) if ref else None
            media = self._resolve_media(
                kind, ref, upload, item, missing="can't parse InputMedia: media not found"
            )
            prepared.append((item, caption, media))
        self._admit(chat, len(prepared))
        self._media_group_counter += 1
        group_id = str(13_900_000_000_000_000 + self._media_group_counter)
        messages: list[JsonObject] = []
        for item, caption, media in prepared:
            message = self._new_message(chat, params, thread_id=thread_id, reply_to=reply_to)
            message.pop("reply_markup", None)
            message["media_group_id"] = group_id
            _put_media(message, media, caption, item)
            self._record(
                chat,
                message,
                kind="media_group_item",
                raw=item.get("caption"),
                parse_mode=item.get("parse_mode"),
                formatted=caption,
                media=media,
            )
            messages.append(message)
        return messages

    async def _send_chat_action(self, req: _Request) -> bool:
        chat = self._target_chat(req.params)
        action = req.params.get("action")
        if action not in CHAT_ACTIONS:
            raise ApiError.bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, str(action)))
        return True
