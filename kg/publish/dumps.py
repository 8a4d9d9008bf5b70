"""Dump writers: gzipped N-Triples and N-Quads, readable Turtle and JSON-LD, written chunk by chunk,
byte-for-byte deterministic.

Each takes sorted N-Triples lines in chunks (one study, or a part of the shared nodes), so a dump of
any size is written without ever holding the whole graph. :class:`Dumps` feeds one chunk to all of
them: a study's chunk goes into the N-Quads graph named by the study's IRI, the shared nodes into
:meth:`kg.iris.Iris.shared_graph`; the union of the graphs is exactly the N-Triples dump.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.iris import prefixes
from kg.publish import release as layout
from kg.publish.jsonld import JsonLdWriter, write_context


class NTriplesWriter:
    """``*.nt.gz``: one triple per line; the gzip header carries no name and no time. Compression level 6:
    twice as fast as 9 for 5 % more bytes (measured on the corpus)."""

    def __init__(self, path: str) -> None:
        self._raw = open(path, "wb")  # noqa: SIM115 - closed in close(); the writer outlives any with-block
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=6)
        self.triples = 0

    def write(self, lines: Iterable[str]) -> None:
        chunk = list(lines)
        if chunk:
            self._gz.write(("\n".join(chunk) + "\n").encode())
            self.triples += len(chunk)

    def close(self) -> None:
        self._gz.close()
        self._raw.close()


class NQuadsWriter(NTriplesWriter):
    """``*.nq.gz``: N-Triples lines with the graph name before the final dot."""

    def write_graph(self, graph: str, lines: Iterable[str]) -> None:
        suffix = f" <{graph}> ."
        self.write([line[:-2] + suffix for line in lines])


class TurtleWriter:
    """``*.ttl``: a prefix header once, then each chunk grouped by subject with prefixed names."""

    def __init__(self, path: str, base: str) -> None:
        self.prefixes = prefixes(base)
        self._out: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        for name, iri in self.prefixes.items():
            self._out.write(f"@prefix {name}: <{iri}> .\n")

    def write(self, lines: list[str]) -> None:
        if lines:
            self.write_triples(parse(lines))

    def write_triples(self, triples: list[ox.Triple]) -> None:
        if not triples:
            return
        text = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=self.prefixes) or b"").decode()
        body = "\n".join(line for line in text.split("\n") if not line.startswith("@prefix "))
        self._out.write("\n" + body.strip("\n") + "\n")

    def close(self) -> None:
        self._out.close()


def parse(lines: list[str]) -> list[ox.Triple]:
    return list(ox.parse(io.BytesIO("\n".join(lines).encode()), format=ox.RdfFormat.N_TRIPLES))


class Dumps:
    """All the dumps of a release, written together, chunk by chunk."""

    def __init__(self, work: Path, base: str) -> None:
        self.base = base
        self.nt = NTriplesWriter(str(work / layout.NTRIPLES))
        self.nq = NQuadsWriter(str(work / layout.NQUADS))
        self.ttl = TurtleWriter(str(work / layout.TURTLE), base)
        context = write_context(work / layout.CONTEXT, prefixes(base))
        self.jsonld = JsonLdWriter(work / layout.JSONLD, context)

    def write(self, graph: str, lines: list[str]) -> None:
        """Sorted, distinct N-Triples lines of the named graph ``graph``."""
        if not lines:
            return
        triples = parse(lines)
        self.nt.write(lines)
        self.nq.write_graph(graph, lines)
        self.ttl.write_triples(triples)
        self.jsonld.write(triples)

    @property
    def triples(self) -> int:
        return self.nt.triples

    def close(self) -> None:
        for writer in (self.nt, self.nq, self.ttl, self.jsonld):
            writer.close()
