"""HTML comes from the templates (kg/templates/), autoescaped: no Python module writes tags, and every page
template shows hostile values as text. Pages are parsed back (html.parser), never compared as strings."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
import pytest

from kg import templates
from kg.query import CannedQuery, Param
from kg.serve.downloads import ReleaseFile
from kg.serve.errors import ApiError
from kg.serve.formats import formats
from kg.serve.html import Term
from kg.serve.pages import Property, Service, Value
from kg.validation.ontology_doc import Link
from tests.sourcecode import docstrings

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / "kg"
TAGS = (
    "a|abbr|b|body|br|button|code|dd|details|div|dl|dt|em|figcaption|figure|footer|form|h[1-6]|head|header|html|"
    "i|img|input|label|li|link|main|meta|nav|ol|option|p|pre|script|section|select|small|span|strong|style|"
    "summary|table|tbody|td|textarea|th|thead|title|tr|ul"
)
#: An HTML tag, opening or closing, or a doctype: ``<td>``, ``<a href=``, ``</p>``, ``<!DOCTYPE html>``.
HTML_TAG = re.compile(rf"<(?:/?(?:{TAGS})(?=[\s>/])|!doctype\b)", re.IGNORECASE)
#: Escaping by hand: the templates' autoescape does it.
ESCAPING = re.compile(r"\bhtml\.escape\b|from html import escape|\bmarkupsafe\.escape\b|(?<![\w.])escape\(|\bMarkup\(")
#: Where a module may still write HTML or mark text safe: why, and what (a pattern every finding there matches).
ALLOWED: dict[str, tuple[str, str]] = {}


def html_in_strings(source: str) -> list[tuple[int, str]]:
    """Where a module's strings (plain or f-strings, docstrings left out) hold an HTML tag, or it escapes."""
    tree = ast.parse(source)
    skip = docstrings(tree)
    found = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        if HTML_TAG.search(node.value)
    ]
    code = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
    return found + [(code[: m.start()].count("\n") + 1, m.group()) for m in ESCAPING.finditer(code)]


def modules() -> list[Path]:
    return sorted(KG.rglob("*.py"))


@pytest.mark.parametrize("module", modules(), ids=lambda p: str(p.relative_to(KG)))
def test_no_module_writes_html(module: Path) -> None:
    name = str(module.relative_to(ROOT))
    found = html_in_strings(module.read_text(encoding="utf-8"))
    if name in ALLOWED:
        found = [(line, text) for line, text in found if not re.search(ALLOWED[name][1], text)]
    assert not found, f"{name} writes HTML or escapes by hand; put it in a template under kg/templates/: {found}"


def test_the_allowed_still_need_it() -> None:
    """An entry of ALLOWED goes once its module no longer writes HTML."""
    for name, (_, pattern) in ALLOWED.items():
        found = html_in_strings((ROOT / name).read_text(encoding="utf-8"))
        assert any(re.search(pattern, text) for _, text in found), f"{name} needs no entry in ALLOWED"


def test_the_check_finds_what_it_looks_for() -> None:
    source = '"""A <table> in a docstring is prose."""\nx = f"<td>{v}</td>"\ny = "a < b, c > d"  # <p>\n'
    source += 'z = "<!DOCTYPE html>"\nq = "?s <http://e/p> ?o . <textblock>" + re.escape(t)\nw = html.escape(t)\n'
    assert sorted({line for line, _ in html_in_strings(source)}) == [2, 4, 6]


# Every page template, rendered with hostile values.

HOSTILE = "\"'><script>alert(1)</script><b onmouseover=x>&amp;"


class Parsed(HTMLParser):
    """Elements, attributes, visible text and the data of <script> elements of a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in and self._in[-1] in ("script", "style") else self.text).append(data)


class Hostile:
    """Hostile strings, each marked so that a test can find every one of them on the page."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def __call__(self, field: str) -> str:
        value = f"{field}{HOSTILE}"
        self.made.append(value)
        return value

    def term(self, field: str, kind: str = "link") -> Term:
        """A term with hostile values in the fields its kind shows."""
        if kind == "link":
            return Term("link", self(field), href=self(field + ".href"), title=self(field + ".title"), external=True)
        if kind == "iri":
            return Term("iri", self(field), title=self(field + ".title"))
        if kind == "literal":
            return Term("literal", self(field), lang=self(field + ".lang"))
        return Term("bnode", self(field))


def _query(h: Hostile, *, text: bool = True, params: bool = True) -> CannedQuery:
    """A canned query, hostile where the page shows it (the home page: title and description)."""
    found = [Param(h("p"), h("type"), h("p.about"))] if params else []
    return CannedQuery(h("name"), h("title"), h("description"), h("text") if text else "SELECT", found)


def _file(h: Hostile, *, media: bool = True) -> ReleaseFile:
    return ReleaseFile(h("file"), Path("x"), 1234, h("media") if media else "text/turtle", h("file.about"))


def _properties(h: Hostile) -> list[Property]:
    nested = [Property(h.term("nested.predicate"), h("nested.label"), [Value(h.term("nested.value", "iri"))])]
    values = [
        Value(h.term("value", "literal")),
        Value(h.term("long", "literal"), summary=h("summary")),
        Value(nested=nested),
        Value(Term("bnode", h("bnode"))),
    ]
    return [Property(h.term("predicate"), h("label"), values)]


def _results(h: Hostile) -> dict[str, Any]:
    return {"columns": [h("column")], "rows": [[h.term("cell")], [None]]}


CONTEXTS: dict[str, Callable[[Hostile], dict[str, Any]]] = {
    "serve/home.html": lambda h: {
        "base": h("base"),
        "statistics": [(h("fact"), h("fact.value"))],
        "starts": [h.term("start")],
        "dumps": [_file(h, media=False)],
        "queries": _by_name(_query(h, text=False, params=False)),
        "initial": h("initial"),
        "examples": {h("example.name"): h("example")},
        "config": {"namespaces": [h("namespace")], "labels": {}, "start": h("start"), "prefixes": [h("prefix")]},
        "yasgui": True,  # the YASGUI page: its branch has more of the values in it than the plain one
    },
    "serve/resource.html": lambda h: {
        "title": h("title"),
        "iri": h("iri"),
        "types": [h.term("type")],
        "local": h("local"),
        "alternates": formats("graph"),
        "properties": _properties(h),
        "terms": [{"anchor": h("anchor"), "curie": h("curie"), "label": h("term.label"), "properties": _properties(h)}],
        "incoming": {
            "total": 200,
            "shown_total": h("total"),
            "limit": 100,
            "more": h("more"),
            "rows": [(h.term("from"), h.term("property"))],
        },
    },
    "serve/queries.html": lambda h: {"queries": _by_name(_query(h, text=False))},
    "serve/query.html": lambda h: {
        "query": _query(h),
        "values": {},
        "results": {**_results(h), "query_string": h("qs"), "editor": h("editor")},
    },
    "serve/sparql_results.html": lambda h: {
        "query": h("query"),
        "editor": h("editor"),
        "graph": None,
        "boolean": None,
        "count": 2,
        **_results(h),
    },
    "serve/downloads.html": lambda h: {"files": [_file(h)]},
    "serve/rdf.html": lambda h: {
        "title": h("title"),
        "turtle": h("turtle"),
        "service": Service(h("endpoint"), [h("format")], 5.0, 1000),
    },
    "serve/error.html": lambda h: {"error": ApiError(400, h("title"), h("detail"), h("hint"))},
    "validation/report.html": lambda h: {
        "title": h("title"),
        "conforms": False,
        "summary": h("summary"),
        "groups": [
            {
                "severity": h("severity"),
                "shape": h("shape"),
                "message": h("message"),
                "count": 1,
                "examples": [{"focus": h("focus"), "path": h("path"), "value": h("value")}],
            }
        ],
    },
    "validation/ontology.html": lambda h: {
        "title": h("title"),
        "meta": {"rows": [(h("meta"), [[_link(h, "meta.value")]])], "description": h("about")},
        "sections": [
            {
                "key": h("key"),
                "name": h("section"),
                "entries": [
                    {
                        "anchor": h("anchor"),
                        "label": h("label"),
                        "curie": h("curie"),
                        "comment": h("comment"),
                        "iri": h("iri"),
                        "rows": [(h("row"), [[_link(h, "a"), _link(h, "b")]])],
                    }
                ],
            },
            {
                "key": "schemes",
                "name": h("schemes"),
                "entries": [
                    {
                        "name": h("scheme"),
                        "label": h("scheme.label"),
                        "iri": h("scheme.iri"),
                        "definition": h("def"),
                        "note": h("note"),
                        "users": [[_link(h, "user")]],
                        "concepts": [
                            {
                                "notation": h("code"),
                                "label": h("concept"),
                                "iri": h("concept.iri"),
                                "matches": [[_link(h, "match")]],
                            }
                        ],
                    }
                ],
            },
        ],
    },
    "analytics/report.html": lambda h: {
        "source": h("source"),
        "studies": 1234,
        "filters": h("filters"),
        "top": 3,
        "files": [h("file")],
        "networks": {"columns": [h("column")], "rows": [[h("cell"), ("1,234", "n")]]},
        "pictures": [{"stem": h("stem"), "caption": h("caption")}],
        "tops": [{"stem": h("top"), "title": h("top.title"), "columns": [h("top.column")], "rows": [[h("top.cell")]]}],
    },
}


def _by_name(query: CannedQuery) -> dict[str, CannedQuery]:
    return {query.name: query}


def _link(h: Hostile, field: str) -> Link:
    return Link(h(field), h(field + ".href"))


def test_every_page_template_is_covered() -> None:
    assert sorted(CONTEXTS) == sorted(templates.pages())


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_hostile_values_come_out_as_text(name: str) -> None:
    hostile = Hostile()
    page = Parsed(templates.render(name, **CONTEXTS[name](hostile)))
    assert not [t for t, a in page.tags if t == "b" or "onmouseover" in a], "markup got through"
    assert all(t != "script" or a.get("type") == "application/json" or a.get("src") for t, a in page.tags)
    attributes = [v for _, a in page.tags for v in a.values()]
    data = [v for s in page.scripts if s.lstrip().startswith("{") for v in _strings(json.loads(s))]
    shown = "\n".join(["".join(page.text), *attributes, *map(unquote, attributes), *data])
    missing = [v for v in hostile.made if v not in shown]
    assert not missing, f"not shown as text (or dropped): {missing}"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [*_strings(k), *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_an_undefined_name_is_an_error() -> None:
    with pytest.raises(jinja2.UndefinedError):
        templates.render("serve/error.html")


def test_the_templates_are_package_data() -> None:
    """Every file under kg/templates/ matches a package-data pattern, so that an installed trialkg has it."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["kg"]
    files = {p for p in (KG / "templates").rglob("*") if p.is_file()}
    packaged = {p for pattern in patterns for p in KG.glob(pattern)}
    assert files and not files - packaged, sorted(files - packaged)
