"""The dumps of a small hand-made release: each parses with a third-party parser and all hold the same
triples; the N-Quads has one named graph per study with its provenance; the JSON-LD's context is the
published one; two builds of the same input are byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.publish import release as layout
from kg.publish.build import BuildSummary, build
from tests.fixtures import api_study, write_json
from tests.publish.conftest import small_inputs
from tests.publish.dumpcheck import needs_rapper, nt_lines, rapper_quads, rapper_triples, rdflib_jsonld

BASE = "https://w3id.org/trialkg/"
PROV = "http://www.w3.org/ns/prov#"
TKG = "https://w3id.org/trialkg/ontology#"
DCT = "http://purl.org/dc/terms/"


def test_a_release_has_every_dump_and_its_metadata(small_release: tuple[Path, BuildSummary]) -> None:
    release, summary = small_release
    for name in (*layout.DUMPS, layout.VOID, layout.REPORT, layout.STUDIES, layout.STORE, "ontology", "shapes"):
        assert (release / name).exists(), name
    assert summary.published == 3 and summary.converted == 3 and summary.reused == 0
    assert not (release / layout.DELTA).exists()  # no --previous, no delta
    assert [p.name for p in release.parent.iterdir() if ".partial-" in p.name] == []


@needs_rapper
def test_every_dump_parses_with_a_third_party_parser_and_all_hold_the_same_triples(
    small_release: tuple[Path, BuildSummary],
) -> None:
    release, summary = small_release
    nt = rapper_triples(release / layout.NTRIPLES, "ntriples")
    assert set(nt.values()) == {1} and len(nt) == summary.triples  # distinct lines, as many as reported
    assert rapper_triples(release / layout.TURTLE, "turtle", resolve=True) == rapper_triples(
        release / layout.NTRIPLES, "ntriples", resolve=True
    )
    assert rapper_triples(release / layout.NQUADS, "nquads") == nt  # the union of the graphs, each triple once
    assert rdflib_jsonld(release / layout.JSONLD) == nt


@needs_rapper
def test_one_named_graph_per_study_holding_its_triples_and_provenance(
    small_release: tuple[Path, BuildSummary],
) -> None:
    release, _ = small_release
    graphs: dict[str, set[ox.Triple]] = {}
    for quad in rapper_quads(release / layout.NQUADS, "nquads"):
        assert isinstance(quad.graph_name, ox.NamedNode), quad  # every triple is in a named graph
        graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    studies = {f"{BASE}trial/NCT0000000{i}" for i in (1, 2, 3)}
    assert set(graphs) == studies | {f"{BASE}graph/shared"}
    for study in studies:
        triples = graphs[study]
        assert all(t.subject.value == study or t.subject.value.startswith(f"{study}/") for t in triples)
        node, record, conversion = (ox.NamedNode(f"{study}{tail}") for tail in ("", "/record", "/conversion"))
        assert ox.Triple(node, ox.NamedNode(f"{PROV}wasDerivedFrom"), record) in triples
        assert ox.Triple(node, ox.NamedNode(f"{PROV}wasGeneratedBy"), conversion) in triples
        about_record = {t.predicate.value for t in triples if t.subject == record}
        assert {f"{TKG}{p}" for p in ("sourceFormat", "sha256", "lastUpdate", "registryVersion")} <= about_record
        assert f"{PROV}atLocation" in about_record
        about_conversion = {(t.predicate.value, t.object.value) for t in triples if t.subject == conversion}
        assert (f"{PROV}wasAssociatedWith", f"{BASE}software/trialkg/0.1.0") in about_conversion
        assert any(p == f"{DCT}isPartOf" and o.startswith(f"{BASE}build/") for p, o in about_conversion)
    assert not any(t.subject.value.startswith(f"{BASE}trial/") for t in graphs[f"{BASE}graph/shared"])


def test_no_time_in_the_dumps_the_build_time_is_in_the_metadata(small_release: tuple[Path, BuildSummary]) -> None:
    release, summary = small_release
    day = summary.started[:10]
    # the bytes: no term of any kind (literal, IRI) in any dump may hold the day of the build
    for name in (layout.TURTLE, layout.JSONLD, layout.CONTEXT):
        assert day not in (release / name).read_text(encoding="utf-8"), name
    assert not any(day in line for line in nt_lines(release / layout.NTRIPLES))
    void = rdflib.Graph().parse(release / layout.VOID, format="turtle")
    activity = rdflib.URIRef(summary.activity)
    prov = rdflib.Namespace(PROV)
    assert str(void.value(activity, prov.startedAtTime)) == summary.started
    assert str(void.value(activity, prov.endedAtTime)) == summary.ended


def test_the_jsonld_context_is_the_published_one(small_release: tuple[Path, BuildSummary]) -> None:
    release, _ = small_release
    context = json.loads((release / layout.CONTEXT).read_text(encoding="utf-8"))["@context"]
    assert context["tkg"] == "https://w3id.org/trialkg/ontology#" and context["trial"] == f"{BASE}trial/"
    assert "@vocab" not in context
    document = json.loads((release / layout.JSONLD).read_text(encoding="utf-8"))
    assert document["@context"] == context
    study = next(node for node in document["@graph"] if node["@id"] == "trial:NCT00000001")
    assert "tkg:ClinicalStudy" in study["@type"] and study["schema:name"]["@language"] == "en"


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path) -> None:
    inputs = small_inputs(tmp_path / "in")
    for name in ("one", "two"):
        build([str(inputs)], str(tmp_path / name), validate=False, progress=False)
    for name in layout.DUMPS:  # the bytes are the contract here (checksums in void.ttl, mirrors, diffs)
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    report = json.loads((tmp_path / "two" / layout.REPORT).read_text())
    assert report["activity"] == json.loads((tmp_path / "one" / layout.REPORT).read_text())["activity"]


def test_the_build_activity_is_named_by_the_inputs(tmp_path: Path) -> None:
    inputs = small_inputs(tmp_path / "in")
    one = build([str(inputs)], str(tmp_path / "one"), validate=False, progress=False)
    write_json(inputs / "c.json", api_study("NCT00000004"))
    two = build([str(inputs)], str(tmp_path / "two"), validate=False, progress=False)
    assert one.activity != two.activity and one.activity.startswith(f"{BASE}build/")
