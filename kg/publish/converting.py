"""Mapping of the build's records in worker processes: studies in, packed triples out, in input order.

Mapping (with linking) is most of a build's work besides validation, and studies are independent, so
they are mapped in parallel, a chunk at a time, at most ``2 × jobs`` chunks in flight (memory stays
flat). A small build never pays for starting workers: the first :data:`WARM` studies to map are mapped
in this process, and the workers start only when more come (an update that reuses all but a few never
starts them). A study whose mapping raises comes back with the exception instead of its content, so
that the build can quarantine it and go on.

A file the previous release read already, with the same bytes, is not even parsed: :func:`unchanged`
makes the hook :func:`kg.sources.read` asks about each file, and what it knows comes out as an
:class:`Unchanged` record, the study's version and content taken from the previous release's row.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

from kg.linking.headings import Headings
from kg.linking.lexicon import load_all
from kg.mapping.rdf import Mapper
from kg.model import Study
from kg.publish.spool import Content, Previous, Spool, Version
from kg.publish.workers import reraise_start_error, started, starting
from kg.sources import PARSERS, Entry, Limits, Rejected
from kg.sources import Parsed as Read

CHUNK = 25  # studies mapped per task
WARM = 400  # studies mapped in this process before workers are worth starting

Outcome = Content | Exception
_mapper: Mapper | None = None


@dataclass(frozen=True)
class Unchanged:
    """A study whose file the previous release read with the same bytes: its row there, not parsed again."""

    nct_id: str
    version: Version
    content: Content


Parsed = Read | Unchanged


def unchanged(
    spool: Spool, old: Previous | None, fmt: str | None, limits: Limits
) -> Callable[[Entry], Unchanged | None]:
    """The hook for :func:`kg.sources.read`: each file's bytes are hashed (and the digest kept in ``spool``
    for the next build); a file ``old`` read with the same digest, in the same format (``fmt``, when the
    build forces one), comes out :class:`Unchanged`. The digest covers the depth limit too, the only
    limit a record within the size limit can break; a file past the size limit is always parsed."""
    wanted = importlib.import_module(PARSERS[fmt]).FORMAT if fmt else None

    def known(entry: Entry) -> Unchanged | None:
        if entry.size is not None and entry.size > limits.record_bytes:
            return None
        with entry.open() as stream:
            data = stream.read(limits.record_bytes + 1)
        if len(data) > limits.record_bytes:
            return None
        digest = f"{hashlib.sha256(data).hexdigest()} depth {limits.depth}"
        spool.put_file(entry.location, digest)
        found = old.unchanged(entry.location, digest) if old is not None else None
        if found is None or (wanted is not None and found[1].format != wanted):
            return None
        return Unchanged(*found)

    return known


def content(mapper: Mapper, study: Study) -> Content:
    """A study's triples as sorted N-Triples lines, packed: its own and the shared ones."""
    triples = mapper.map(study)
    return Content.mapped(_lines(triples.own), _lines(triples.shared))


def _lines(triples: Iterable[ox.Triple]) -> list[str]:
    return sorted(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


def _outcome(mapper: Mapper, study: Study) -> Outcome:
    try:
        return content(mapper, study)
    except Exception as exc:  # the build quarantines the study, as an internal error
        return exc


def _start_worker(base: str, lexicons: list[str], contact_details: bool, headings: Headings | None) -> None:
    global _mapper
    lexicon = load_all(lexicons)
    lexicon.headings = headings  # the build's pre-pass (kg.linking.headings), as in the build's own mapper
    _mapper = Mapper(base, lexicon=lexicon, contact_details=contact_details)


def _map_chunk(studies: list[Study]) -> list[Outcome]:
    started()
    assert _mapper is not None, "the worker was not started"
    return [_outcome(_mapper, study) for study in studies]


def converted(
    records: Iterable[Parsed],
    mapper: Mapper,
    lexicons: list[str],
    jobs: int,
    reuse: Callable[[Study], Content | None],
) -> Iterator[tuple[Parsed, Outcome | None]]:
    """Each record with its content, in input order: ``None`` for a rejected record, its content for an
    unchanged one, the ``reuse`` content where there is one, else the mapped content or the exception
    mapping raised."""
    items = ((record, _reused(record, reuse)) for record in records)
    mapped = 0  # here: the workers start once WARM studies needed mapping, however many were reused
    for record, reused in items:
        yield record, _local(mapper, record, reused)
        mapped += isinstance(record, Study) and reused is None
        if mapped == WARM:
            break
    else:
        return
    if jobs <= 1:
        yield from ((record, _local(mapper, record, reused)) for record, reused in items)
        return
    context = multiprocessing.get_context("spawn")
    start = (mapper.base, lexicons, mapper.contact_details, mapper.lexicon.headings)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=starting, initargs=(_start_worker, *start)) as pool:
        window: deque[tuple[list[tuple[Parsed, Content | None]], Future[list[Outcome]]]] = deque()
        for chunk in _chunks(items):
            todo = [r for r, reused in chunk if isinstance(r, Study) and reused is None]
            window.append((chunk, pool.submit(_map_chunk, todo)))
            if len(window) >= 2 * jobs:
                yield from _settled(*window.popleft())
        while window:
            yield from _settled(*window.popleft())


def _reused(record: Parsed, reuse: Callable[[Study], Content | None]) -> Content | None:
    if isinstance(record, Rejected):
        return None
    return record.content if isinstance(record, Unchanged) else reuse(record)


def _local(mapper: Mapper, record: Parsed, reused: Content | None) -> Outcome | None:
    if reused is not None or not isinstance(record, Study):  # reused, unchanged or rejected
        return reused
    return _outcome(mapper, record)


def _settled(
    chunk: list[tuple[Parsed, Content | None]], future: Future[list[Outcome]]
) -> Iterator[tuple[Parsed, Outcome | None]]:
    try:
        mapped = iter(future.result())
    except Exception as exc:  # the worker died (killed, out of memory): every study of the chunk says so
        reraise_start_error(exc)
        mapped = iter([exc] * len(chunk))
    for record, reused in chunk:
        if isinstance(record, Rejected):
            yield record, None
        else:
            yield record, reused if reused is not None else next(mapped)


def _chunks(items: Iterator[tuple[Parsed, Content | None]]) -> Iterator[list[tuple[Parsed, Content | None]]]:
    chunk: list[tuple[Parsed, Content | None]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
