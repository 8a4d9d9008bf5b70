"""An HTML page parsed (``html.parser``) into what a reader sees: elements with their attributes and text,
so that tests check headings, links and cells rather than the bytes of a template."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HIDDEN = {"script", "style", "template"}  # their content is not text a reader sees


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parts: list[str] = field(default_factory=list)
    children: list[Element] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, whitespace collapsed (as a browser shows it)."""
        return " ".join("".join(self.parts).split())

    def find(self, tag: str, **attrs: str) -> list[Element]:
        """The ``tag`` elements inside this one whose attributes include ``attrs`` (``class_`` for ``class``)."""
        wanted = {name.rstrip("_"): value for name, value in attrs.items()}
        found = []
        for child in self.children:
            if child.tag == tag and all(child.attrs.get(k) == v for k, v in wanted.items()):
                found.append(child)
            found += child.find(tag, **attrs)
        return found

    def rows(self) -> list[list[str]]:
        """A table's rows, each the texts of its cells (``th`` and ``td``, in order)."""
        return [[c.text for c in tr.children if c.tag in ("th", "td")] for tr in self.find("tr")]


class Page(HTMLParser):
    """``Page(text)``: every element in document order, with :meth:`find`, :attr:`text` and the links."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.doctype: str | None = None
        self.root = Element("#document", {})
        self.elements: list[Element] = []  # in document order
        self._open: list[Element] = [self.root]
        self._visible: list[str] = []
        self.feed(text)
        self.close()

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        self._open[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        self._open[-1].children.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.parts.append(data)
        if not any(e.tag in HIDDEN for e in self._open):
            self._visible.append(data)

    @property
    def text(self) -> str:
        """All the visible text of the page, whitespace collapsed."""
        return " ".join("".join(self._visible).split())

    def find(self, tag: str, **attrs: str) -> list[Element]:
        """The ``tag`` elements whose attributes include ``attrs`` (``class_`` for ``class``)."""
        return self.root.find(tag, **attrs)

    def texts(self, tag: str, **attrs: str) -> list[str]:
        return [e.text for e in self.find(tag, **attrs)]

    @property
    def h1(self) -> str:
        (heading,) = self.texts("h1")
        return heading

    @property
    def links(self) -> dict[str, list[str]]:
        """Each ``<a href>`` target with the texts of the links to it."""
        found: dict[str, list[str]] = {}
        for a in self.find("a"):
            if "href" in a.attrs:
                found.setdefault(a.attrs["href"], []).append(a.text)
        return found

    @property
    def ids(self) -> set[str]:
        return {e.attrs["id"] for e in self.elements if "id" in e.attrs}

    def by_id(self, id: str) -> Element:
        (element,) = (e for e in self.elements if e.attrs.get("id") == id)
        return element

    @property
    def loads(self) -> list[str]:
        """What a browser would fetch or run to show the page: scripts, stylesheets, images, frames,
        ``@import`` in a style (links to follow, ``<a href>``, are not loaded)."""
        found = [f"<{e.tag}>" for e in self.elements if e.tag == "script"]
        found += [
            f"<{e.tag} {e.attrs.get('src') or e.attrs.get('href')}>"
            for e in self.elements
            if e.tag != "a" and ("src" in e.attrs or "href" in e.attrs)
        ]
        return found + ["@import" for style in self.find("style") if "@import" in style.text]
