"""Posted results as RDF: typed values, links to arms and planned outcomes, personal data, and a few real
records read back triple by triple against their source files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.mapping.namespaces import DCTERMS, RDF, RDFS, SCHEMA, TKG, XSD
from kg.mapping.rdf import Mapper
from kg.mapping.result_links import ResultLinks
from kg.mapping.results import number
from kg.model import Contact, Study
from kg.sources import read
from kg.sources.ctgov_json import parse_study
from tests.results.records import records

T = "https://w3id.org/trialkg/trial/"


def _study(obj: dict) -> Study:  # type: ignore[type-arg]
    study = parse_study(obj, "test")
    assert isinstance(study, Study), study
    return study


def _graph(mapper: Mapper, study: Study) -> dict[str, set[tuple[str, ox.NamedNode | ox.Literal]]]:
    """Subject IRI -> its (predicate IRI, object) pairs."""
    graph: dict[str, set[tuple[str, ox.NamedNode | ox.Literal]]] = {}
    for t in mapper.map(study).own:
        graph.setdefault(t.subject.value, set()).add((t.predicate.value, t.object))  # type: ignore[arg-type]
    return graph


@pytest.mark.parametrize(
    "text", ["20.0", "9.50", "12", "0012", "-0.0", "+3", ".5", "1.", "-1.250", "3.14159", "NA", "2-4", ">90", "1e5"]
)
def test_numbers_are_decimals_and_keep_their_spelling(text: str) -> None:
    value, spelling = number(text)
    if text in ("NA", "2-4", ">90", "1e5"):
        assert (value, spelling) == (ox.Literal(text), None)
        return
    assert value.datatype == XSD.decimal
    store = ox.Store()  # what a store gives back: the canonical form, which the mapping writes
    store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), value, ox.DefaultGraph()))
    (row,) = list(store.query("SELECT (STR(?o) AS ?v) WHERE { ?s ?p ?o }"))
    assert row[0].value == value.value
    assert spelling == (None if value.value == text else text)
    assert float(value.value) == float(text)


def test_groups_link_to_arms_and_measures_to_planned_outcomes() -> None:
    mapper = Mapper()
    s1, _, _, s4 = records()
    g1 = _graph(mapper, _study(s1))
    arm = {a.value for p, a in g1[T + "NCT00000011"] if p == TKG.arm.value}
    aspirin = next(a for a in arm if (RDFS.label.value, ox.Literal("Aspirin", language="en")) in g1[a])
    placebo = next(a for a in arm if (RDFS.label.value, ox.Literal("Placebo", language="en")) in g1[a])
    events = T + "NCT00000011/results/adverse-events/group/"
    assert (TKG.reportsOnArm.value, ox.NamedNode(aspirin)) in g1[events + "EG000"]
    assert (TKG.reportsOnArm.value, ox.NamedNode(placebo)) in g1[events + "EG001"]
    outcome = T + "NCT00000011/results/outcome/1"
    planned = {o for p, o in g1[outcome] if p == TKG.reportsOutcome.value}
    assert planned == {o for p, o in g1[T + "NCT00000011"] if p == TKG.outcome.value}  # FEV1, the one planned
    g4 = _graph(mapper, _study(s4))
    events = T + "NCT00000014/results/adverse-events/group/"
    assert any(p == TKG.reportsOnArm.value for p, _ in g4[events + "EG000"])  # " aspirin ": case, spaces aside
    assert not any(p == TKG.reportsOnArm.value for p, _ in g4[events + "EG001"])  # "Total"
    links = ResultLinks()
    for record in records():
        links.add(_study(record))
    # 11: OG000, EG000, EG001 linked; 14: EG000 linked, EG001 is "Total"
    assert (links.groups, links.groups_linked, links.groups_total) == (5, 4, 1)
    assert (links.measures, links.measures_linked) == (1, 1)


def test_contact_details_only_on_request() -> None:
    study = _study(records()[0])
    study.central_contacts = [Contact("Desk", "CONTACT", "555 0199", None, "desk@example.org")]
    personal = {SCHEMA.email.value, SCHEMA.telephone.value}
    default = _graph(Mapper(), study)
    assert not any(p in personal for pairs in default.values() for p, _ in pairs)
    contact = default[T + "NCT00000011/results/more-info/point-of-contact"]
    assert contact == {
        (RDF.type.value, TKG.ResultsContact),
        (TKG.organizationName.value, ox.Literal("Example University Hospital")),
    }
    full = _graph(Mapper(contact_details=True), study)
    contact = full[T + "NCT00000011/results/more-info/point-of-contact"]
    assert (SCHEMA.email.value, ox.Literal("ada@example.org")) in contact
    assert (SCHEMA.telephone.value, ox.Literal("555 0100 ext 12")) in contact
    assert (SCHEMA.name.value, ox.Literal("Dr. Ada Lovelace")) in contact
    assert (SCHEMA.email.value, ox.Literal("desk@example.org")) in full[T + "NCT00000011/contact/1"]
    assert (SCHEMA.name.value, ox.Literal("Desk")) in default[T + "NCT00000011/contact/1"]  # names stay


# --- real records, triple by triple ----------------------------------------------------------------------


def _one(text: str | None) -> str:
    return " ".join((text or "").split())


def _count_node(pairs: dict[str, str], group: str, cls: ox.NamedNode) -> set[tuple[str, ox.NamedNode | ox.Literal]]:
    return {(RDF.type.value, cls), (TKG.group.value, ox.NamedNode(group))} | {
        (p, ox.Literal(v, datatype=XSD.integer)) for p, v in pairs.items() if v != ""
    }


def test_a_real_json_record_read_back(corpus: Path) -> None:
    path = corpus / "ctgov-json" / "NCT00329836.json"
    source = json.loads(path.read_text(encoding="utf-8"))
    (study,) = list(read([str(path)]))
    graph = _graph(Mapper(), study)  # type: ignore[arg-type]
    ae = f"{T}NCT00329836/results/adverse-events"
    module = source["resultsSection"]["adverseEventsModule"]
    for kind, key in (("serious", "seriousEvents"), ("other", "otherEvents")):
        for i, event in enumerate(module.get(key, []), 1):
            node = f"{ae}/{kind}/{i}"
            counts = {f"{node}/{s['groupId']}" for s in event["stats"]}
            want = {
                (RDF.type.value, TKG.AdverseEvent),
                (TKG.term.value, ox.Literal(event["term"], language="en")),
                (TKG.organSystem.value, ox.Literal(event["organSystem"], language="en")),
                (
                    TKG.assessmentType.value,
                    ox.NamedNode(f"https://w3id.org/trialkg/vocab/assessment-type/{event['assessmentType']}"),
                ),
                *((TKG.sourceVocabulary.value, ox.Literal(v)) for v in [event.get("sourceVocabulary")] if v),
                *((TKG.eventCount.value, ox.NamedNode(c)) for c in counts),
            }
            assert graph[node] == want, node
            for s in event["stats"]:
                pairs = {TKG.numAffected.value: str(s["numAffected"]), TKG.numAtRisk.value: str(s["numAtRisk"])}
                pairs[TKG.numEvents.value] = str(s.get("numEvents", ""))
                want_count = _count_node(pairs, f"{ae}/group/{s['groupId']}", TKG.EventCount)
                assert graph[f"{node}/{s['groupId']}"] == want_count
    for g in module["eventGroups"]:
        node = graph[f"{ae}/group/{g['id']}"]
        assert (DCTERMS.identifier.value, ox.Literal(g["id"])) in node
        assert (RDFS.label.value, ox.Literal(g["title"], language="en")) in node
        assert (TKG.seriousAffected.value, ox.Literal(str(g["seriousNumAffected"]), datatype=XSD.integer)) in node


def test_a_real_xml_record_read_back(corpus: Path) -> None:
    path = corpus / "ctgov-xml" / "NCT00461812.xml"
    root = ET.parse(path).getroot()
    (study,) = list(read([str(path)]))
    graph = _graph(Mapper(), study)  # type: ignore[arg-type]
    flow = f"{T}NCT00461812/results/flow"
    for i, period in enumerate(root.findall("clinical_results/participant_flow/period_list/period"), 1):
        p = f"{flow}/period/{i}"
        assert (DCTERMS.title.value, ox.Literal(_one(period.findtext("title")), language="en")) in graph[p]
        for j, milestone in enumerate(period.findall("milestone_list/milestone"), 1):
            m = f"{p}/milestone/{j}"
            counts = milestone.findall("participants_list/participants")
            assert graph[m] == {
                (RDF.type.value, TKG.Milestone),
                (TKG.milestoneType.value, ox.Literal(_one(milestone.findtext("title")), language="en")),
                *((TKG.perGroup.value, ox.NamedNode(f"{m}/{c.get('group_id')}")) for c in counts),
            }
            for c in counts:
                want = _count_node(
                    {TKG.count.value: c.get("count", "")}, f"{flow}/group/{c.get('group_id')}", TKG.GroupCount
                )
                assert graph[f"{m}/{c.get('group_id')}"] == want
    totals = [
        (e.findtext("sub_title"), c)
        for e in root.findall("clinical_results/reported_events/serious_events/category_list/category/event_list/event")
        for c in e.findall("counts")
        if _one(e.findtext("sub_title")) == "Total, serious adverse events"
    ]
    assert totals
    for _, c in totals:
        group = graph[f"{T}NCT00461812/results/adverse-events/group/{c.get('group_id')}"]
        assert (TKG.seriousAffected.value, ox.Literal(c.get("subjects_affected", ""), datatype=XSD.integer)) in group
        assert (TKG.seriousAtRisk.value, ox.Literal(c.get("subjects_at_risk", ""), datatype=XSD.integer)) in group
