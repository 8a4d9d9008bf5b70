"""The three report formats: grouped text, a Turtle sh:ValidationReport, standalone HTML."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SH

from kg.validation.report import groups, html_report, short, text_report, turtle_report, write_reports
from kg.validation.results import Report, Result
from tests.htmlpage import Page

SHAPE = "<https://w3id.org/trialkg/shapes#Arm-label>"
TRIAL = "https://w3id.org/trialkg/trial/NCT0000000"


def report() -> Report:
    results = {
        Result(
            "Violation",
            SHAPE,
            "An arm must have a label.",
            f"<{TRIAL}{i}/arm/1>",
            path="<http://www.w3.org/2000/01/rdf-schema#label>",
        )
        for i in range(5)
    }
    results.add(
        Result(
            "Warning",
            "<https://w3id.org/trialkg/shapes#W>",
            "Doubtful <b>&</b>.",
            f"<{TRIAL}9>",
            value='"0"^^<http://www.w3.org/2001/XMLSchema#integer>',
        )
    )
    return Report(results)


def test_groups_put_violations_first_with_all_results() -> None:
    found = groups(report())
    assert [(g.severity, short(g.shape), len(g.results), len(g.examples)) for g in found] == [
        ("Violation", "tkgsh:Arm-label", 5, 3),
        ("Warning", "tkgsh:W", 1, 1),
    ]


def test_text_report_has_counts_messages_and_three_examples() -> None:
    """The text report's lines are its contract (people read them, the CLI prints them): compared as text."""
    text = text_report(report())
    assert text.startswith("The data does NOT conform to the trialkg shapes: 5 violations, 1 warning.")
    assert "VIOLATION  tkgsh:Arm-label  (5)" in text and "An arm must have a label." in text
    assert text.count("e.g. ") == 4
    assert "[rdfs:label]" in text
    assert text_report(Report()).startswith("The data conforms to the trialkg shapes: 0 violations, 0 warnings.")


def test_turtle_report_is_a_shacl_validation_report_and_stable() -> None:
    text = turtle_report(report())
    assert text == turtle_report(report())
    graph = rdflib.Graph().parse(data=text, format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == rdflib.Literal(False)
    results = list(graph.objects(node, SH.result))
    assert len(results) == 6
    assert len(list(graph.subjects(SH.resultSeverity, SH.Violation))) == 5
    assert (None, SH.value, rdflib.Literal(0)) in graph
    assert not any(isinstance(n, rdflib.BNode) for t in graph for n in t)
    conforming = rdflib.Graph().parse(data=turtle_report(Report()), format="turtle")
    assert (None, SH.conforms, rdflib.Literal(True)) in conforming


def test_sh_conforms_is_false_with_warnings_alone_as_shacl_has_it() -> None:
    """SHACL 3.6: ``sh:conforms`` is true only with no result at all; trialkg's verdict allows warnings."""
    warnings = Report({r for r in report() if r.severity == "Warning"})
    graph = rdflib.Graph().parse(data=turtle_report(warnings), format="turtle")
    assert (None, SH.conforms, rdflib.Literal(False)) in graph
    assert warnings.conforms and not warnings.shacl_conforms
    assert text_report(warnings).startswith("The data conforms to the trialkg shapes: 0 violations, 1 warning.")


def test_html_report_is_standalone_and_escaped() -> None:
    page = Page(html_report(report()))
    assert page.doctype is not None and page.doctype.lower() == "doctype html"
    assert page.find("style") and page.loads == []  # opens from disk: no scripts, stylesheets or images
    assert page.h1 == "trialkg validation report"
    assert page.texts("p", class_="bad") == [
        "The data does NOT conform to the trialkg shapes: 5 violations, 1 warning."
    ]
    (table,) = page.find("table")
    header, *rows = table.rows()
    assert header == ["severity", "shape", "message", "count", "examples"]
    assert [row[:4] for row in rows] == [
        ["Violation", "tkgsh:Arm-label", "An arm must have a label.", "5"],
        ["Warning", "tkgsh:W", "Doubtful <b>&</b>.", "1"],  # the message's markup shown as text
    ]
    assert not page.find("b")
    violations, warnings = (tr.find("li") for tr in table.find("tr")[1:])
    assert [li.text for li in violations] == [f"{TRIAL}{i}/arm/1 rdfs:label" for i in range(3)]
    assert [li.text for li in warnings] == [f'{TRIAL}9 = "0"^^<http://www.w3.org/2001/XMLSchema#integer>']
    assert Page(html_report(Report())).texts("p") == [
        "The data conforms to the trialkg shapes: 0 violations, 0 warnings.",
        "No results.",
    ]


def test_write_reports(tmp_path: Path) -> None:
    written = write_reports(report(), tmp_path / "validation")
    assert [p.name for p in written] == ["report.txt", "report.ttl", "report.html"]
    assert all(p.stat().st_size > 0 for p in written)


def test_a_report_kept_as_bytes_reads_back_the_same_results() -> None:
    shape, focus = "<https://w3id.org/trialkg/shapes#StudyShape>", "<https://w3id.org/trialkg/trial/NCT00000001>"
    results = {
        Result("Warning", shape, "No enrollment", focus),  # no path, no value: None beside the strings
        Result("Warning", shape, "No enrollment", focus, "<https://w3id.org/trialkg/ontology#enrollment>", '"0"'),
        Result("Violation", shape, "Bad date", focus, None, '"2020-13-45"', "<http://www.w3.org/ns/shacl#Datatype>"),
    }
    kept = Report(results).to_bytes()
    assert Report.from_bytes(kept).results == results and Report(results).to_bytes() == kept
    assert Report.from_bytes(None).results == set()
    about = Report(results).about(f'{focus} <https://w3id.org/trialkg/ontology#title> "x" .\n')
    assert about.results == results and not Report(results).about("<https://example.org/other> <p> <o> .\n")
