"""The engine: loading shapes, validating graphs, N-Triples batches and files, splitting a store into
batches, and ``validate_path``'s exit codes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.errors import ValidationError
from kg.validation.engine import Validator, batches
from kg.validation.engines import validate_path
from kg.validation.results import Report, Result, study_of

SHAPES = Path(__file__).resolve().parents[1] / "shapes"
VALID = SHAPES / "valid" / "full-study.ttl"
INVALID = SHAPES / "invalid" / "arm.ttl"
STUDY = "https://w3id.org/trialkg/trial/NCT01234567"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def ntriples(path: Path) -> list[str]:
    graph = rdflib.Graph().parse(path, format="turtle")
    return sorted(graph.serialize(format="nt").strip().splitlines())


def test_validates_a_graph_and_ntriples_alike(validator: Validator) -> None:
    assert len(validator.validate(rdflib.Graph().parse(VALID))) == 0
    by_graph = validator.validate(rdflib.Graph().parse(INVALID))
    by_lines = validator.validate_ntriples(ntriples(INVALID))
    assert by_graph.results == by_lines.results and not by_graph.conforms


def test_an_empty_batch_conforms(validator: Validator) -> None:
    report = validator.validate_ntriples([])
    assert report.conforms and len(report) == 0


def test_a_dataset_is_validated_as_the_union_of_its_graphs(validator: Validator) -> None:
    dataset = rdflib.Dataset()
    dataset.graph(rdflib.URIRef("urn:g")).parse(INVALID)
    assert validator.validate(dataset).results == validator.validate(rdflib.Graph().parse(INVALID)).results


def test_broken_input_and_broken_shapes_are_errors(validator: Validator, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="N-Triples"):
        validator.validate_ntriples(["<a> <b> ."])
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<s> a sh:NodeShape ;", encoding="utf-8")
    with pytest.raises(ValidationError, match="do not parse"):
        Validator([broken])
    values = tmp_path / "values.ttl"
    values.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ;\n"
        ' sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationError):
        Validator([values]).validate(rdflib.Graph().parse(data='<urn:x> <urn:p> "1" .', format="nt"))


def test_results_of_a_study_and_its_parts_belong_to_the_study() -> None:
    assert study_of(STUDY) == STUDY
    assert study_of(STUDY + "/site/3/contact/1") == STUDY
    assert study_of("https://w3id.org/trialkg/org/acme") is None
    violation = Result("Violation", "<urn:s>", "m", f"<{STUDY}/arm/1>")
    warning = Result("Warning", "<urn:s>", "m", "<https://w3id.org/trialkg/trial/NCT07654321>")
    shared = Result("Violation", "<urn:s>", "m", "<https://w3id.org/trialkg/org/acme>")
    assert Report({violation, warning, shared}).studies_with_violations() == {STUDY}


def test_reports_merge_without_duplicates() -> None:
    a = Result("Warning", "<urn:s>", "m", "<urn:x>")
    b = Result("Violation", "<urn:s>", "m", "<urn:y>", path="<urn:p>", value='"1"')
    merged = Report({a}).merge(Report({a, b}))
    assert len(merged) == 2 and not merged.conforms
    assert merged.violation_count() == 1 and merged.warning_count() == 1
    assert Report({a}).conforms


def test_batches_carry_the_shared_nodes_each_study_points_to() -> None:
    lines = ntriples(SHAPES / "valid" / "full-study.ttl") + ntriples(SHAPES / "valid" / "minimal-study.ttl")
    lines.append('<https://w3id.org/trialkg/org/lonely> <https://schema.org/name> "Nobody points here" .')
    store = ox.Store()
    store.load("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)
    parts = [_parsed(part) for part in batches(store, size=1)]
    assert len(parts) == 3  # one per study, then the nodes no study points to
    for part in parts[:2]:  # every shared node a study points to comes with its triples
        subjects = {t.subject for t in part}
        pointed = {t.object for t in part if isinstance(t.object, ox.NamedNode) and "/trialkg/org/" in t.object.value}
        assert pointed and pointed <= subjects
    lonely = ox.NamedNode("https://w3id.org/trialkg/org/lonely")
    assert parts[2] == {ox.Triple(lonely, ox.NamedNode("https://schema.org/name"), ox.Literal("Nobody points here"))}
    assert set().union(*parts) == _parsed(lines)


def _parsed(lines: list[str]) -> set[ox.Triple]:
    return {q.triple for q in ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)}


def test_batches_of_named_graphs_cover_all_graphs() -> None:
    store = ox.Store()
    lines = ntriples(SHAPES / "valid" / "minimal-study.ttl")
    quads = "\n".join(f"{line[:-2]} <urn:graph:{i % 3}> ." for i, line in enumerate(lines))
    store.load(quads.encode(), format=ox.RdfFormat.N_QUADS)
    assert sorted(line for part in batches(store) for line in part) == sorted(lines)


def test_data_with_blank_nodes_is_one_batch() -> None:
    store = ox.Store()
    store.load(b"_:a <urn:p> <urn:o> .\n<urn:s> <urn:p> _:a .\n", format=ox.RdfFormat.N_TRIPLES)
    assert [len(part) for part in batches(store)] == [2]


def test_validate_path_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate_path(str(VALID)) == 0
    assert "conforms" in capsys.readouterr().out
    assert validate_path(str(INVALID), str(tmp_path / "out")) == 1
    out = capsys.readouterr().out
    assert "does NOT conform" in out and "tkgsh:Arm-label" in out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.html", "report.ttl", "report.txt"]
    assert validate_path(str(tmp_path / "missing.ttl")) == 2
    assert capsys.readouterr().err.startswith("trialkg: ")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    assert validate_path(str(bad)) == 2
    unknown = tmp_path / "data.xyz"
    unknown.write_text("", encoding="utf-8")
    assert validate_path(str(unknown)) == 2


def test_validate_path_on_a_release_uses_its_gzipped_ntriples(tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.mkdir()
    with gzip.open(release / "trialkg.nt.gz", "wt", encoding="utf-8") as dump:
        dump.write("\n".join(ntriples(INVALID)) + "\n")
    (release / "trialkg.ttl").write_text(VALID.read_text(encoding="utf-8"), encoding="utf-8")
    assert validate_path(str(release)) == 1
    (release / "trialkg.nt.gz").unlink()
    assert validate_path(str(release)) == 0
    assert validate_path(str(tmp_path / "empty-dir-does-not-exist")) == 2
