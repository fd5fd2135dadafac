"""`[http] listen` values as hosts and operators write them."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.web.listen import parse_listen

ENV = {"PORT": "5000", "HOST": "127.0.0.1"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("0.0.0.0:$PORT", ("0.0.0.0", 5000)),
        ("0.0.0.0:${PORT}", ("0.0.0.0", 5000)),
        ("$PORT", ("0.0.0.0", 5000)),
        ("${PORT}", ("0.0.0.0", 5000)),
        (":8080", ("0.0.0.0", 8080)),
        ("8080", ("0.0.0.0", 8080)),
        ("[::1]:8080", ("::1", 8080)),
        ("[::]:$PORT", ("::", 5000)),
        ("localhost:8080", ("localhost", 8080)),
        ("bot.example.org:443", ("bot.example.org", 443)),
        ("$HOST:$PORT", ("127.0.0.1", 5000)),
        ("  127.0.0.1:65535  ", ("127.0.0.1", 65535)),
    ],
)
def test_accepted_forms(value: str, expected: tuple[str, int]) -> None:
    assert parse_listen(value, ENV) == expected


def test_port_from_environment_is_trimmed() -> None:
    assert parse_listen("$PORT", {"PORT": " 8000\n"}) == ("0.0.0.0", 8000)


def test_missing_variable_names_it() -> None:
    with pytest.raises(ConfigError, match=r"PORT.*not set"):
        parse_listen("0.0.0.0:$PORT", {})


def test_empty_variable_is_missing() -> None:
    with pytest.raises(ConfigError, match="PORT"):
        parse_listen("${PORT}", {"PORT": ""})


@pytest.mark.parametrize(
    ("value", "env", "match"),
    [
        ("127.0.0.1:0", {}, "from 1 to 65535"),
        ("127.0.0.1:65536", {}, "from 1 to 65535"),
        ("127.0.0.1:http", {}, "from 1 to 65535"),
        ("127.0.0.1:-1", {}, "from 1 to 65535"),
        ("127.0.0.1:", {}, "from 1 to 65535"),
        ("0.0.0.0:$PORT", {"PORT": "web"}, "from 1 to 65535"),
        ("127.0.0.1:８０８０", {}, "from 1 to 65535"),  # full-width digits
        ("127.0.0.1:១២៣", {}, "from 1 to 65535"),  # Khmer digits
        ("127.0.0.1", {}, "names no port"),
        ("localhost", {}, "names no port"),
        ("", {}, "empty"),
        ("   ", {}, "empty"),
        ("::1:8080", {}, "brackets"),
        ("[::1]", {}, "names no port"),
        ("[::1:8080", {}, "closing"),
        ("[127.0.0.1]:8080", {}, "not an IPv6"),
        ("300.1.1.1:8080", {}, "neither an IP address nor a host name"),
        ("bad_host!:8080", {}, "neither an IP address nor a host name"),
        ("ボット.example:8080", {}, "neither an IP address nor a host name"),
        ("-bad.example:8080", {}, "neither an IP address nor a host name"),
        ("127.0.0.1 :8080", {}, "spaces"),
        ("127.0.0.1:$", {}, "variable"),
        ("127.0.0.1：8080", {}, "names no port"),  # full-width colon
    ],
)
def test_rejected_with_a_reason(value: str, env: dict[str, str], match: str) -> None:
    with pytest.raises(ConfigError, match=match) as info:
        parse_listen(value, env)
    assert "[http] listen" in str(info.value)
