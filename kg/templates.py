"""Every HTML page of trialkg comes from a Jinja2 template under ``kg/templates/``, rendered here.

One environment for all of them: ``.html`` templates are autoescaped (a value is escaped unless a template
says otherwise), an undefined name is an error rather than an empty string, and block tags leave no blank
lines. ``base.html`` is the one layout (doctype, head, body); each page kind extends it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

#: Characters a local path keeps in an href; the rest (spaces, quotes, non-ASCII) are percent-encoded.
PATH_SAFE = "/#?&=%:@!$'()*+,;~-._"


def href(path: str) -> str:
    """A local path as an href: safe characters kept, the rest percent-encoded (autoescape does ``&``)."""
    return quote(path, safe=PATH_SAFE)


def human_size(size: int) -> str:
    """A file size in decimal units: ``532 B``, ``1.2 MB``."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("kg", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(href=href, size=human_size)
    # |tojson (for <script type="application/json">) keeps the order of the data and its non-ASCII text;
    # it escapes <, >, & and ' as \u sequences, so the JSON cannot close the element.
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    return env


ENV = _environment()


def render(name: str, /, **context: Any) -> str:
    """The template ``name`` (a path under ``kg/templates/``) rendered with ``context``."""
    return ENV.get_template(name).render(**context)


#: Templates that are not pages: the layouts, and the macros pages import.
NOT_PAGES = ("base.html", "layout.html", "macros.html")


def pages() -> list[str]:
    """The page templates: every ``.html`` template but the layouts and the macro libraries."""
    return [n for n in ENV.list_templates(extensions=["html"]) if n.rsplit("/", 1)[-1] not in NOT_PAGES]
