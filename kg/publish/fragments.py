"""Fragments: one chunk's part of every dump, made once and copied by the later builds that write the same chunk.

A chunk (a study's sorted lines with its provenance, or a run of shared nodes) is written into the four
dumps as four self-contained pieces that do not depend on what was written before them:

* ``nt``, ``nq``: whole gzip members, no name, time 0 (RFC 1952 §2.2: a gzip file is a series of
  members; gzip, zcat, Python's gzip, ``oxigraph load`` and Virtuoso's ``ld_dir`` read them all, and so
  is Java's ``GZIPInputStream`` documented to);
* ``ttl``: Turtle statements with the release's prefixes (the dump's header declares them once);
* ``jsonld``: node objects, one a line, joined by ``",\\n"`` (the writer puts the separator between
  chunks, so a fragment never depends on whether it comes first);
* and beside them the chunk's VoID counts (:class:`kg.publish.statistics.Tally`), which the dumps sum.

So a dump is the concatenation of its chunks' fragments, and a chunk's fragments depend only on its
lines, its graph, the release's prefixes and the code that writes them. A :class:`Chunk`'s
digest hashes exactly that; a build keeps each study's fragments with their digest in ``studies.sqlite``,
and the next build copies them, instead of serialising and compressing again, when the chunk it is to
write has the same digest (:class:`kg.publish.dumps.Dumps`). Fresh or not, the bytes are the same.

A study's digest is taken over its own triples as the spool packs them (zlib is lossless, so the same
packed bytes are the same lines) and its provenance lines: a study whose fragments are copied is never
unpacked, joined or sorted. Its own triples' packed bytes are the previous release's row, copied, when the
study is reused; packed by another zlib they differ, and the fragments are made again (never wrongly copied).

The shared nodes are cut into runs by their content (:func:`runs`), not every so many lines: a run ends
before a subject whose hash says so, so a new shared node changes the run it falls in, not every run
after it, and the other runs' fragments are copied too.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg.iris import prefixes
from kg.publish.statistics import Tally

#: The code whose output a fragment is (the tally's too): when any of it changes, no fragment is copied.
WRITERS = ("fragments.py", "dumps.py", "jsonld.py", "statistics.py")
_LEVEL = 3  # zlib level of the stored Turtle and JSON-LD: level 6 saves 11 % (1.4 KB) for 0.7 ms more a study
_HEADER = struct.Struct("<IIII")  # the lengths of nt, nq, the Turtle text and the JSON-LD text
CUT = 1024  # a run of shared nodes ends before one subject in CUT (by hash): some 3,000 lines a run
MAX_RUN = 20_000  # lines a run at most (what the writers hold at once)


@dataclass(frozen=True)
class Fragments:
    """A chunk's part of each dump (see the module's docstring)."""

    tally: Tally
    nt: bytes
    nq: bytes
    ttl: bytes  # UTF-8, as the files hold them
    jsonld: bytes

    def pack(self) -> bytes:
        """The gzip members as they are, the texts and the tally compressed together (they share most strings)."""
        text = zlib.compress(self.ttl + self.jsonld + self.tally.to_bytes(), _LEVEL)
        sizes = _HEADER.pack(len(self.nt), len(self.nq), len(self.ttl), len(self.jsonld))
        return sizes + self.nt + self.nq + text

    @classmethod
    def unpack(cls, blob: bytes) -> Fragments:
        nt_size, nq_size, ttl_size, jsonld_size = _HEADER.unpack_from(blob)
        start = _HEADER.size
        nq_start = start + nt_size
        text = zlib.decompress(blob[nq_start + nq_size :])
        return cls(
            Tally.from_bytes(text[ttl_size + jsonld_size :]),
            blob[start:nq_start],
            blob[nq_start : nq_start + nq_size],
            text[:ttl_size],
            text[ttl_size : ttl_size + jsonld_size],
        )


@dataclass(frozen=True)
class Stored:
    """Fragments as a spool keeps them: the digest of the chunk they were made from, and the packed bytes."""

    digest: str
    blob: bytes


@dataclass(frozen=True)
class Chunk:
    """What is written into the dumps at once: the graph it goes in, the digest of what it holds, and its
    lines (sorted, distinct N-Triples), asked for only when the fragments must be made."""

    graph: str
    digest: str
    lines: Callable[[], list[str]]

    @classmethod
    def of_lines(cls, base: str, graph: str, lines: list[str]) -> Chunk:
        return cls(graph, digest(base, graph, "\n".join(lines).encode()), lambda: lines)

    @classmethod
    def of_study(cls, base: str, graph: str, packed: bytes, prov: list[str], lines: Callable[[], list[str]]) -> Chunk:
        """A study: its own triples ``packed`` (:func:`kg.publish.spool.pack`), its provenance, and how to get
        the chunk's lines (both, sorted together)."""
        return cls(graph, digest(base, graph, packed, "\n".join(prov).encode()), lines)


def digest(base: str, graph: str, *parts: bytes) -> str:
    """What a chunk's fragments are a function of: the writers (with the base's prefixes), the graph and
    the content (``parts``, each hashed with its length)."""
    hashed = hashlib.sha256(f"{writers(base)}\n{graph}\n{len(parts)}\n".encode())
    for part in parts:
        hashed.update(len(part).to_bytes(8, "little"))
        hashed.update(part)
    return hashed.hexdigest()


@cache
def writers(base: str) -> str:
    """A hash of the writers' source, of pyoxigraph's version (it writes the Turtle), of zlib's (it
    compresses) and of the prefixes of ``base`` (Turtle and JSON-LD use them): fragments made by other
    code or with other prefixes are made again, never copied."""
    hashed = hashlib.sha256(f"pyoxigraph {ox.__version__} zlib {zlib.ZLIB_RUNTIME_VERSION}\n".encode())
    hashed.update(json.dumps(sorted(prefixes(base).items())).encode())
    here = Path(__file__).parent
    for name in WRITERS:
        hashed.update(hashlib.sha256((here / name).read_bytes()).digest())
    return hashed.hexdigest()


def runs(lines: Iterable[str]) -> Iterator[list[str]]:
    """Sorted N-Triples lines (the shared nodes) in runs that end where the content says: before a new
    subject whose CRC-32 is a multiple of :data:`CUT`, or at :data:`MAX_RUN` lines. The same lines give the
    same runs, and a line added or removed changes one run (or two)."""
    run: list[str] = []
    subject = ""
    for line in lines:
        this = line[: line.index(" ")]
        if run and ((this != subject and zlib.crc32(this.encode()) % CUT == 0) or len(run) == MAX_RUN):
            yield run
            run = []
        run.append(line)
        subject = this
    if run:
        yield run


def run_key(run: list[str]) -> str:
    """Where a run's fragments are kept: under its first subject (a run keeps its start when others change)."""
    return "shared " + run[0][: run[0].index(" ")]
