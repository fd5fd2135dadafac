"""Files: uploads and their checks, the sizes Telegram makes of a photo, media by URL or by
file id, and the attachments of a request."""

from __future__ import annotations

import hashlib
import io
import mimetypes
import warnings
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from .common import (
    FILE_FOLDERS,
    FILE_ID_PREFIXES,
    MAX_PHOTO_ASPECT_RATIO,
    MAX_PHOTO_BYTES,
    MAX_PHOTO_DIMENSION_SUM,
    MAX_UPLOAD_BYTES,
    PHOTO_SIZE_STEPS,
    URL_PHOTO_SIZE,
    ApiError,
    JsonObject,
    MediaType,
)
from .decoding import _as_int, _Request, _Upload
from .models import _Media, _StoredFile


def _image_size(data: bytes) -> tuple[int, int] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                return image.size
        except Image.DecompressionBombError:
            return (MAX_PHOTO_DIMENSION_SUM, MAX_PHOTO_DIMENSION_SUM)
        except (UnidentifiedImageError, OSError, ValueError):
            return None


class _MediaStore:
    """The files :class:`FakeTelegram` keeps, by file id and by download path."""

    def _new_file_id(self, kind: MediaType, key: bytes) -> tuple[str, str]:
        self._file_counter += 1
        digest = hashlib.sha256(key).hexdigest()
        file_id = f"{FILE_ID_PREFIXES[kind]}{self._file_counter:06d}{digest[:24]}"
        return file_id, f"AQAD{digest[:12]}"

    def _register_file(self, stored: _StoredFile) -> None:
        self._files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored

    def _file_path(self, kind: MediaType, file_name: str | None, default_ext: str) -> str:
        ext = Path(file_name).suffix if file_name and Path(file_name).suffix else default_ext
        return f"{FILE_FOLDERS[kind]}/file_{self._file_counter}{ext}"

    def _store_upload(self, kind: MediaType, upload: _Upload, item: Mapping[str, Any]) -> _Media:
        data = upload.data
        if len(data) > MAX_UPLOAD_BYTES:
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
        if not data:
            raise ApiError.bad_request("file must be non-empty")
        if kind == "photo":
            return self._store_photo(data)
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename or "")[0] or mime
        file_id, unique_id = self._new_file_id(kind, data)
        payload: JsonObject = {"file_id": file_id, "file_unique_id": unique_id}
        if kind == "video":
            payload["width"] = _as_int(item.get("width"), 0)
            payload["height"] = _as_int(item.get("height"), 0)
        if kind in ("video", "audio"):
            payload["duration"] = _as_int(item.get("duration"), 0)
        if upload.filename:
            payload["file_name"] = upload.filename
        if mime:
            payload["mime_type"] = mime
        payload["file_size"] = len(data)
        stored = _StoredFile(
            file_id=file_id,
            file_unique_id=unique_id,
            kind=kind,
            data=data,
            file_size=len(data),
            file_path=self._file_path(kind, upload.filename, ".bin"),
            file_name=upload.filename,
            mime_type=mime,
            payload=payload,
        )
        self._register_file(stored)
        return _Media(kind, payload, file_id, len(data), file_name=upload.filename)

    def _store_photo(self, data: bytes) -> _Media:
        if len(data) > MAX_PHOTO_BYTES:
            raise ApiError.bad_request("PHOTO_SAVE_FILE_INVALID")
        size = _image_size(data)
        if size is None:
            raise ApiError.bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if (
            width <= 0
            or height <= 0
            or width + height > MAX_PHOTO_DIMENSION_SUM
            or max(width, height) > MAX_PHOTO_ASPECT_RATIO * min(width, height)
        ):
            raise ApiError.bad_request("PHOTO_INVALID_DIMENSIONS")
        sizes = self._photo_sizes(data, width, height)
        largest = sizes[-1]
        return _Media("photo", sizes, largest["file_id"], len(data), width=width, height=height)

    def _photo_sizes(self, data: bytes | None, width: int, height: int) -> list[JsonObject]:
        """The PhotoSize variants Telegram makes of a photo, smallest first."""
        longest = max(width, height)
        dims: list[tuple[int, int]] = []
        for step in PHOTO_SIZE_STEPS:
            scale = min(1.0, step / longest)
            variant = (max(1, round(width * scale)), max(1, round(height * scale)))
            if not dims or variant != dims[-1]:
                dims.append(variant)
            if scale >= 1.0:
                break
        sizes: list[JsonObject] = []
        stored_files: list[_StoredFile] = []
        for index, (w, h) in enumerate(dims):
            key = (data or b"") + f"{w}x{h}:{index}".encode()
            file_id, unique_id = self._new_file_id("photo", key)
            photo: JsonObject = {
                "file_id": file_id,
                "file_unique_id": unique_id,
                "width": w,
                "height": h,
            }
            if data is not None:
                photo["file_size"] = max(1, round(len(data) * (w * h) / (width * height)))
            sizes.append(photo)
            stored_files.append(
                _StoredFile(
                    file_id=file_id,
                    file_unique_id=unique_id,
                    kind="photo",
                    data=data,
                    file_size=photo.get("file_size"),
                    file_path=self._file_path("photo", None, ".jpg"),
                    width=w,
                    height=h,
                    mime_type="image/jpeg",
                    payload=sizes,
                )
            )
        for stored in stored_files:
            self._register_file(stored)
        return sizes

    def _media_from_url(self, kind: MediaType, url: str, item: Mapping[str, Any]) -> _Media:
        if kind == "photo":
            width, height = URL_PHOTO_SIZE
            sizes = self._photo_sizes(None, width, height)
            return _Media("photo", sizes, sizes[-1]["file_id"], width=width, height=height, url=url)
        file_name = Path(urlsplit(url).path).name or None
        file_id, unique_id = self._new_file_id(kind, url.encode())
        payload: JsonObject = {"file_id": file_id, "file_unique_id": unique_id}
        if kind == "video":
            payload.update(
                width=_as_int(item.get("width"), 0), height=_as_int(item.get("height"), 0)
            )
        if kind in ("video", "audio"):
            payload["duration"] = _as_int(item.get("duration"), 0)
        if file_name:
            payload["file_name"] = file_name
            mime = mimetypes.guess_type(file_name)[0]
            if mime:
                payload["mime_type"] = mime
        self._register_file(
            _StoredFile(
                file_id=file_id,
                file_unique_id=unique_id,
                kind=kind,
                data=None,
                file_size=None,
                file_path=self._file_path(kind, file_name, ".bin"),
                file_name=file_name,
                payload=payload,
            )
        )
        return _Media(kind, payload, file_id, file_name=file_name, url=url)

    def _media_from_file_id(self, kind: MediaType, file_id: str) -> _Media:
        stored = self._files.get(file_id)
        if stored is None:
            raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise ApiError.bad_request("type of file mismatch")
        if kind == "photo":
            sizes: list[JsonObject] = stored.payload
            largest = sizes[-1]
            return _Media(
                kind,
                sizes,
                largest["file_id"],
                largest.get("file_size"),
                width=largest["width"],
                height=largest["height"],
            )
        return _Media(
            kind, stored.payload, stored.file_id, stored.file_size, file_name=stored.file_name
        )

    def _resolve_media(
        self,
        kind: MediaType,
        ref: Any,
        upload: _Upload | None,
        item: Mapping[str, Any],
        *,
        missing: str,
    ) -> _Media:
        if upload is not None:
            return self._store_upload(kind, upload, item)
        if not isinstance(ref, str) or not ref or ref.startswith("attach://"):
            raise ApiError.bad_request(missing)
        if ref.startswith(("http://", "https://")):
            return self._media_from_url(kind, ref, item)
        return self._media_from_file_id(kind, ref)

    @staticmethod
    def _upload_for(req: _Request, field_name: str, ref: Any) -> _Upload | None:
        if isinstance(ref, str) and ref.startswith("attach://"):
            return req.files.get(ref.removeprefix("attach://"))
        if ref is None or ref == "":
            return req.files.get(field_name)
        return None
