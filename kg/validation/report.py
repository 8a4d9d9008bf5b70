"""A validation report three ways: readable text, a Turtle ``sh:ValidationReport``, a standalone HTML page.

Results are grouped by severity, source shape and message, with a count and up to three example
focus nodes each. All three outputs are deterministic: the same report gives the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.util import from_n3

from kg.iris import curie
from kg.mapping.namespaces import DESCRIPTION_PREFIXES, PREFIXES
from kg.templates import render
from kg.validation.results import SEVERITIES, SH, Report, Result, merge

__all__ = ["Group", "groups", "html_report", "merge", "text_report", "turtle_report", "write_reports"]

EXAMPLES = 3
FILES = {"text": "report.txt", "turtle": "report.ttl", "html": "report.html"}
_PREFIXES = {**PREFIXES, "tkgsh": DESCRIPTION_PREFIXES["tkgsh"]}


@dataclass(frozen=True)
class Group:
    """The results of one shape with one message and severity."""

    severity: str
    shape: str
    message: str
    results: tuple[Result, ...]

    @property
    def examples(self) -> tuple[Result, ...]:
        return self.results[:EXAMPLES]


def short(term: str | None) -> str:
    """A term in N-Triples syntax, shortened with the usual prefixes (``tkg:phase``)."""
    if not term:
        return ""
    if term.startswith("<") and term.endswith(">"):
        return curie(term[1:-1], term=True)
    return term if len(term) <= 80 else term[:77] + "..."


def groups(report: Report) -> list[Group]:
    """The results grouped by (severity, shape, message): violations first, then the biggest groups."""
    grouped: dict[tuple[str, str, str], list[Result]] = {}
    for result in report:
        grouped.setdefault((result.severity, result.shape, result.message), []).append(result)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    ordered = sorted(grouped.items(), key=lambda kv: (rank.get(kv[0][0], 9), -len(kv[1]), kv[0]))
    return [Group(sev, shape, message, tuple(results)) for (sev, shape, message), results in ordered]


def _summary(report: Report) -> str:
    counts = report.by_severity()
    verdict = "conforms" if report.conforms else "does NOT conform"
    shown = [s for s in SEVERITIES if counts[s] or s != "Info"]
    parts = ", ".join(f"{counts[s]} {s.lower()}{'s' if counts[s] != 1 else ''}" for s in shown)
    return f"The data {verdict} to the trialkg shapes: {parts}."


def text_report(report: Report) -> str:
    """The readable report: a summary line, then each group with its count and examples."""
    lines = [_summary(report)]
    for group in groups(report):
        lines.append("")
        lines.append(f"{group.severity.upper()}  {short(group.shape)}  ({len(group.results)})")
        lines.append(f"  {group.message}")
        for result in group.examples:
            detail = " ".join(x for x in (short(result.path), short(result.value)) if x)
            lines.append(f"    e.g. {short(result.focus)}" + (f"  [{detail}]" if detail else ""))
    return "\n".join(lines) + "\n"


def _result_iri(result: Result) -> rdflib.URIRef:
    digest = hashlib.sha256(repr(result).encode()).hexdigest()[:24]
    return rdflib.URIRef(f"urn:trialkg:validation-result:{digest}")


def report_graph(report: Report) -> rdflib.Graph:
    """The report as a SHACL ``sh:ValidationReport`` graph, with ``sh:conforms`` as SHACL has it: false
    whenever there is a result, warnings included (the text and HTML reports, and the exit code, give
    trialkg's verdict: no Violation). Nodes have IRIs made from their content, so output is stable."""
    sh = rdflib.Namespace(SH)
    graph = rdflib.Graph()
    for prefix, namespace in {**_PREFIXES, "sh": SH}.items():
        graph.bind(prefix, namespace)
    node = rdflib.URIRef("urn:trialkg:validation-report")
    graph.add((node, rdflib.RDF.type, sh.ValidationReport))
    graph.add((node, sh.conforms, rdflib.Literal(report.shacl_conforms)))
    for result in report:
        r = _result_iri(result)
        graph.add((node, sh.result, r))
        graph.add((r, rdflib.RDF.type, sh.ValidationResult))
        graph.add((r, sh.resultSeverity, sh[result.severity]))
        graph.add((r, sh.resultMessage, rdflib.Literal(result.message)))
        for prop, term in (
            (sh.focusNode, result.focus),
            (sh.sourceShape, result.shape),
            (sh.resultPath, result.path),
            (sh.value, result.value),
            (sh.sourceConstraintComponent, result.component),
        ):
            if term and (prop != sh.resultPath or term.startswith("<")):  # complex paths are text only
                graph.add((r, prop, from_n3(term)))  # type: ignore[arg-type]
    return graph


def turtle_report(report: Report) -> str:
    return report_graph(report).serialize(format="turtle")


def html_report(report: Report, title: str = "trialkg validation report") -> str:
    """A standalone HTML page of the report (inline CSS, no scripts)."""
    shown = [
        {
            "severity": group.severity,
            "shape": short(group.shape),
            "message": group.message,
            "count": len(group.results),
            "examples": [
                {"focus": short(r.focus), "path": short(r.path), "value": short(r.value)} for r in group.examples
            ],
        }
        for group in groups(report)
    ]
    return render(
        "validation/report.html", title=title, conforms=report.conforms, summary=_summary(report), groups=shown
    )


def write_reports(report: Report, out_dir: str | Path) -> list[Path]:
    """Write ``report.txt``, ``report.ttl`` and ``report.html`` into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, text in (("text", text_report(report)), ("turtle", turtle_report(report)), ("html", html_report(report))):
        path = out / FILES[kind]
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
