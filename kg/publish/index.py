"""The query index of a release (``store/``, what ``query`` and ``serve`` open): its triples in the default
graph, exactly those of the N-Triples dump.

A first build loads the whole dump (:func:`load_store`). A build with a previous release that has an
index makes the new one from it instead (:func:`by_delta`), in time proportional to the change: a
checkpoint of the previous index (``Store.backup``: hard links to its immutable files, so the previous
release stays as it was), then the delta the build has just written (``delta/removed.nt.gz``, then
``delta/added.nt.gz``: previous - removed + added = new). Each triple removed must be in the index and
each triple added must not be, the previous count moved by the delta must be the dump's count, and so
must the count of the index made (``len``, a scan of one of its indexes, ~0.5 µs a triple, the only
part of the work in proportion to the whole release); else the index is not what the previous release
said it was, and the build loads the dump in full after all (:func:`make_index` says which happened,
and why). While the delta is applied, the changes to the
VoID counts are tallied (:class:`kg.publish.statistics.Change`), so that the statistics need no count
over the whole index either.
"""

from __future__ import annotations

import gzip
import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from kg.publish import release as layout
from kg.publish.statistics import Change

STORE_CHUNK = 200_000  # N-Triples lines per bulk load into the query index


class StaleIndex(Exception):
    """The previous index does not hold what the previous release's dump and statistics say."""


@dataclass
class Indexed:
    """How the index was made: ``by delta`` (with the ``change`` tallied) or ``in full`` (and ``why``)."""

    method: str
    why: str = ""
    change: Change | None = None

    def as_dict(self) -> dict[str, str]:
        return {"method": self.method, **({"why": self.why} if self.why else {})}


def make_index(work: Path, previous: Path | None, previous_triples: int | None, triples: int) -> Indexed:
    """The index of the release in ``work``, whose dump holds ``triples``: by delta from the ``previous``
    release's (which holds ``previous_triples``, when known), or in full."""
    why = _why_not(previous, previous_triples)
    if not why:
        assert previous is not None and previous_triples is not None
        try:
            change = by_delta(previous / layout.STORE, work, previous_triples, triples)
            return Indexed("by delta", change=change)
        except (StaleIndex, OSError, ValueError) as exc:  # pyoxigraph raises OSError for a store it cannot open
            why = f"the previous index could not be updated: {exc}"
            shutil.rmtree(work / layout.STORE, ignore_errors=True)
    load_store(work)
    return Indexed("in full", why)


def _why_not(previous: Path | None, previous_triples: int | None) -> str:
    if previous is None:
        return "no previous release"
    if not (previous / layout.STORE).is_dir():
        return "the previous release has no index"
    if previous_triples is None:
        return "the previous release kept no statistics (built by an older trialkg)"
    return ""


def by_delta(source: Path, work: Path, before: int, expected: int) -> Change:
    """Make ``work``'s index from the index at ``source`` (``before`` triples) and ``work``'s delta; raise
    :class:`StaleIndex` unless the result holds ``expected`` triples, each delta triple applying."""
    old = ox.Store.read_only(str(source))
    try:
        old.backup(str(work / layout.STORE))
    finally:
        del old
    store = ox.Store(str(work / layout.STORE))
    change = Change()
    for triple in itertools.chain(_triples(work / layout.DELTA_REMOVED), _triples(work / layout.DELTA_ADDED)):
        change.touch(triple)
    change.presence(store, after=False)
    for triple in _triples(work / layout.DELTA_REMOVED):
        quad = _quad(triple)
        if quad not in store:
            raise StaleIndex(f"{triple} is removed by the delta but not in the previous index")
        store.remove(quad)
        change.count(triple, -1)
    for triple in _triples(work / layout.DELTA_ADDED):
        quad = _quad(triple)
        if quad in store:
            raise StaleIndex(f"{triple} is added by the delta but in the previous index already")
        store.add(quad)
        change.count(triple, 1)
    change.presence(store, after=True)
    if before + change.triples != expected:
        raise StaleIndex(f"{before} triples {change.triples:+} by the delta is not the dump's {expected}")
    store.flush()
    held = len(store)  # a scan of one index (~0.5 µs a triple): what the counts above cannot see
    del store
    if held != expected:
        raise StaleIndex(f"the index holds {held} triples, not the dump's {expected}")
    return change


def _quad(triple: ox.Triple) -> ox.Quad:
    return ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph())


def _triples(path: Path) -> Iterator[ox.Triple]:
    with gzip.open(path, "rb") as dump:
        for quad in ox.parse(cast(IO[bytes], dump), format=ox.RdfFormat.N_TRIPLES):
            yield quad.triple


def load_store(work: Path) -> None:
    """The whole N-Triples dump into a new index, in chunks: one ``bulk_load`` of a whole dump holds memory
    in proportion to its size."""
    store = ox.Store(str(work / layout.STORE))
    with gzip.open(work / layout.NTRIPLES, "rb") as dump:
        while chunk := list(itertools.islice(dump, STORE_CHUNK)):
            store.bulk_load(b"".join(chunk), format=ox.RdfFormat.N_TRIPLES)
    store.optimize()
    store.flush()
    del store
