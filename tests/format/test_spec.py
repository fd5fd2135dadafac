"""Produced requests checked against the platforms' own machine-readable specs.

The specs live outside the repository (`../shared/specs/`, or the folder named by SHARED_SPECS);
without them these tests are skipped, saying so.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from bot.domain import Channel, Media, Post
from bot.format.discord import render_discord
from bot.format.model import Request
from bot.format.telegram import render_telegram
from bot.ingest.parse import ParseContext, parse_post

from .support import DC, HOOK, OPTS, REPO, STATIC, TG, TOKYO, local_media, make_post, media_for

SPECS = Path(
    os.environ.get("SHARED_SPECS") or Path(__file__).resolve().parents[3] / "shared" / "specs"
)
TELEGRAM_SPEC = SPECS / "telegram-bot-api.json"
DISCORD_SPEC = SPECS / "discord-openapi.json"


@cache
def load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        pytest.skip(f"{path.name} not found in {SPECS} (set SHARED_SPECS to the specs folder)")
    return json.loads(path.read_text(encoding="utf-8"))


# --- posts to check ----------------------------------------------------------------------------


def sample(source: str) -> Post:
    raw = (REPO / "content" / source).read_bytes()
    mtime = datetime(2023, 10, 30, 3, 0, tzinfo=UTC)
    return parse_post(raw, source, mtime=mtime, ctx=ParseContext(tz=TOKYO))


def cases() -> list[tuple[str, Post, list[Media]]]:
    article = sample("posts/2023-01-23-70th-anniversary.md")
    press = sample("press/2023-10-30-japan-supports-cambodia.md")
    long_body = "\n\n".join(
        f"**Part {i}.** Text with *style*, `code`, ~~old~~ and [a link](/about). " * 12
        for i in range(12)
    )
    remote = [
        Media(
            f"https://cdn.example.org/{i}.jpg", f"{i}.jpg", url=f"https://cdn.example.org/{i}.jpg"
        )
        for i in range(7)
    ]
    document = Media(
        "/images/big.png", "big.png", path=f"{STATIC}/images/big.png", as_document=True
    )
    return [
        ("article", article, media_for(article)),
        ("press", press, []),
        ("one-photo", make_post(body="Short."), local_media(1)),
        ("eleven-photos", make_post(body=long_body), local_media(11)),
        ("remote-photos", make_post(body="> quoted\n\n- a\n- b"), remote),
        ("document", make_post(body="```py\nprint(1)\n```"), [*local_media(2), document]),
        ("long-title", make_post(title="Very long title " * 20, body=long_body), local_media(12)),
    ]


CASES = cases()
IDS = [name for name, _, _ in CASES]
TOPIC = Channel("topic", "telegram", chat_id="@csaj_news", thread_id=42)


# --- Telegram ----------------------------------------------------------------------------------


def telegram_type_errors(
    value: Any, types: list[str], spec: dict[str, Any], where: str
) -> list[str]:
    """Errors of `value` against a field's list of alternative types (empty when one fits)."""
    failures: list[list[str]] = []
    for name in types:
        errors = _telegram_type(value, name, spec, where)
        if not errors:
            return []
        failures.append(errors)
    return min(failures, key=len)


def _telegram_type(value: Any, name: str, spec: dict[str, Any], where: str) -> list[str]:
    if name.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{where}: expected {name}"]
        return [
            e
            for i, v in enumerate(value)
            for e in telegram_type_errors(v, [name[9:]], spec, f"{where}[{i}]")
        ]
    simple = {
        "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "String": lambda v: isinstance(v, str),
        "Boolean": lambda v: isinstance(v, bool),
        "True": lambda v: v is True,
        "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "InputFile": lambda v: isinstance(v, str),
    }
    if name in simple:
        return [] if simple[name](value) else [f"{where}: expected {name}, got {value!r}"]
    if name not in spec["types"]:
        return [f"{where}: unknown type {name}"]
    return telegram_object_errors(
        value, spec["types"][name].get("fields", []), spec, f"{where}<{name}>"
    )


def telegram_object_errors(
    value: Any, fields: list[dict[str, Any]], spec: dict[str, Any], where: str
) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: expected an object"]
    by_name = {f["name"]: f for f in fields}
    errors = [f"{where}: unknown field {k!r}" for k in value if k not in by_name]
    errors += [
        f"{where}: missing {f['name']!r}"
        for f in fields
        if f["required"] and f["name"] not in value
    ]
    for key, v in value.items():
        if key in by_name:
            errors += telegram_type_errors(v, by_name[key]["types"], spec, f"{where}.{key}")
    return errors


def telegram_requests(post: Post, media: list[Media]) -> list[Request]:
    return [
        *render_telegram(post, media, OPTS, TG).requests,
        *render_telegram(post, media, OPTS, TOPIC).requests,
    ]


@pytest.mark.parametrize("name,post,media", CASES, ids=IDS)
def test_telegram_requests_match_the_bot_api(name: str, post: Post, media: list[Media]) -> None:
    spec = load(TELEGRAM_SPEC)
    for req in telegram_requests(post, media):
        assert req.platform == "telegram" and req.path == ""
        method = spec["methods"].get(req.method)
        assert method is not None, f"{req.method} is not a Bot API method"
        errors = telegram_object_errors(req.params, method["fields"], spec, req.method)
        assert not errors, errors
        for ref in _attach_refs(req.params):
            assert ref in {u.field for u in req.uploads}, f"attach://{ref} has no upload"


@pytest.mark.parametrize("name,post,media", CASES, ids=IDS)
def test_telegram_album_items_are_input_media_photos(
    name: str, post: Post, media: list[Media]
) -> None:
    spec = load(TELEGRAM_SPEC)
    fields = spec["types"]["InputMediaPhoto"]["fields"]
    photo_type = next(f for f in fields if f["name"] == "type")
    assert "photo" in photo_type["description"]
    for req in telegram_requests(post, media):
        if req.method != "sendMediaGroup":
            continue
        assert 2 <= len(req.params["media"]) <= 10
        for i, item in enumerate(req.params["media"]):
            assert item["type"] == "photo"
            errors = telegram_object_errors(item, fields, spec, f"media[{i}]")
            assert not errors, errors


def test_telegram_thread_is_addressed() -> None:
    spec = load(TELEGRAM_SPEC)
    for req in render_telegram(make_post(), local_media(3), OPTS, TOPIC).requests:
        names = {f["name"] for f in spec["methods"][req.method]["fields"]}
        assert "message_thread_id" in names
        assert req.params["message_thread_id"] == 42 and req.params["chat_id"] == "@csaj_news"


def _attach_refs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value[9:]] if value.startswith("attach://") else []
    if isinstance(value, dict):
        return [r for v in value.values() for r in _attach_refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _attach_refs(v)]
    return []


# --- Discord -----------------------------------------------------------------------------------


def operation(spec: dict[str, Any], path: str, verb: str) -> tuple[dict[str, Any], str]:
    """The OpenAPI operation a concrete route belongs to, and its template."""
    route = path.split("?", 1)[0]
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, route) and verb.lower() in item:
            return item[verb.lower()], template
    raise AssertionError(f"{verb} {path} is not an operation of the Discord API")


def body_schema(spec: dict[str, Any], op: dict[str, Any], media_type: str) -> dict[str, Any]:
    schema = op["requestBody"]["content"][media_type]["schema"]
    return {**schema, "components": spec["components"]}


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def undeclared(spec: dict[str, Any], value: Any, schema: dict[str, Any], where: str) -> list[str]:
    """Keys of `value` that no object schema on the way declares (stricter than the spec)."""
    schema = resolve(spec, schema)
    branches = [
        resolve(spec, s) for key in ("oneOf", "anyOf", "allOf") for s in schema.get(key, [])
    ]
    if isinstance(value, dict):
        objects = [s for s in [schema, *branches] if "properties" in s]
        typed = [s for s in objects if value.get("type") in _type_enum(s)]
        objects = typed or objects  # a component: the branch its `type` names
        if not objects:
            return []
        props: dict[str, Any] = {}
        for s in objects:
            props.update(s["properties"])
        out = [f"{where}.{k}" for k in value if k not in props]
        for k, v in value.items():
            if k in props:
                out += undeclared(spec, v, props[k], f"{where}.{k}")
        return out
    if isinstance(value, list):
        items = [s["items"] for s in [schema, *branches] if "items" in s]
        return [
            e
            for i, v in enumerate(value)
            for it in items[:1]
            for e in undeclared(spec, v, it, f"{where}[{i}]")
        ]
    return []


def _type_enum(schema: dict[str, Any]) -> list[Any]:
    kind = schema.get("properties", {}).get("type")
    return list(kind.get("enum", [])) if isinstance(kind, dict) else []


def check_discord(spec: dict[str, Any], req: Request) -> None:
    op, template = operation(spec, req.path, req.method)
    assert req.method == "POST"
    schema = body_schema(spec, op, "application/json")
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(req.params), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert not undeclared(spec, req.params, schema, "payload")
    if "?" in req.path:
        declared = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
        for pair in req.path.split("?", 1)[1].split("&"):
            assert pair.split("=", 1)[0] in declared
    if req.uploads:
        multipart = body_schema(spec, op, "multipart/form-data")
        fields: set[str] = set()
        for part in [multipart, *multipart.get("allOf", []), *multipart.get("anyOf", [])]:
            fields |= set(resolve(spec, part).get("properties", {}))
        if any(f.startswith("files[") for f in fields):  # the webhook operation lists none
            for upload in req.uploads:
                assert upload.field in fields, (
                    f"{upload.field} is not a multipart field of {template}"
                )


@pytest.mark.parametrize("name,post,media", CASES, ids=IDS)
def test_discord_channel_messages_match_the_openapi_schema(
    name: str, post: Post, media: list[Media]
) -> None:
    spec = load(DISCORD_SPEC)
    requests = render_discord(post, media, OPTS, DC).requests
    for req in requests:
        _, template = operation(spec, req.path, req.method)
        assert template == "/channels/{channel_id}/messages"
        check_discord(spec, req)


@pytest.mark.parametrize("name,post,media", CASES, ids=IDS)
def test_discord_webhook_messages_match_the_openapi_schema(
    name: str, post: Post, media: list[Media]
) -> None:
    spec = load(DISCORD_SPEC)
    for req in render_discord(post, media, OPTS, HOOK).requests:
        _, template = operation(spec, req.path, req.method)
        assert template == "/webhooks/{webhook_id}/{webhook_token}"
        check_discord(spec, req)


def test_undeclared_keys_are_caught() -> None:
    """The strict key check itself works: an unknown embed key is reported."""
    spec = load(DISCORD_SPEC)
    op, _ = operation(spec, "/channels/1/messages", "POST")
    schema = body_schema(spec, op, "application/json")
    payload = {"embeds": [{"title": "t", "colour": 1, "footer": {"txt": "x"}}], "bogus": 1}
    assert sorted(undeclared(spec, payload, schema, "payload")) == [
        "payload.bogus",
        "payload.embeds[0].colour",
        "payload.embeds[0].footer.txt",
    ]
