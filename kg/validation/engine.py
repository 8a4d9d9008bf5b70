"""The SHACL engine: pySHACL with the shapes of ``shapes/``, loaded once, run on a graph or on batches.

The shapes only ever look at a node and its neighbours, and every batch the build validates holds its
studies' own triples and the shared triples about the nodes they point to. So validating batch by
batch finds exactly what validating the whole graph finds (``tests/validation`` shows it on the corpus),
and the merged :class:`~kg.validation.results.Report` is the report of the whole graph.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar, cast

import pyoxigraph as ox
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from kg.errors import InputError, ValidationError
from kg.failures import unreadable
from kg.packaged import SHAPES_DIR
from kg.validation.results import SH, Report, Result, study_of
from kg.validation.terms import graph_quads, parse_lines, rdflib_graph

BATCH = 150  # studies per batch when validating a file: the build's batch size

_SH = rdflib.Namespace(SH)
_SEVERITY: dict[Node | None, str] = {_SH.Violation: "Violation", _SH.Warning: "Warning", _SH.Info: "Info"}


class _PreparedQueries(rdflib.Graph):
    """A graph view that parses each SPARQL text once: pySHACL runs every SPARQL-based constraint once
    per focus node with the same text, and parsing costs far more than evaluating."""

    _prepared: ClassVar[dict[str, Any]] = {}

    def query(  # type: ignore[override]
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,  # noqa: N803 - rdflib's name
        initBindings: Any = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and not initNs and not kwargs:
            prepared = self._prepared.get(query_object)
            if prepared is None:
                prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def _nt(term: Node | None) -> str | None:
    return None if term is None else term.n3()


def _path(graph: rdflib.Graph, node: Node | None) -> str | None:
    """A result path: an IRI in N-Triples syntax; a complex SHACL path as a SPARQL property path, so that
    it reads well and stays the same from run to run (its blank node ids do not)."""
    if node is None or isinstance(node, rdflib.URIRef):
        return _nt(node)
    if (node, rdflib.RDF.first, None) in graph:
        return "(" + " / ".join(str(_path(graph, n)) for n in graph.items(node)) + ")"  # type: ignore[arg-type]
    for prop, form in (
        ("alternativePath", "({})"),
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "{}*"),
        ("oneOrMorePath", "{}+"),
        ("zeroOrOnePath", "{}?"),
    ):
        inner = graph.value(node, _SH[prop])
        if inner is not None:
            if prop == "alternativePath":
                return form.format(" | ".join(str(_path(graph, n)) for n in graph.items(inner)))  # type: ignore[arg-type]
            return form.format(_path(graph, inner))
    return "(unknown path)"


def load_shapes(shapes: Iterable[str | Path] | None = None) -> tuple[rdflib.Graph, list[Path]]:
    """The shapes graph of Turtle files (default: every ``*.ttl`` in ``shapes/``), and the files."""
    files = sorted(SHAPES_DIR.glob("*.ttl")) if shapes is None else [Path(f) for f in shapes]
    if not files:
        raise ValidationError(f"no shapes found in {SHAPES_DIR}")
    graph = rdflib.Graph()
    for file in files:
        try:
            graph.parse(file, format="turtle")
        except Exception as exc:  # rdflib raises many kinds; all mean the shapes are broken
            raise ValidationError(f"{file}: the shapes do not parse: {exc}") from exc
    return graph, files


class Validator:
    """Validates RDF against the trialkg shapes with pySHACL (``--engine pyshacl``, the reference engine);
    load once, call per graph or per batch.

    Not thread-safe (rdflib's SPARQL parser is not): use one validator per thread or process."""

    name = "pyshacl"

    def __init__(self, shapes: Iterable[str | Path] | None = None) -> None:
        """``shapes``: Turtle files of shapes (default: every ``*.ttl`` in ``shapes/``)."""
        self.shapes, self.files = load_shapes(shapes)

    def validate(self, graph: rdflib.Graph) -> Report:
        """Validate one graph (or dataset: the union of its graphs) and return the report. Its terms are
        first put in the normal form both engines validate (``"x"^^xsd:string`` is ``"x"``, language tags
        in lower case: see :mod:`kg.validation.terms`)."""
        return self._validate(rdflib_graph(graph_quads(graph)))

    def _validate(self, graph: rdflib.Graph) -> Report:
        data = _PreparedQueries(store=graph.store, identifier=graph.identifier)  # the same triples, queries cached
        try:
            _, report_graph, text = pyshacl_validate(
                data, shacl_graph=self.shapes, inference="none", allow_warnings=True, inplace=True
            )
        except Exception as exc:  # pySHACL reports broken shapes and engine failures as exceptions
            raise ValidationError(f"SHACL validation failed: {exc}") from exc
        if not isinstance(report_graph, rdflib.Graph):  # pySHACL's ValidationFailure
            raise ValidationError(f"SHACL validation failed: {text}")
        return Report(set(_results(report_graph)))

    def validate_ntriples(self, lines: Iterable[str]) -> Report:
        """Validate N-Triples lines: one batch of studies, their own and their shared triples."""
        # parsed by pyoxigraph, term by term into rdflib: rdflib's N-Triples parser is quadratic in a literal's length
        return self._validate(rdflib_graph(parse_lines(lines)))

    def validate_batches(self, batches: Iterable[Iterable[str]]) -> Report:
        """Validate batches of N-Triples lines one after the other and merge their reports."""
        report = Report()
        for batch in batches:
            report.merge(self.validate_ntriples(batch))
        return report

    def validate_store(self, store: ox.Store, batch: int = BATCH) -> Report:
        """Validate everything in ``store`` in batches of ``batch`` studies (see :func:`batches`)."""
        return self.validate_batches(batches(store, batch))


def _results(report: rdflib.Graph) -> Iterator[Result]:
    """The top-level results of a pySHACL report graph (not the nested ``sh:detail`` ones)."""
    for node in report.objects(None, _SH.result):
        messages = sorted(str(m) for m in report.objects(node, _SH.resultMessage))
        yield Result(
            severity=_SEVERITY.get(report.value(node, _SH.resultSeverity), "Violation"),
            shape=_nt(report.value(node, _SH.sourceShape)) or "",
            message=messages[0] if messages else "",
            focus=_nt(report.value(node, _SH.focusNode)) or "",
            path=_path(report, report.value(node, _SH.resultPath)),
            value=_nt(report.value(node, _SH.value)),
            component=_nt(report.value(node, _SH.sourceConstraintComponent)) or "",
        )


def _line(quad: ox.Quad) -> str:
    return f"{quad.subject} {quad.predicate} {quad.object} ."


def batches(store: ox.Store, size: int = BATCH) -> Iterator[list[str]]:
    """The triples of ``store`` as the build validates them: per batch of ``size`` studies, their own
    triples (subjects ``{base}trial/NCT...`` and under) and those of the other nodes they point to;
    then one batch of the nodes no study points to. Data with blank nodes is one batch."""
    if store.query("ASK { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }", use_default_graph_as_union=True):
        yield [_line(q) for q in store.quads_for_pattern(None, None, None)]
        return
    owned: dict[str, list[ox.NamedNode]] = {}
    others: set[ox.NamedNode] = set()
    subjects = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    for row in subjects:  # type: ignore[union-attr]
        subject = row["s"]
        study = study_of(subject.value)
        if study is None:
            others.add(subject)
        else:
            owned.setdefault(study, []).append(subject)
    reached: set[ox.NamedNode] = set()
    studies = sorted(owned)
    for start in range(0, len(studies), size):
        lines: list[str] = []
        pointed: set[ox.NamedNode] = set()
        for study in studies[start : start + size]:
            for subject in owned[study]:
                for quad in store.quads_for_pattern(subject, None, None):
                    lines.append(_line(quad))
                    if isinstance(quad.object, ox.NamedNode) and quad.object in others:
                        pointed.add(quad.object)
        for node in sorted(pointed, key=str):
            lines.extend(_line(q) for q in store.quads_for_pattern(node, None, None))
        reached |= pointed
        yield lines
    rest = sorted(others - reached, key=str)
    if rest:
        yield [_line(q) for node in rest for q in store.quads_for_pattern(node, None, None)]


#: The dump a release is validated from, in order of preference.
RELEASE_DUMPS = ("trialkg.nt.gz", "*.nt.gz", "*.nt", "*.nq.gz", "*.nq", "trialkg.ttl", "*.ttl")


def dump_of(path: Path) -> Path:
    """The RDF file to validate: ``path`` itself, or the dump of the release directory ``path``."""
    if path.is_file():
        return path
    if path.is_dir():
        for pattern in RELEASE_DUMPS:
            found = sorted(path.glob(pattern))
            if found:
                return found[0]
        raise InputError(f"{path}: no RDF dump (*.nt.gz, *.nt, *.nq, *.ttl) in this directory")
    raise InputError(f"{path}: no such file or directory")


def load(path: Path) -> ox.Store:
    """An in-memory store of an RDF file in any syntax pyoxigraph reads (by extension; ``.gz`` ok)."""
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    extension = name.rsplit(".", 1)[-1].lower()
    fmt = ox.RdfFormat.from_extension({"owl": "rdf", "xml": "rdf"}.get(extension, extension))
    if fmt is None:
        raise InputError(f"{path}: unknown RDF syntax .{extension}; use .nt, .nq, .ttl, .trig, .rdf or .jsonld")
    store = ox.Store()
    try:
        with gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb") as stream:
            store.bulk_load(cast(IO[bytes], stream), format=fmt)
    except (EOFError, OSError, SyntaxError, ValueError, zlib.error) as exc:
        why = unreadable(exc, fmt.name)
        if why is None:
            raise
        raise InputError(f"{path}: cannot be validated: {why}; give a complete RDF file ({fmt.name})") from exc
    return store
