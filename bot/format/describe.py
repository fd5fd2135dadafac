"""Requests described for people: the console's dry run, text previews, the admin answers."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from .model import Request

_TAG = re.compile(r"<[^>]+>")


def visible(text: str) -> str:
    """Telegram HTML as a reader sees it."""
    return html.unescape(_TAG.sub("", text))


def excerpt(text: str, size: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= size else line[: size - 1] + "…"


def summary(request: Request) -> str:
    """Everything the request shows, a line each (the dry run prints this)."""
    params: dict[str, Any] = request.params
    lines: list[str] = []
    if request.platform == "telegram":
        if "media" in params and isinstance(params["media"], list):
            lines.append(f"album of {len(params['media'])} photos")
            caption = params["media"][0].get("caption")
            if caption:
                lines.append(caption)
        for key in ("text", "caption"):
            if key in params:
                lines.append(str(params[key]))
        if "photo" in params:
            lines.insert(0, f"photo {params['photo']}")
        if "document" in params:
            lines.append(f"document {params['document']}")
        if "message_id" in params:
            lines.insert(0, f"message {params['message_id']}")
    else:
        for embed in params.get("embeds", []):
            for key in ("title", "url", "description"):
                if key in embed:
                    lines.append(str(embed[key]))
            if "image" in embed:
                lines.append(f"image {embed['image'].get('url')}")
        if params.get("content"):
            lines.append(str(params["content"]))
    if request.uploads:
        lines.append("files: " + ", ".join(u.filename for u in request.uploads))
    return "\n".join(lines) or json.dumps(params, ensure_ascii=False)


def one_line(request: Request) -> str:
    """What the request is, in one line (text previews)."""
    p = request.params
    if request.platform == "telegram":
        if request.method == "sendMediaGroup":
            caption = visible(p["media"][0].get("caption") or "")
            return f"album of {len(p['media'])} photos, caption of {len(caption)} characters"
        if request.method == "sendMessage":
            text = visible(p.get("text", ""))
            return f"text of {len(text)} characters: {excerpt(text)}"
        if request.method == "sendDocument":
            names = ", ".join(u.filename for u in request.uploads) or str(p.get("document"))
            return f"file {names}"
        caption = visible(p.get("caption") or "")
        kind = request.method.removeprefix("send").lower()
        return f"{kind} with a caption of {len(caption)} characters"
    parts: list[str] = []
    for embed in p.get("embeds", []):
        size = len(embed.get("description", ""))
        parts.append(f"embed «{excerpt(embed.get('title', ''), 50)}» ({size} characters)")
    if p.get("content"):
        parts.append(f"text {excerpt(p['content'])}")
    if request.uploads:
        names = ", ".join(u.filename for u in request.uploads)
        parts.append(f"{len(request.uploads)} file(s): {names}")
    return "; ".join(parts) or "empty message"


def first_html(requests: list[Request]) -> str | None:
    """The HTML of the first Telegram message with text (what a chat shows first)."""
    for request in requests:
        p = request.params
        if request.method == "sendMessage":
            return str(p["text"])
        if request.method == "sendMediaGroup" and p["media"][0].get("caption"):
            return str(p["media"][0]["caption"])
        if p.get("caption"):
            return str(p["caption"])
    return None
