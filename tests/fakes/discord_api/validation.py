"""Discord's documented message limits: content, embeds, files, ``attachment://``
references, nonces, replies and webhook names, answered as ``Invalid Form Body`` errors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from .common import (
    MAX_CONTENT_LENGTH,
    MAX_EMBED_TOTAL,
    MAX_EMBEDS,
    MAX_FILES,
    MAX_NONCE_LENGTH,
    JsonObject,
    _ApiError,
    _FormErrors,
    _is_int_like,
    _parse_time,
)
from .components import check_allowed_mentions, check_components, check_flags
from .records import UploadedFile


class _PayloadValidation:
    """Checks of message create and edit bodies."""

    def _check_url(
        self,
        errors: _FormErrors,
        path: Sequence[str | int],
        value: Any,
        upload_names: set[str] | None,
    ) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")
            return
        errors.max_length(path, value, 2048)
        parts = urlsplit(value)
        if parts.scheme == "attachment":
            name = value[len("attachment://") :]
            if not name:
                errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")
            elif upload_names is not None and name not in upload_names:
                errors.add(
                    path,
                    "URL_TYPE_INVALID_URL",
                    f'Attachment "{name}" is not an attachment of this message.',
                )
        elif parts.scheme not in {"http", "https"}:
            errors.add(
                path,
                "URL_TYPE_INVALID_SCHEME",
                f'Scheme "{parts.scheme}" is not supported. Scheme must be one of '
                "('http', 'https').",
            )
        elif not parts.netloc:
            errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")

    def _check_text(
        self,
        errors: _FormErrors,
        path: Sequence[str | int],
        value: Any,
        limit: int,
        *,
        required: bool = False,
    ) -> int:
        if value is None or value == "":
            if required:
                errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return 0
        if not isinstance(value, str):
            errors.add(path, "BASE_TYPE_STRING", "Could not interpret value as string.")
            return 0
        errors.max_length(path, value, limit)
        return len(value)

    def _check_embed(
        self,
        errors: _FormErrors,
        path: tuple[str | int, ...],
        embed: JsonObject,
        upload_names: set[str],
    ) -> int:
        size = self._check_text(errors, (*path, "title"), embed.get("title"), 256)
        size += self._check_text(errors, (*path, "description"), embed.get("description"), 4096)
        self._check_url(errors, (*path, "url"), embed.get("url"), None)
        color = embed.get("color")
        if color is not None and (not isinstance(color, int) or isinstance(color, bool)):
            errors.add((*path, "color"), "NUMBER_TYPE_COERCE", "Value is not int.")
        elif isinstance(color, int) and not 0 <= color <= 0xFFFFFF:
            errors.add(
                (*path, "color"),
                "NUMBER_TYPE_MAX" if color > 0 else "NUMBER_TYPE_MIN",
                "int value should be less than or equal to 16777215.",
            )
        timestamp = embed.get("timestamp")
        if timestamp is not None and _parse_time(timestamp) is None:
            errors.add(
                (*path, "timestamp"), "DATE_TIME_TYPE_PARSE", "Could not parse the timestamp."
            )

        fields = embed.get("fields")
        if fields is not None:
            if not isinstance(fields, list):
                errors.add((*path, "fields"), "BASE_TYPE_LIST", "Must be an array.")
            else:
                errors.max_length((*path, "fields"), fields, 25)
                for index, item in enumerate(fields):
                    item_path = (*path, "fields", index)
                    if not isinstance(item, dict):
                        errors.add(item_path, "DICT_TYPE_CONVERT", "Only dictionaries may be used")
                        continue
                    size += self._check_text(
                        errors, (*item_path, "name"), item.get("name"), 256, required=True
                    )
                    size += self._check_text(
                        errors, (*item_path, "value"), item.get("value"), 1024, required=True
                    )

        footer = embed.get("footer")
        if isinstance(footer, dict):
            size += self._check_text(
                errors, (*path, "footer", "text"), footer.get("text"), 2048, required=True
            )
            self._check_url(
                errors, (*path, "footer", "icon_url"), footer.get("icon_url"), upload_names
            )
        author = embed.get("author")
        if isinstance(author, dict):
            size += self._check_text(
                errors, (*path, "author", "name"), author.get("name"), 256, required=True
            )
            self._check_url(errors, (*path, "author", "url"), author.get("url"), None)
            self._check_url(
                errors, (*path, "author", "icon_url"), author.get("icon_url"), upload_names
            )
        for key in ("image", "thumbnail"):
            media = embed.get(key)
            if isinstance(media, dict):
                if not media.get("url"):
                    errors.add((*path, key, "url"), "BASE_TYPE_REQUIRED", "This field is required")
                else:
                    self._check_url(errors, (*path, key, "url"), media["url"], upload_names)
        return size

    def _check_message_payload(
        self,
        payload: JsonObject,
        files: Sequence[UploadedFile],
        *,
        kept_names: Iterable[str] = (),
        webhook: bool = False,
        interactive: bool = True,
        creating: bool = True,
    ) -> None:
        """Validate a create/edit body; raise 413 or 400 like Discord does.

        `interactive=False`: a webhook not owned by an application, which may send link
        buttons only; `creating`: a new message (an edit may set fewer flags).
        """
        for upload in files:
            if len(upload.data) > self.max_file_size:
                raise _ApiError(413, "Request entity too large", 40005)

        errors = _FormErrors()
        content = payload.get("content")
        if content is not None and not isinstance(content, str):
            errors.add(("content",), "BASE_TYPE_STRING", "Could not interpret value as string.")
        else:
            errors.max_length(("content",), content, MAX_CONTENT_LENGTH)

        entries = payload.get("attachments")
        if entries is not None and not isinstance(entries, list):
            errors.add(("attachments",), "BASE_TYPE_LIST", "Must be an array.")
            entries = None
        if len(files) > MAX_FILES or (entries is not None and len(entries) > MAX_FILES):
            errors.add(
                ("attachments",), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_FILES} or fewer in length."
            )
        upload_names = set(kept_names)
        upload_names.update(name for _, name, _, _ in self._describe_uploads(files, entries))

        embeds = payload.get("embeds")
        if embeds is not None:
            if not isinstance(embeds, list):
                errors.add(("embeds",), "BASE_TYPE_LIST", "Must be an array.")
            else:
                errors.max_length(("embeds",), embeds, MAX_EMBEDS)
                total = 0
                for index, embed in enumerate(embeds):
                    if not isinstance(embed, dict):
                        errors.add(
                            ("embeds", index), "DICT_TYPE_CONVERT", "Only dictionaries may be used"
                        )
                        continue
                    total += self._check_embed(errors, ("embeds", index), embed, upload_names)
                if total > MAX_EMBED_TOTAL:
                    errors.add(
                        ("embeds",),
                        "MAX_EMBED_SIZE_EXCEEDED",
                        f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}",
                    )

        nonce = payload.get("nonce")
        if nonce is not None:
            if isinstance(nonce, str):
                errors.max_length(("nonce",), nonce, MAX_NONCE_LENGTH)
            elif not isinstance(nonce, int) or isinstance(nonce, bool) or abs(nonce) >= 2**63:
                errors.add(("nonce",), "BASE_TYPE_STRING", "Could not interpret value as nonce.")

        reference = payload.get("message_reference")
        if reference is not None and (
            not isinstance(reference, dict) or not _is_int_like(reference.get("message_id"))
        ):
            errors.add(
                ("message_reference", "message_id"), "BASE_TYPE_REQUIRED", "This field is required"
            )

        check_components(errors, payload.get("components"), interactive=interactive)
        check_allowed_mentions(errors, payload.get("allowed_mentions"))
        if creating:
            check_flags(errors, payload.get("flags"))
        if webhook:
            username = payload.get("username")
            if username is not None and (
                not isinstance(username, str) or not 1 <= len(username) <= 80
            ):
                errors.add(
                    ("username",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 80 in length."
                )
            self._check_url(errors, ("avatar_url",), payload.get("avatar_url"), None)
        errors.raise_if_any()

    @staticmethod
    def _describe_uploads(
        files: Sequence[UploadedFile], entries: Sequence[Any] | None
    ) -> list[tuple[UploadedFile, str, str | None, bool]]:
        """Pair each upload with its ``attachments`` entry.

        Returns ``(file, filename, description, spoiler)`` tuples in upload order.
        """
        by_index: dict[int, JsonObject] = {}
        for entry in entries or ():
            if isinstance(entry, dict) and _is_int_like(entry.get("id")):
                by_index[int(entry["id"])] = entry
        described: list[tuple[UploadedFile, str, str | None, bool]] = []
        for position, upload in enumerate(files):
            match = re.fullmatch(r"files\[([0-9]+)\]", upload.field)
            index = int(match.group(1)) if match else position
            entry = by_index.get(index, {})
            filename = entry.get("filename") or upload.filename
            spoiler = bool(entry.get("is_spoiler")) or filename.startswith("SPOILER_")
            if spoiler and not filename.startswith("SPOILER_"):
                filename = f"SPOILER_{filename}"
            described.append((upload, filename, entry.get("description"), spoiler))
        return described
