"""The JSON-LD dump: ``trialkg.jsonld`` (one node object per line), and ``context.jsonld``, the published
``@context`` (our prefixes, nothing else: no ``@vocab``, no coercions, so every term maps one way).

The dump is written streaming, one chunk of triples (a study, a part of the shared nodes) at a time,
never by serialising one in-memory graph of everything: :class:`JsonLdNodes` turns a chunk into its
node lines (a fragment, see :mod:`kg.publish.fragments`), :class:`JsonLdFile` frames the fragments and
puts the commas between them. The context is embedded in the dump too, so that it parses without
fetching anything. IRIs are compacted with the prefixes where that round-trips
(never when the rest starts with ``//``); literals keep their exact lexical form: strings stay plain,
language-tagged and typed literals are value objects (``{"@value": "120", "@type": "xsd:integer"}``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def write_context(path: Path, prefixes: dict[str, str]) -> dict[str, str]:
    """Write ``context.jsonld`` and return the context."""
    context = dict(sorted(prefixes.items()))
    path.write_text(json.dumps({"@context": context}, indent=2) + "\n", encoding="utf-8")
    return context


class JsonLdNodes:
    """Chunks of triples as node objects, one a line, with the IRIs compacted by the context."""

    def __init__(self, context: dict[str, str]) -> None:
        # Our own compaction, not kg.iris.converter(): curies' compress takes 4.1 µs an IRI, this regex 1.35 µs
        # (measured on trial IRIs), and the writer compacts every IRI of the dump. Longest namespace first, so
        # that the most specific prefix wins; never when the rest starts "//".
        namespaces = sorted(context.values(), key=len, reverse=True)
        self._match = re.compile("(?:" + "|".join(re.escape(ns) for ns in namespaces) + ")(?!//)").match
        self._names = {iri: name for name, iri in context.items()}
        self._cache: dict[str, str] = {}

    def compact(self, iri: str) -> str:
        found = self._match(iri)
        return f"{self._names[found.group()]}:{iri[found.end() :]}" if found else iri

    def _vocabulary(self, iri: str) -> str:
        """:meth:`compact` for the few IRIs that come again and again (predicates, classes, datatypes)."""
        if iri not in self._cache:
            self._cache[iri] = self.compact(iri)
        return self._cache[iri]

    def text(self, triples: list[ox.Triple]) -> str:
        """The node objects of triples grouped by subject (as sorted lines give them), joined by ``",\\n"``."""
        nodes: list[str] = []
        start = 0
        for i in range(1, len(triples) + 1):
            if i == len(triples) or triples[i].subject != triples[start].subject:
                nodes.append(json.dumps(self._node(triples[start:i]), ensure_ascii=False))
                start = i
        return ",\n".join(nodes)

    def _node(self, triples: list[ox.Triple]) -> dict[str, Any]:
        subject = triples[0].subject
        assert isinstance(subject, ox.NamedNode), "published data has no blank nodes"
        node: dict[str, Any] = {"@id": self.compact(subject.value)}
        types: list[str] = []
        properties: dict[str, list[Any]] = {}
        for triple in triples:
            obj = triple.object
            if triple.predicate.value == RDF_TYPE and isinstance(obj, ox.NamedNode):
                types.append(self._vocabulary(obj.value))
            else:
                properties.setdefault(self._vocabulary(triple.predicate.value), []).append(self._value(obj))
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for key in sorted(properties):
            values = properties[key]
            node[key] = values[0] if len(values) == 1 else values
        return node

    def _value(self, term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            return {"@id": self.compact(term.value)}
        if not isinstance(term, ox.Literal):
            raise ValueError(f"published data has no blank nodes or quoted triples: {term}")
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": self._vocabulary(term.datatype.value)}


class JsonLdFile:
    """``{"@context": …, "@graph": [node, node, …]}``: the fragments of :meth:`JsonLdNodes.text`, in the order
    given, one node a line."""

    def __init__(self, path: Path, context: dict[str, str]) -> None:
        self._out: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._out.write(('{"@context": ' + json.dumps(context, indent=1) + ',\n"@graph": [').encode())
        self._first = True

    def write(self, text: bytes) -> None:
        """A fragment (UTF-8): the comma that separates it from the one before is written here."""
        if text:
            self._out.write((b"\n" if self._first else b",\n") + text)
            self._first = False

    def close(self) -> None:
        self._out.write(b"\n]}\n")
        self._out.close()
