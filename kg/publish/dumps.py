"""Dump writers: gzipped N-Triples and N-Quads, readable Turtle and JSON-LD, written chunk by chunk,
byte-for-byte deterministic.

Each chunk of sorted N-Triples lines (one study, or a run of the shared nodes) becomes its fragments
(:mod:`kg.publish.fragments`): a gzip member of N-Triples, one of N-Quads, a piece of Turtle, JSON-LD
node lines. :class:`Dumps` appends a chunk's fragments to the four files, so a dump of any size is
written without ever holding the whole graph; it copies the fragments a previous build made when the
chunk is the same, and makes them otherwise (:class:`Maker`). A study's chunk goes into the N-Quads graph
named by the study's IRI, the shared nodes into :meth:`kg.iris.Iris.shared_graph`; the union of the
graphs is exactly the N-Triples dump.
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
from kg.publish.fragments import Chunk, Fragments, Stored
from kg.publish.jsonld import JsonLdFile, JsonLdNodes, write_context
from kg.publish.statistics import Tally

#: gzip level of the N-Triples and N-Quads: twice as fast as 9 for 5 % more bytes (measured on the corpus).
LEVEL = 6


class NTriplesWriter:
    """An ``.nt.gz`` written as one gzip stream (the delta's files); the header carries no name and no time."""

    def __init__(self, path: str) -> None:
        self._raw = open(path, "wb")  # noqa: SIM115 - closed in close(); the writer outlives any with-block
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=LEVEL)
        self.triples = 0

    def write(self, lines: Iterable[str]) -> None:
        chunk = list(lines)
        if chunk:
            self._gz.write(("\n".join(chunk) + "\n").encode())
            self.triples += len(chunk)

    def close(self) -> None:
        self._gz.close()
        self._raw.close()


def member(lines: list[str]) -> bytes:
    """Lines as one gzip member (no name, time 0): the same lines give the same bytes."""
    return gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=LEVEL, mtime=0)


class Members:
    """A gzip file written as a series of members; one empty member if none is given (still valid gzip)."""

    def __init__(self, path: Path) -> None:
        self._out = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._empty = True

    def write(self, data: bytes) -> None:
        self._out.write(data)
        self._empty = False

    def close(self) -> None:
        if self._empty:
            self._out.write(gzip.compress(b"", compresslevel=LEVEL, mtime=0))
        self._out.close()


class TurtleFile:
    """``*.ttl``: a prefix header once, then the chunks' Turtle fragments (UTF-8)."""

    def __init__(self, path: Path, names: dict[str, str]) -> None:
        self._out: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed in close()
        for name, iri in names.items():
            self._out.write(f"@prefix {name}: <{iri}> .\n".encode())

    def write(self, text: bytes) -> None:
        self._out.write(text)

    def close(self) -> None:
        self._out.close()


class Maker:
    """Makes a chunk's fragments: serialises and compresses it for each dump."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.prefixes = prefixes(base)
        self.context = dict(sorted(self.prefixes.items()))
        self.nodes = JsonLdNodes(self.context)

    def make(self, graph: str, lines: list[str]) -> Fragments:
        suffix = f" <{graph}> ."
        triples = parse(lines)
        return Fragments(
            Tally.of(triples, self.base),
            member(lines),
            member([line[:-2] + suffix for line in lines]),
            self.turtle(triples).encode(),
            self.nodes.text(triples).encode(),
        )

    def turtle(self, triples: list[ox.Triple]) -> str:
        """Grouped by subject, with prefixed names; the prefixes are declared by the file's header only."""
        text = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=self.prefixes) or b"").decode()
        body = "\n".join(line for line in text.split("\n") if not line.startswith("@prefix "))
        return "\n" + body.strip("\n") + "\n"


def parse(lines: list[str]) -> list[ox.Triple]:
    return list(ox.parse(io.BytesIO("\n".join(lines).encode()), format=ox.RdfFormat.N_TRIPLES))


class Dumps:
    """All the dumps of a release, written together, chunk by chunk; ``copied``: chunks whose stored
    fragments were copied, ``tally``: the chunks' counts summed (``tally.triples``: lines written)."""

    def __init__(self, work: Path, base: str) -> None:
        self.maker = Maker(base)
        self.nt = Members(work / layout.NTRIPLES)
        self.nq = Members(work / layout.NQUADS)
        self.ttl = TurtleFile(work / layout.TURTLE, self.maker.prefixes)
        write_context(work / layout.CONTEXT, self.maker.prefixes)
        self.jsonld = JsonLdFile(work / layout.JSONLD, self.maker.context)
        self.tally = Tally()
        self.copied = 0

    def write(self, chunk: Chunk, stored: Stored | None = None) -> Stored:
        """A chunk (not empty) into every dump. ``stored``: fragments made before, copied if they were made
        from this very chunk, else made again. Returns the fragments written, for the spool to keep."""
        if stored is not None and stored.digest == chunk.digest:
            fragments = Fragments.unpack(stored.blob)
            self.copied += 1
        else:
            fragments = self.maker.make(chunk.graph, chunk.lines())
            stored = Stored(chunk.digest, fragments.pack())
        self._append(fragments)
        self.tally.add(fragments.tally)
        return stored

    def _append(self, fragments: Fragments) -> None:
        self.nt.write(fragments.nt)
        self.nq.write(fragments.nq)
        self.ttl.write(fragments.ttl)
        self.jsonld.write(fragments.jsonld)

    def close(self) -> None:
        for writer in (self.nt, self.nq, self.ttl, self.jsonld):
            writer.close()
