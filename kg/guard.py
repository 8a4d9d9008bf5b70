"""Reading a SPARQL request before it runs: one normal form, then updates and federation refused.

:func:`normalise` gives the text that is both screened and run, so the screen and the engine read the
same characters: codepoint escapes (``\\u0053``, ``\\U00000053``) decoded once, as SPARQL 1.1
(section 19.2) processes them before parsing; comments (``#`` to the next line feed *or* carriage
return, outside IRIs and strings) dropped; and a line break put after any IRI holding ``#`` or ``'``,
so that however an engine reads the ``<`` that opens it (an IRI, or the less-than operator followed by
a comment or a string), both readings agree again from the next line on.

:func:`screen` then refuses updates (the first keyword after the prologue) and federation: the letters
``service``, in any case, anywhere outside string literals, IRIs, variable names and the local part of
prefixed names. That is deliberately wider than the grammar: the engine (Oxigraph's parser) needs no
space around a keyword (``trueSERVICE<...>{...}`` and ``SERVICE:x{...}`` both federate), so any glued
form is refused, at the price of a prefix named ``service:`` being refused too. The query workers
also cannot open a socket at all (:mod:`kg.serve.sandbox`), whatever a query says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.errors import QueryError

_ECHAR = r"""\\[tbnrf\\"']"""
_TOKEN = re.compile(
    rf'(?P<string>"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*"""'
    rf"|'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''"
    rf'|"(?:[^"\\\n\r]|{_ECHAR})*"'
    rf"|'(?:[^'\\\n\r]|{_ECHAR})*')"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<comment>\#[^\r\n]*)"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<prefix>[\w.-]*:)(?P<local>[\w.:%-]*)"
    r"|(?P<word>\w+)"
    r"|(?P<other>.)",
    re.S,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FEDERATION = re.compile("service", re.IGNORECASE)
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


class Refused(QueryError):
    """A request refused before it runs: ``status``, ``title`` and ``hint`` for an HTTP answer."""

    def __init__(self, status: int, title: str, detail: str, hint: str) -> None:
        super().__init__(f"{title}: {detail}; {hint}")
        self.status, self.title, self.detail, self.hint = status, title, detail, hint


def update_refused() -> Refused:
    return Refused(
        403,
        "SPARQL Update is not allowed",
        "This endpoint is read-only: it serves one published release, which never changes.",
        "To modify the data, download a dump from /downloads and load it into a store of your own.",
    )


def federation_refused() -> Refused:
    return Refused(
        403,
        "Federated query is disabled",
        "SERVICE would make this server fetch other endpoints on your behalf; it does not do that.",
        "Run the federated query from your own SPARQL engine, with this endpoint as one of its services.",
    )


def _malformed(detail: str) -> Refused:
    return Refused(400, "Malformed query", detail, "Check the query against the SPARQL 1.1 grammar.")


def _decode(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _malformed(f"{match.group(0)} is not a Unicode character")
    return chr(code)


def normalise(text: str) -> str:
    """The text to screen and to run: escapes decoded, comments gone, ambiguous IRIs ended by a line break."""
    decoded = _ESCAPE.sub(_decode, text)
    if _ESCAPE.search(decoded):
        raise _malformed("an escape sequence spells another escape sequence once decoded")
    out: list[str] = []
    for match in _TOKEN.finditer(decoded):
        if match.group("comment"):
            continue
        out.append(match.group(0))
        iri = match.group("iri")
        if iri and ("#" in iri or "'" in iri):
            if "'''" in iri:
                raise _malformed(f"{iri[:60]} holds ''' (write it as %27%27%27)")
            out.append("\n")
    return "".join(out)


def code(text: str) -> Iterator[tuple[str, str]]:
    """The parts of (normalised) ``text`` that are words, prefixes or other characters, with their kind, in
    order: strings, IRIs, comments, variable names and local names are left out."""
    for match in _TOKEN.finditer(text):
        for kind in ("word", "prefix", "other"):
            if match.group(kind):
                yield kind, match.group(kind)


def is_update(text: str) -> bool:
    """Does (normalised) ``text`` start, after its prologue, with an update operation?"""
    words = (part.upper() for kind, part in code(text) if kind == "word")
    return next((w for w in words if w not in ("PREFIX", "BASE")), "") in UPDATE_WORDS


def federates(text: str) -> bool:
    """Could (normalised) ``text`` call another endpoint?"""
    return bool(_FEDERATION.search(" ".join(part for _, part in code(text))))


def screen(text: str) -> str:
    """The normal form of ``text``, to run; :class:`Refused` if it is an update or could federate."""
    normal = normalise(text)
    if is_update(normal):
        raise update_refused()
    if federates(normal):
        raise federation_refused()
    return normal
