"""`[http] listen` → (host, port): the forms hosts and operators write, checked with clear errors.

Accepted: ``"127.0.0.1:8080"``, ``"0.0.0.0:$PORT"``, ``"$PORT"``, ``":8080"``, ``"[::1]:8080"``,
``"localhost:8080"``. ``$NAME`` or ``${NAME}`` is taken from the environment, as Procfile hosts
set ``PORT``. A bare port (``"8080"``, ``":8080"``, ``"$PORT"``) listens on every IPv4 interface,
which is what such hosts expect.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from ..errors import ConfigError

ALL_INTERFACES = "0.0.0.0"
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_PORT = re.compile(r"[0-9]{1,5}", re.ASCII)
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)", re.ASCII)
_EXAMPLES = 'write it as "127.0.0.1:8080", "0.0.0.0:$PORT", "$PORT" or "[::1]:8080"'


def parse_listen(value: str, env: Mapping[str, str]) -> tuple[str, int]:
    """The host and port that ``[http] listen = value`` names, with ``$VARS`` from ``env``."""
    original = value
    text = _expand(value.strip(), env, original)
    if not text:
        raise ConfigError(f"[http] listen = {original!r} is empty: {_EXAMPLES}")
    if any(ch.isspace() for ch in text):
        raise ConfigError(f"[http] listen = {original!r} contains spaces: {_EXAMPLES}")
    if text.startswith("["):
        host, port_text = _split_bracketed(text, original)
    elif _PORT.fullmatch(text):
        host, port_text = ALL_INTERFACES, text
    elif ":" in text:
        host, _, port_text = text.rpartition(":")
        if ":" in host:
            raise ConfigError(
                f'[http] listen = {original!r}: put an IPv6 address in brackets, as in "[::1]:8080"'
            )
        host = host or ALL_INTERFACES
    else:
        raise ConfigError(f"[http] listen = {original!r} names no port: {_EXAMPLES}")
    return _check_host(host, original), _check_port(port_text, original)


def _expand(text: str, env: Mapping[str, str], original: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        found = env.get(name)
        if found is None or not found.strip():
            raise ConfigError(
                f"[http] listen = {original!r} needs the environment variable {name}, "
                f"which is not set: set {name} or write the port number itself"
            )
        return found.strip()

    expanded = _VARIABLE.sub(replace, text)
    if "$" in expanded:
        raise ConfigError(f"[http] listen = {original!r}: a variable is written $NAME or ${{NAME}}")
    return expanded


def _split_bracketed(text: str, original: str) -> tuple[str, str]:
    host, sep, rest = text[1:].partition("]")
    if not sep:
        raise ConfigError(f"[http] listen = {original!r}: the IPv6 address lacks its closing ]")
    if not rest.startswith(":") or len(rest) == 1:
        raise ConfigError(
            f'[http] listen = {original!r} names no port: write it as "[{host}]:8080"'
        )
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        raise ConfigError(
            f"[http] listen = {original!r}: {host!r} in brackets is not an IPv6 address"
        ) from None
    return host, rest[1:]


def _check_host(host: str, original: str) -> str:
    try:
        ipaddress.IPv4Address(host)
        return host
    except ValueError:
        pass
    if ":" in host:  # already checked as IPv6 in brackets
        return host
    labels = host.rstrip(".").split(".")
    if (
        len(host) <= 253
        and not all(label.isdigit() for label in labels)
        and all(_LABEL.fullmatch(label) for label in labels)
    ):
        return host
    raise ConfigError(
        f"[http] listen = {original!r}: {host!r} is neither an IP address nor a host name; "
        f'use "127.0.0.1" for this machine only or "0.0.0.0" for every interface'
    )


def _check_port(text: str, original: str) -> int:
    if _PORT.fullmatch(text) and 1 <= int(text) <= 65535:
        return int(text)
    raise ConfigError(
        f"[http] listen = {original!r}: the port {text!r} must be a number from 1 to 65535"
    )
