"""Dump writers: gzipped N-Triples and readable Turtle, written chunk by chunk, byte-for-byte deterministic.

Both take sorted N-Triples lines in chunks (one study, or the shared nodes), so a dump of any size is
written without ever holding the whole graph.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from typing import IO

import pyoxigraph as ox

from kg.mapping.namespaces import PREFIXES

#: Prefixes of the Turtle dump: the vocabularies plus the data's own namespaces under the base.
DATA_PREFIXES = ("trial", "org", "condition", "intervention", "country")


def turtle_prefixes(base: str) -> dict[str, str]:
    return {**PREFIXES, **{name: f"{base}{name}/" for name in DATA_PREFIXES}}


class NTriplesWriter:
    """``*.nt.gz``: one triple per line; the gzip header carries no name and no time."""

    def __init__(self, path: str) -> None:
        self._raw = open(path, "wb")  # noqa: SIM115 - closed in close(); the writer outlives any with-block
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
        self.triples = 0

    def write(self, lines: Iterable[str]) -> None:
        for line in lines:
            self._gz.write(line.encode() + b"\n")
            self.triples += 1

    def close(self) -> None:
        self._gz.close()
        self._raw.close()


class TurtleWriter:
    """``*.ttl``: a prefix header once, then each chunk grouped by subject with prefixed names."""

    def __init__(self, path: str, base: str) -> None:
        self.prefixes = turtle_prefixes(base)
        self._out: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        for name, iri in self.prefixes.items():
            self._out.write(f"@prefix {name}: <{iri}> .\n")

    def write(self, lines: list[str]) -> None:
        if not lines:
            return
        triples = ox.parse(io.BytesIO("\n".join(lines).encode()), format=ox.RdfFormat.N_TRIPLES)
        text = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=self.prefixes) or b"").decode()
        body = "\n".join(line for line in text.split("\n") if not line.startswith("@prefix "))
        self._out.write("\n" + body.strip("\n") + "\n")

    def close(self) -> None:
        self._out.close()
