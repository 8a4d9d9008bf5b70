"""Reading a release's dumps back with third-party parsers, for comparing them as sets of triples.

rapper (Debian raptor2-utils) parses Turtle, N-Triples and N-Quads and writes what it parsed as
N-Triples / N-Quads; rdflib parses the JSON-LD. Their output is brought to one canonical form
(pyoxigraph's N-Triples terms) and kept as a set of short digests, so that even the corpus release's
millions of triples compare in little memory.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

needs_rapper = pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) is not installed")

BASE = "https://w3id.org/trialkg/"


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def rapper_quads(path: Path, syntax: str) -> Iterator[ox.Quad]:
    """What rapper parses in ``path`` (gzip is piped in), as pyoxigraph quads (default graph for triples)."""
    output = "nquads" if syntax == "nquads" else "ntriples"
    with tempfile.TemporaryFile() as errors:
        source = subprocess.Popen(["gzip", "-dc", str(path)], stdout=subprocess.PIPE) if path.suffix == ".gz" else None
        rapper = subprocess.Popen(
            ["rapper", "-q", "-i", syntax, "-o", output, "-" if source else str(path), BASE],
            stdin=source.stdout if source else None,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert rapper.stdout is not None
        yield from ox.parse(rapper.stdout, format=ox.RdfFormat.N_QUADS)
        assert rapper.wait() == 0, f"rapper failed on {path}"
        if source is not None:
            assert source.wait() == 0
        errors.seek(0)
        message = errors.read().decode()
        assert "error" not in message.lower(), f"rapper reported errors on {path}: {message[:500]}"


def triple_key(q: ox.Quad | ox.Triple) -> str:
    return f"{q.subject} {q.predicate} {q.object}"


def resolved_key(q: ox.Quad | ox.Triple) -> str:
    """:func:`triple_key` with dot segments removed from IRIs, as RFC 3986 resolution does.

    Turtle parsers resolve every IRI reference against the base (RFC 3986 section 5.2), which removes
    dot segments even from an absolute IRI: ``<https://a.org/x/.>`` in Turtle is ``https://a.org/x/``
    to rapper, while N-Triples (no resolution) keeps it as written. So Turtle is compared this way.
    """
    terms = [_resolved(t) for t in (q.subject, q.predicate, q.object)]
    return " ".join(str(t) for t in terms)


def _resolved(term: object) -> object:
    if isinstance(term, ox.NamedNode) and has_dot_segments(term.value):
        return ox.NamedNode(remove_dot_segments(term.value))
    return term


def has_dot_segments(iri: str) -> bool:
    path = iri.split("?", 1)[0].split("#", 1)[0]
    return "/./" in path or "/../" in path or path.endswith(("/.", "/.."))


def remove_dot_segments(iri: str) -> str:
    """RFC 3986 section 5.2.4 on the path of an absolute IRI (query and fragment kept)."""
    scheme, sep, rest = iri.partition("://")
    authority, slash, tail = rest.partition("/")
    path, after = slash + tail, ""
    cut = min((path.index(m) for m in "?#" if m in path), default=len(path))
    path, after = path[:cut], path[cut:]
    output: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if path.endswith(("/.", "/..")):
        output.append("")
    return f"{scheme}{sep}{authority}/{'/'.join(output)}{after}"


def triple_digests(quads: Iterator[ox.Quad], resolve: bool = False) -> Counter[bytes]:
    """Each triple's digest with how often it came (a dump of distinct triples has all counts 1)."""
    key = resolved_key if resolve else triple_key
    return Counter(digest(key(q)) for q in quads)


def rapper_triples(path: Path, syntax: str, resolve: bool = False) -> Counter[bytes]:
    return triple_digests(rapper_quads(path, syntax), resolve)


def rdflib_jsonld(path: Path) -> Counter[bytes]:
    """The JSON-LD dump as rdflib parses it, each triple in pyoxigraph's canonical form."""
    graph = rdflib.Graph()
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False  # keep lexical forms as written
    try:
        graph.parse(path, format="json-ld")
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    counts: Counter[bytes] = Counter()
    for s, p, o in graph:
        counts[digest(f"{_term(s)} {_term(p)} {_term(o)}")] += 1
    return counts


def _term(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        datatype = term.datatype or rdflib.XSD.string
        return str(ox.Literal(str(term), datatype=ox.NamedNode(str(datatype))))
    raise AssertionError(f"a blank node in published data: {term!r}")


def nt_lines(path: Path) -> set[str]:
    """The N-Triples dump's lines (as written: canonical N-Triples)."""
    with gzip.open(path, "rt", encoding="utf-8") as dump:
        return {line.rstrip("\n") for line in dump if line.strip()}


def nt_set(path: Path) -> set[str]:
    """The triples of an ``.nt.gz`` file, each in pyoxigraph's canonical form (without the dot)."""
    with gzip.open(path, "rb") as dump:
        return {triple_key(t) for t in ox.parse(dump, format=ox.RdfFormat.N_TRIPLES)}
