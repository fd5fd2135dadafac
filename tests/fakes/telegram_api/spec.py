"""The machine-readable Bot API description: documented parameters and result checks."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from .common import JsonObject

SPEC_PATH: Final = (
    Path(__file__).resolve().parents[4] / "shared" / "specs" / "telegram-bot-api.json"
)


class ApiSpec:
    """The methods and types of ``telegram-bot-api.json`` (one entry per method and type)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version = str(data.get("version", ""))
        self._methods: dict[str, JsonObject] = {
            name.lower(): method for name, method in data.get("methods", {}).items()
        }
        self._types: dict[str, JsonObject] = dict(data.get("types", {}))

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> ApiSpec | None:
        """The spec at ``path``, or ``None`` when the file is not there."""
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except OSError:
            return None

    def has_method(self, method: str) -> bool:
        return method.lower() in self._methods

    def method_fields(self, method: str) -> dict[str, tuple[str, ...]] | None:
        """Parameter name → documented types, or ``None`` for an unknown method."""
        entry = self._methods.get(method.lower())
        if entry is None:
            return None
        return {item["name"]: tuple(item["types"]) for item in entry.get("fields", [])}

    def result_problems(self, method: str, result: Any) -> list[str]:
        """How ``result`` departs from what ``method`` is documented to return."""
        entry = self._methods.get(method.lower())
        if entry is None:
            return [f"{method}: not a Bot API method"]
        attempts = [self.problems(result, returned, "result") for returned in entry["returns"]]
        return _fewest(attempts)

    def problems(self, value: Any, type_name: str, where: str = "$") -> list[str]:
        """Missing required fields, unknown fields and wrong primitive types, recursively."""
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{where}: expected {type_name}"]
            item_type = type_name.removeprefix("Array of ")
            return [
                problem
                for index, item in enumerate(value)
                for problem in self.problems(item, item_type, f"{where}[{index}]")
            ]
        primitive = _primitive_problem(value, type_name, where)
        if primitive is not None:
            return [primitive] if primitive else []
        spec = self._types.get(type_name)
        if spec is None:
            return []
        if spec.get("subtypes") and not spec.get("fields"):
            attempts = [self.problems(value, subtype, where) for subtype in spec["subtypes"]]
            return _fewest(attempts)
        if not isinstance(value, dict):
            return [f"{where}: expected a {type_name} object"]
        fields = {item["name"]: item for item in spec.get("fields", [])}
        problems: list[str] = []
        for name, item in fields.items():
            if name not in value:
                if item["required"]:
                    problems.append(f"{where}.{name}: required by {type_name} but missing")
                continue
            attempts = [
                self.problems(value[name], kind, f"{where}.{name}") for kind in item["types"]
            ]
            problems.extend(_fewest(attempts))
        problems.extend(
            f"{where}.{name}: not a field of {type_name}" for name in value if name not in fields
        )
        return problems


def _fewest(attempts: list[list[str]]) -> list[str]:
    """No problems if any alternative fits, else those of the closest alternative."""
    best: list[str] = []
    for attempt in attempts:
        if not attempt:
            return []
        if not best or len(attempt) < len(best):
            best = attempt
    return best


_PRIMITIVE_CHECKS: Final[Mapping[str, Callable[[Any], bool]]] = {
    "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "Boolean": lambda v: isinstance(v, bool),
    "True": lambda v: v is True,
    "InputFile": lambda v: True,
}


def _primitive_problem(value: Any, type_name: str, where: str) -> str | None:
    """``None`` if ``type_name`` is not primitive, ``""`` if ``value`` fits, else the problem."""
    check = _PRIMITIVE_CHECKS.get(type_name)
    if check is None:
        return None
    return "" if check(value) else f"{where}: expected {type_name}, got {value!r}"
