"""Requests ↔ JSON, for the outbox rows that carry them across restarts."""

from __future__ import annotations

from typing import Any

from .model import Request, Upload


def request_from_json(data: dict[str, Any]) -> Request:
    return Request(
        platform=data["platform"],
        method=data["method"],
        params=dict(data.get("params", {})),
        path=data.get("path", ""),
        uploads=tuple(Upload(f["field"], f["filename"], f["path"]) for f in data.get("files", [])),
        purpose=data.get("purpose", "post"),
        reply_to_step=data.get("reply_to_step"),
    )


def request_to_json(request: Request) -> dict[str, Any]:
    out = request.to_json()
    out["purpose"] = request.purpose
    if request.reply_to_step is not None:
        out["reply_to_step"] = request.reply_to_step
    return out
