"""A channel's own announcement text: a Jinja2 template in a sandboxed environment.

The template is the only thing compiled; what posts say (titles, bodies, places) is handed to it
as values, so a post cannot change it. Its output is Markdown, rendered for each platform like a
post's body. A template that does not compile is refused when the configuration is read; one that
fails on a given post is reported with its line, and that post gets the default layout.
"""

from __future__ import annotations

import traceback
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment


class TemplateProblem(Exception):
    """A template that cannot be compiled or rendered: its file, the line, the reason."""

    def __init__(self, name: str, line: int | None, reason: str) -> None:
        self.name, self.line, self.reason = name, line, reason
        where = f"{name} line {line}" if line else name
        super().__init__(f"{where}: {reason}")


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The sandbox every template of the bot is compiled in (announcements and reminders):
    no escaping (the output is Markdown), undefined names are errors, block tags leave no
    blank lines. Jinja2 is loaded with the first template."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )


@lru_cache(maxsize=16)
def compile_template(source: str, name: str) -> Template:
    """The compiled template (`name` is its file, for messages); `TemplateProblem` if broken."""
    from jinja2 import TemplateSyntaxError

    env = environment()
    try:
        code = env.compile(source, name=name, filename=name)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(name, exc.lineno, exc.message or "syntax error") from None
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def render_template(source: str, name: str, values: dict[str, Any]) -> str:
    """The template's text for `values`; `TemplateProblem` naming the line that failed."""
    template = compile_template(source, name)
    try:
        return template.render(**values)
    except Exception as exc:  # anything the template does wrong, never a crash at send time
        line = next(
            (f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
             if f.filename == name),
            None,
        )  # fmt: skip
        reason = str(exc) or type(exc).__name__
        raise TemplateProblem(name, line, reason) from None
