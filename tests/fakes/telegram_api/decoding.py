"""Reading a Bot API request: parameters from the query string and the body, form fields
decoded by their documented types, chat references and numbers in their loose forms."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final

from aiohttp import web

from .common import _INTEGER, _USERNAME, MAX_UPLOAD_BYTES, ApiError, JsonObject


@dataclass
class _Upload:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class _Request:
    method: str
    params: JsonObject
    files: dict[str, _Upload]
    connected: Callable[[], bool] = lambda: True  # the client still waits for the answer


Handler = Callable[[_Request], Awaitable[Any]]


_FALLBACK_FIELD_TYPES: Final[Mapping[str, tuple[str, ...]]] = {
    "chat_id": ("Integer", "String"),
    "text": ("String",),
    "caption": ("String",),
    "parse_mode": ("String",),
    "action": ("String",),
    "language_code": ("String",),
    "callback_query_id": ("String",),
    "file_id": ("String",),
    "url": ("String",),
    "inline_message_id": ("String",),
    "business_connection_id": ("String",),
    "message_effect_id": ("String",),
    "secret_token": ("String",),
    "ip_address": ("String",),
    "photo": ("InputFile", "String"),
    "document": ("InputFile", "String"),
    "thumbnail": ("InputFile", "String"),
}


def _loose_json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _decode_form_value(types: tuple[str, ...] | None, raw: str) -> Any:
    """Decode one form field the way the server reads it: by its documented type."""
    if types is None:
        return _loose_json(raw)
    if "String" in types or "InputFile" in types:
        return int(raw) if "Integer" in types and _INTEGER.fullmatch(raw) else raw
    if "Integer" in types:
        return int(raw) if _INTEGER.fullmatch(raw.strip()) else raw
    if "Float" in types:
        try:
            return float(raw)
        except ValueError:
            return raw
    if "Boolean" in types or "True" in types:
        return {"true": True, "1": True, "false": False, "0": False}.get(raw.strip().lower(), raw)
    return _loose_json(raw)


async def read_request(
    request: web.Request, fields: Mapping[str, tuple[str, ...]] | None
) -> tuple[JsonObject, dict[str, _Upload]]:
    """Parameters from the query string and a JSON, urlencoded or multipart body.

    ``fields`` gives the method's documented parameter types (``None`` without the spec).
    """
    raw: dict[str, str] = dict(request.query)
    typed: JsonObject = {}
    uploads: dict[str, _Upload] = {}
    if request.body_exists:
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError.bad_request("can't parse JSON encoded request body") from None
            if not isinstance(body, dict):
                raise ApiError.bad_request("JSON encoded request body must be an Object")
            typed.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                form = await request.post()
            except web.HTTPRequestEntityTooLarge:
                raise ApiError(
                    HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large"
                ) from None
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = _Upload(value.filename, value.content_type, value.file.read())
                elif isinstance(value, str):
                    raw[name] = value
                else:
                    raw[name] = bytes(value).decode("utf-8", "replace")
    params: JsonObject = {}
    for name, value in raw.items():
        types = fields.get(name) if fields is not None else _FALLBACK_FIELD_TYPES.get(name)
        params[name] = _decode_form_value(types, value)
    params.update(typed)
    if any(len(upload.data) > MAX_UPLOAD_BYTES for upload in uploads.values()):
        raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
    return params, uploads


def _chat_key(ref: Any) -> int | str | None:
    """A chat reference as an int id or a ``@username``; ``None`` if it is neither."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return ref
    if isinstance(ref, str):
        ref = ref.strip()
        if _INTEGER.fullmatch(ref):
            return int(ref)
        if _USERNAME.fullmatch(ref):
            return ref
    return None


def _as_int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    return default


def _as_number(value: Any, default: float = 0.0) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default
