"""A query worker: a process that opens the release's store read-only and answers jobs sent down a pipe.

pyoxigraph cannot interrupt a running query, so queries run here, where the server can kill the
whole process when one takes too long (see :mod:`kg.serve.pool`). Before it opens the store a worker
confines itself (:mod:`kg.serve.sandbox`: no sockets, a memory ceiling), and it screens every job
itself (:mod:`kg.guard`) whatever the server checked before. This module imports nothing heavy:
it is what every worker process loads.
"""

from __future__ import annotations

import itertools
import json
import os
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg import guard
from kg.publish.workers import exit_with_parent
from kg.serve import sandbox


@dataclass(frozen=True)
class Job:
    query: str
    results_format: str | None  # a QueryResultsFormat member name, or None: SELECT/ASK not acceptable
    graph_format: str | None  # an RdfFormat member name, or None: CONSTRUCT/DESCRIBE not acceptable
    max_results: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    kind: str  # "solutions", "boolean", "graph" or "error"
    body: bytes = b""
    format: str = ""  # the member name the body is written in
    count: int = 0  # solutions or triples
    error: tuple[int, str, str, str] | None = None  # status, title, detail, hint
    retire: bool = False  # the worker should be replaced (it ran out of memory)


def main(conn: Connection, store_path: str, identity: tuple[int, int], memory_limit: int | None) -> None:
    """The worker process: say ready (or why not), then answer jobs until the pipe closes.

    ``identity`` is the (device, inode) of the store directory the pool was made for: a worker that
    finds another directory at ``store_path`` (the release was rebuilt) refuses to serve it."""
    confinement = sandbox.confine(memory_limit)
    exit_with_parent()
    try:
        store = ox.Store.read_only(store_path)
        found = os.stat(store_path)
    except (OSError, ValueError, RuntimeError) as exc:
        conn.send(("failed", f"cannot open the store {store_path}: {exc}"))
        return
    if (found.st_dev, found.st_ino) != tuple(identity):
        conn.send(("failed", f"{store_path} is no longer the store this server opened: the release was rebuilt"))
        return
    conn.send(("ready", confinement))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(execute(store, job))


def execute(store: ox.Store, job: Job) -> Answer:
    try:
        text = guard.screen(job.query)
    except guard.Refused as refused:
        return _error(refused.status, refused.title, refused.detail, refused.hint)
    try:
        result = store.query(
            text,
            default_graph=[ox.NamedNode(g) for g in job.default_graphs] or None,
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs] or None,
        )
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, job)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, job)
        return _graph(result, job)
    except PermissionError:  # the engine tried to open a socket: only SERVICE does (see kg.serve.sandbox)
        denied = guard.federation_refused()
        return _error(denied.status, denied.title, denied.detail, denied.hint)
    except MemoryError:
        return Answer("error", error=MEMORY_ERROR, retire=True)
    except SyntaxError as exc:
        if _parses_as_update(text):
            return _error(403, "SPARQL Update is not allowed", "This endpoint is read-only.", "Send a query instead.")
        return _error(400, "Malformed query", str(exc), "Check the query against the SPARQL 1.1 grammar.")
    except ValueError as exc:
        return _error(400, "Bad request", str(exc), "Graph IRIs must be absolute IRIs.")
    except (OSError, RuntimeError) as exc:
        return _error(500, "Query failed", str(exc), "Try again; if it persists, report it.")


#: The answer to a query that needs more memory than a worker may have (its worker is then replaced).
MEMORY_ERROR = (
    422,
    "Query needs too much memory",
    "the query needed more memory than this endpoint gives one query, and was stopped",
    "Make it more selective (fewer unbound patterns, no DISTINCT over everything, a LIMIT), or download the dumps.",
)


def _error(status: int, title: str, detail: str, hint: str) -> Answer:
    return Answer("error", error=(status, title, detail, hint))


def _too_many(job: Job, what: str) -> Answer:
    return _error(
        422,
        "Result too large",
        f"the query gives more than {job.max_results} {what}, the most this endpoint returns",
        "Add LIMIT and OFFSET to page through the results, or download the dumps from /downloads.",
    )


def _not_acceptable(kind: str, wanted: str) -> Answer:
    return _error(
        406,
        "Not acceptable",
        f"a {kind} query's result cannot be written as the requested format",
        f"Ask for {wanted}.",
    )


def _boolean(result: ox.QueryBoolean, job: Job) -> Answer:
    if job.results_format is None:
        return _not_acceptable("ASK", "json, xml, csv or tsv")
    fmt = getattr(ox.QueryResultsFormat, job.results_format)
    return Answer("boolean", result.serialize(format=fmt) or b"", job.results_format, 1)


def _solutions(result: ox.QuerySolutions, job: Job) -> Answer:
    if job.results_format is None:
        return _not_acceptable("SELECT", "json, xml, csv or tsv")
    names = [v.value for v in result.variables]
    rows = list(itertools.islice(result, job.max_results + 1))
    if len(rows) > job.max_results:
        return _too_many(job, "solutions")
    bindings = [{n: _json_term(t) for n in names if (t := row[n]) is not None} for row in rows]
    body = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if job.results_format != "JSON":  # the other writers are pyoxigraph's own, fed the same solutions
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=getattr(ox.QueryResultsFormat, job.results_format)) or b""
    return Answer("solutions", body, job.results_format, len(rows))


def _json_term(term: Any) -> dict[str, Any]:
    """A term as SPARQL 1.1 Query Results JSON writes it."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {  # an RDF 1.2 triple term
        "type": "triple",
        "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
    }


def _graph(result: ox.QueryTriples, job: Job) -> Answer:
    if job.graph_format is None:
        return _not_acceptable("CONSTRUCT or DESCRIBE", "turtle, ntriples, jsonld or rdfxml")
    triples = list(itertools.islice(result, job.max_results + 1))
    if len(triples) > job.max_results:
        return _too_many(job, "triples")
    return Answer("graph", write_graph(triples, job.graph_format, job.prefixes), job.graph_format, len(triples))


def write_graph(triples: list[ox.Triple], format_name: str, prefixes: dict[str, str]) -> bytes:
    """Triples in an RdfFormat (by member name), with those of ``prefixes`` they use where the format has them."""
    if format_name not in ("TURTLE", "RDF_XML"):
        return ox.serialize(triples, format=getattr(ox.RdfFormat, format_name)) or b""
    terms = [n for t in triples for n in (t.subject, t.predicate, t.object)]
    iris = {n.value for n in terms if isinstance(n, ox.NamedNode)}
    iris |= {n.datatype.value for n in terms if isinstance(n, ox.Literal)}
    namespaces = {iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] for iri in iris}
    used = {name: ns for name, ns in prefixes.items() if any(n.startswith(ns) for n in namespaces)}
    grouped = sorted(triples, key=lambda t: str(t.subject))  # one block per subject
    return ox.serialize(grouped, format=getattr(ox.RdfFormat, format_name), prefixes=used) or b""


def _parses_as_update(text: str) -> bool:
    """A second opinion, by a full parser, on a request pyoxigraph would not parse as a query."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
    except Exception:  # noqa: BLE001 - any parse failure means "not an update"
        return False
    return isinstance(parsed.get("request"), list) and bool(parsed.get("request"))
