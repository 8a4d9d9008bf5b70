"""Pushing a release into a triple store: a full load, or its delta; then a count to verify.

Three layouts, chosen by the options, each giving the same answers whatever the store takes its default
graph to be (see :mod:`kg.remote` for the query side):

* default: ``trialkg.nt.gz`` into the store's default graph;
* ``graph=IRI``: ``trialkg.nt.gz`` into that one named graph;
* ``per_study``: ``trialkg.nq.gz``, one named graph per study and ``{base}graph/shared`` for shared nodes.

A full load POSTs the dump in chunks through the Graph Store Protocol (N-Quads straight to the service
where the store takes them, otherwise graph by graph), or ``INSERT DATA`` chunks through SPARQL Update
(``method="update"``, or when the store has no graph store service; an update request carries at most
``chunk`` triples, and no more than the store's preset allows). A delta removes
``delta/removed.nt.gz`` (``DELETE DATA``) then adds ``delta/added.nt.gz``; in the per-study layout it
replaces the graphs of the studies added, changed or restated and the shared graph (GSP ``PUT``, read from
the new ``trialkg.nq.gz``) and drops the graphs of withdrawn studies. At the end the triples in the target
are counted through the query service and must equal ``void:triples`` of the release.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
from tqdm import tqdm

from kg.errors import LoadError, QueryError
from kg.failures import unreadable
from kg.iris import Iris
from kg.load.protocol import (
    NQUADS,
    NTRIPLES,
    Client,
    NoGraphStore,
    chunks,
    data_block,
    split_datatypes,
    strdt_updates,
    triple_of,
)
from kg.publish import release as layout
from kg.remote import RemoteEndpoint
from kg.stores import Endpoints
from kg.transport import Retry

VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
COUNT_TIMEOUT = 10.0  # seconds the count after a failed load may take


@dataclass(frozen=True)
class Target:
    """Where in the store a release goes."""

    graph: str | None = None  # one named graph for everything
    per_study: bool = False  # a named graph per study

    def __post_init__(self) -> None:
        if self.graph and self.per_study:
            raise LoadError("give either --graph IRI or --per-study, not both")

    @property
    def layout(self) -> str:
        return "per-study graphs" if self.per_study else f"graph <{self.graph}>" if self.graph else "default graph"


@dataclass
class Report:
    release: str
    version: str
    store: str
    layout: str
    method: str = ""
    added: int = 0
    removed: int = 0
    requests: int = 0
    seconds: float = 0.0
    expected: int = 0
    found: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return (self.added + self.removed) / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        verdict = "ok" if self.found == self.expected else "MISMATCH"
        return [
            f"release        {self.release} (version {self.version})",
            f"store          {self.store}: {self.layout}, through {self.method} ({self.requests} requests)",
            f"sent           +{self.added:,} / -{self.removed:,} triples in {self.seconds:.1f} s "
            f"({self.rate:,.0f} triples/s)",
            *(f"note           {note}" for note in self.notes),
            f"verified       {self.found:,} triples in the store, {self.expected:,} in void.ttl: {verdict}",
        ]


def release_info(release: Path) -> tuple[str, str, int]:
    """The release's base IRI, version and ``void:triples`` count (from ``build-report.json`` and ``void.ttl``:
    the count of the release, else of its N-Triples dump, a ``void:Dataset`` of its own)."""
    base, version = layout.base_of(release), layout.read_report(release)["version"]
    dataset = Iris(base).dataset(version)
    counts: dict[str, int] = {}
    path = (release / layout.VOID).resolve()
    try:
        with open(path, "rb") as void:
            for triple in ox.parse(void, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()):
                if triple.predicate.value == VOID_TRIPLES:
                    counts[triple.subject.value] = int(triple.object.value)
    except (OSError, SyntaxError, ValueError) as exc:
        why = "it is missing" if isinstance(exc, FileNotFoundError) else unreadable(exc, "Turtle") or str(exc)
        raise LoadError(f"{release / layout.VOID}: cannot read the triple count: {why}; rebuild the release") from exc
    for subject in (dataset, f"{dataset}/{layout.NTRIPLES}"):
        if subject in counts:
            return base, version, counts[subject]
    raise LoadError(f"{release / layout.VOID}: no void:triples for <{dataset}>; rebuild the release")


def _lines(path: Path) -> Iterator[str]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as dump:
            for line in dump:
                if line.strip():
                    yield line.rstrip("\n")
    except (EOFError, OSError, ValueError, zlib.error) as exc:
        why = "it is missing" if isinstance(exc, FileNotFoundError) else unreadable(exc)
        if why is None:
            raise
        raise LoadError(f"{path}: cannot be read: {why}; rebuild the release (or copy it again)") from exc


class Loader:
    """Loads releases into one store, in one layout."""

    def __init__(
        self,
        endpoints: Endpoints,
        client: Client,
        target: Target,
        *,
        method: str = "auto",
        chunk: int = 50_000,
        progress: bool = False,
    ) -> None:
        if method not in ("auto", "gsp", "update"):
            raise LoadError(f"unknown method {method!r}: auto, gsp or update")
        if not target.graph and not target.per_study and not endpoints.default_graph:
            raise LoadError(f"{endpoints.store} keeps no default graph: give --graph IRI (or --per-study)")
        self.endpoints, self.client, self.target, self.chunk, self.progress = endpoints, client, target, chunk, progress
        self.update_chunk = min(chunk, endpoints.update_limit or chunk)  # triples per SPARQL Update request
        self.gsp = method != "update" and endpoints.gsp is not None
        if method == "gsp" and endpoints.gsp is None:
            raise LoadError(f"no graph store service known for {endpoints.store}: give --gsp-url or --method update")
        if not self.gsp and endpoints.update is None:
            raise LoadError(f"no update service known for {endpoints.store}: give --update-url (or --gsp-url)")
        self.forced = method == "gsp"
        self.query = self._endpoint(client.timeout, client.retry)
        self._bar: tqdm | None = None
        self._notes: list[str] = []
        self._done = 0  # triples of the current operation the store has acknowledged

    def _endpoint(self, timeout: float, retry: Retry) -> RemoteEndpoint:
        graph, per_study = self.target.graph, self.target.per_study
        return RemoteEndpoint(
            self.endpoints, graph=graph, per_study=per_study, auth=self.client.auth, timeout=timeout, retry=retry
        )

    # -- the two operations ------------------------------------------------------------------------------

    def load(self, release: Path, replace: bool = False) -> Report:
        """The whole release (the target cleared first with ``replace``)."""
        base, version, expected = release_info(release)
        report = self._report(release, version)
        started, sent = time.perf_counter(), self.client.requests
        with self._giving_up(base, f"of the release's {expected:,} triples (void.ttl)"):
            if replace:
                self._clear(base)
            with self._progress(expected, "load"):
                if self.target.per_study:
                    report.added = self._add_quads(_lines(release / layout.NQUADS))
                else:
                    report.added = self._add(_lines(release / layout.NTRIPLES), self.target.graph)
        return self._finish(report, started, sent, base, expected)

    def delta(self, release: Path) -> Report:
        """The release's delta, applied to a store that holds the release it was built against."""
        base, version, expected = release_info(release)
        if not (release / layout.CHANGELOG_JSON).is_file():
            raise LoadError(f"{release}: has no delta; build it with `trialkg build ... --previous OLD` first")
        log = json.loads((release / layout.CHANGELOG_JSON).read_text(encoding="utf-8"))
        report = self._report(release, version)
        started, sent = time.perf_counter(), self.client.requests
        summary = log["summary"]
        with self._giving_up(base, "of the delta's triples", f"; the release has {expected:,} (void.ttl)"):
            if self.target.per_study:
                self._study_delta(release, base, log, report)
            else:
                with self._progress(summary["triples_removed"] + summary["triples_added"], "delta"):
                    report.removed = self._remove(_lines(release / layout.DELTA_REMOVED), self.target.graph)
                    report.added = self._add(_lines(release / layout.DELTA_ADDED), self.target.graph)
        report.notes.append(f"delta from {log['previous_version']}: {_summary(log['summary'])}")
        hint = f"; did the store hold release {log['previous_version']}? If not, load this one with --replace"
        return self._finish(report, started, sent, base, expected, hint)

    # -- adding, removing, replacing ------------------------------------------------------------------

    def _add(self, lines: Iterable[str], graph: str | None) -> int:
        total = 0
        for chunk in chunks(lines, self.chunk):
            if self.gsp:
                self._gsp("POST", graph, "\n".join(chunk) + "\n", chunk)
            else:
                self._update("INSERT DATA", [(graph, chunk)])
            total += self._tick(len(chunk))
        return total

    def _add_quads(self, quads: Iterable[str]) -> int:
        total = 0
        for chunk in chunks(quads, self.chunk):
            if self.gsp and self.endpoints.quads:
                self._gsp("POST", "", "\n".join(chunk) + "\n", chunk, kind=NQUADS)
            else:
                groups = _by_graph(chunk)
                if self.gsp:
                    for graph, triples in groups:
                        self._gsp("POST", graph, "\n".join(triples) + "\n", triples)
                else:
                    self._update("INSERT DATA", groups)
            total += self._tick(len(chunk))
        return total

    def _remove(self, lines: Iterable[str], graph: str | None) -> int:
        total = 0
        for chunk in chunks(lines, self.chunk):
            self._update("DELETE DATA", [(graph, chunk)], why="removing triples")
            total += self._tick(len(chunk))
        return total

    def _study_delta(self, release: Path, base: str, log: dict, report: Report) -> None:
        """Per-study layout: replace the graphs that changed, drop those withdrawn."""
        trial = Iris(base).trials()
        replace = {trial + s["nct_id"] for key in ("added", "changed", "restated") for s in log[key]}
        replace.add(Iris(base).shared_graph())
        graphs: dict[str, list[str]] = {g: [] for g in replace}
        for quad in _lines(release / layout.NQUADS):
            graph, triple = triple_of(quad)
            if graph in graphs:
                graphs[graph].append(triple)
        with self._progress(sum(map(len, graphs.values())), "delta"):
            for graph in sorted(graphs):
                if self.gsp:
                    self._gsp("PUT", graph, "\n".join(graphs[graph]) + "\n", graphs[graph])
                else:
                    self._update("INSERT DATA", [(graph, graphs[graph])], drop=[graph])
                report.added += self._tick(len(graphs[graph]))
            self._drop([trial + s["nct_id"] for s in log["withdrawn"]])
        report.notes.append(f"replaced {len(graphs)} graphs, dropped {len(log['withdrawn'])}")

    def _clear(self, base: str) -> None:
        """Empty the target: the default graph, the one named graph, or every study graph and the shared one."""
        if not self.target.per_study:
            self._drop([self.target.graph or ""])
            return
        _, rows = self.query.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        shared, trial = Iris(base).shared_graph(), Iris(base).trials()
        self._drop([r["g"] for r in rows if r["g"] == shared or r["g"].startswith(trial)])

    def _drop(self, graphs: list[str]) -> None:
        """Drop named graphs ('' is the default graph): in batches through Update, else one by one through GSP."""
        if self.endpoints.update is None:
            for graph in graphs:
                self._gsp("DELETE", graph or None, "", [])
            return
        for batch in chunks(graphs, 500):
            text = " ;\n".join(f"DROP SILENT GRAPH <{g}>" if g else "DROP SILENT DEFAULT" for g in batch)
            self.client.update(self.endpoints.update, text)

    # -- the two protocols ----------------------------------------------------------------------------

    def _gsp(self, method: str, graph: str | None, body: str, triples: list[str], kind: str = "") -> None:
        assert self.endpoints.gsp is not None
        try:
            self.client.gsp(method, self.endpoints.gsp, graph, body.encode() if body else b"", kind or NTRIPLES)
        except NoGraphStore as exc:
            if self.forced or self.endpoints.update is None or method == "DELETE":
                raise LoadError(f"{exc}; give --gsp-url, or --method update with --update-url") from exc
            self.gsp = False
            self._notes.append(f"{exc}: used SPARQL Update instead")
            if method == "PUT":
                self._update("INSERT DATA", [(graph, triples)], drop=[graph or ""])
            elif kind == NQUADS:
                self._update("INSERT DATA", _by_graph(triples))
            elif triples:
                self._update("INSERT DATA", [(graph, triples)])

    def _update(
        self, verb: str, blocks: list[tuple[str | None, list[str]]], drop: Iterable[str] = (), why: str = ""
    ) -> None:
        """``verb`` (INSERT DATA, DELETE DATA) of the blocks, in requests of at most ``update_chunk`` triples,
        the first one dropping the graphs ``drop`` first."""
        if self.endpoints.update is None:
            raise LoadError(f"{why or verb}: needs a SPARQL Update service; give --update-url")
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" if g else "DROP SILENT DEFAULT ;\n" for g in drop)
        blocks, typed = split_datatypes(blocks, self.endpoints.strdt)
        for piece in _pieces(blocks, self.update_chunk):
            body = "\n".join(data_block(lines, graph) for graph, lines in piece)
            self.client.update(self.endpoints.update, f"{drops}{verb} {{\n{body}\n}}")
            drops = ""
        for operations in chunks(strdt_updates(verb, typed), 100):  # after the data: a DELETE is by pattern
            self.client.update(self.endpoints.update, drops + " ;\n".join(operations))
            drops = ""

    # -- bookkeeping ----------------------------------------------------------------------------------

    def _report(self, release: Path, version: str) -> Report:
        self._notes, self._done = [], 0
        return Report(str(release), version, f"{self.endpoints.store} at {self.endpoints.query}", self.target.layout)

    def _progress(self, total: int, what: str) -> tqdm:
        self._bar = tqdm(total=total, unit=" triples", unit_scale=True, desc=what, disable=not self.progress)
        return self._bar

    def _tick(self, n: int) -> int:
        """``n`` more triples acknowledged by the store."""
        self._done += n
        if self._bar is not None:
            self._bar.update(n)
        return n

    @contextlib.contextmanager
    def _giving_up(self, base: str, of_what: str, besides: str = "") -> Iterator[None]:
        """When sending fails for good: say how far it got and what the store now holds (if it answers)."""
        try:
            yield
        except LoadError as exc:
            if self._bar is not None:  # off the terminal: the failure is the last word
                self._bar.leave = False
                self._bar.close()
            done = f"gave up with {self._done:,} {of_what} acknowledged"
            try:  # a quick count, not asked again: the store may be the trouble
                held = self.count(base, self._endpoint(min(self.client.timeout, COUNT_TIMEOUT), Retry(attempts=1)))
            except QueryError:
                now = "the store does not answer a count either"
            else:
                now = f"the store now holds {held:,} triples in the {self.target.layout}{besides}"
            raise LoadError(f"{exc}; {done}; {now}; loading again is safe (writes are idempotent)") from exc

    def count(self, base: str, endpoint: RemoteEndpoint | None = None) -> int:
        """Triples in the target, counted through the query service (independent of the union setting)."""
        query = endpoint or self.query
        if self.target.per_study:
            shared, trials = Iris(base).shared_graph(), Iris(base).trials()
            where = f'GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = <{shared}> || STRSTARTS(STR(?g), "{trials}"))'
            return query.count(where)
        return query.count()

    def _finish(self, report: Report, started: float, sent: int, base: str, expected: int, hint: str = "") -> Report:
        report.seconds = time.perf_counter() - started
        report.requests = self.client.requests - sent
        report.method = "Graph Store Protocol" if self.gsp else "SPARQL Update"
        report.notes += self._notes
        report.expected = expected
        try:
            report.found = self.count(base)
        except QueryError as exc:
            raise LoadError(f"loaded, but cannot count the triples to verify: {exc}") from exc
        if report.found != report.expected:
            if not hint and report.found > report.expected:
                hint = "; the target held other triples: load with --replace"
            raise LoadError(
                f"verification failed: the store holds {report.found:,} triples in the {report.layout}, the release "
                f"{report.expected:,} (void.ttl), after sending +{report.added:,} / -{report.removed:,}{hint}"
            )
        return report


def _by_graph(quads: list[str]) -> list[tuple[str | None, list[str]]]:
    """N-Quads lines as runs of N-Triples lines of the same graph, in order."""
    return [(graph, [t for _, t in run]) for graph, run in groupby(map(triple_of, quads), key=lambda gt: gt[0])]


def _pieces(blocks: list[tuple[str | None, list[str]]], size: int) -> Iterator[list[tuple[str | None, list[str]]]]:
    """The blocks (graph, lines) cut into requests of at most ``size`` lines, in order; one empty request
    when there are no lines (so that its drops are still sent)."""
    piece: list[tuple[str | None, list[str]]] = []
    room, sent = size, False
    for graph, lines in blocks:
        start = 0
        while start < len(lines):
            part = lines[start : start + room]
            piece.append((graph, part))
            start, room = start + len(part), room - len(part)
            if room == 0:
                yield piece
                piece, room, sent = [], size, True
    if piece or not sent:
        yield piece


def _summary(summary: dict[str, int]) -> str:
    return ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in summary.items())
