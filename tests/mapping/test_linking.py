"""Linking in the mapping: MeSH IRIs for every registry UI, conditions and interventions matched to
MeSH, organisations merged and linked to ROR, and the canned sponsor -> ... -> MeSH query."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from kg.linking.lexicon import load, load_all
from kg.mapping.rdf import Mapper
from kg.model import Intervention, Location, MeshTerm, Organization, Study
from kg.sources import read
from tests.fixtures import api_study, write_json

MESH = "http://id.nlm.nih.gov/mesh/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def _canonical(ui: str) -> str:
    """Independent of kg.mapping.iris: 10-character UIs below the first new number are old ones."""
    kind, number = ui[0], int(ui[1:])
    first_long = {"D": 66491, "C": 589000}[kind]
    return f"{kind}{number:06d}" if number < first_long else f"{kind}{number:09d}"


def _objects(triples: set, subject: str | None, predicate: str) -> set[str]:
    return {
        t.object.value
        for t in triples
        if t.predicate.value == predicate and (subject is None or t.subject.value == subject)
    }


def test_every_registry_mesh_ui_is_a_canonical_iri(corpus: Path) -> None:
    mapper = Mapper()
    studies = [s for s in read([str(corpus / "ctgov-json")]) if isinstance(s, Study)]
    assert len(studies) > 800
    expected = found = 0
    for st in studies:
        t = mapper.map(st)
        every = t.own | t.shared
        for prop, terms in (
            ("conditionMesh", st.condition_mesh),
            ("conditionMeshAncestor", st.condition_mesh_ancestors),
            ("interventionMesh", st.intervention_mesh),
            ("interventionMeshAncestor", st.intervention_mesh_ancestors),
        ):
            iris = _objects(every, mapper.study_iri(st.nct_id).value, "https://w3id.org/trialkg/ontology#" + prop)
            for term in terms:
                assert term.ui
                expected += 1
                found += MESH + _canonical(term.ui) in iris
        for iri in _objects(every, None, "https://w3id.org/trialkg/ontology#conditionMesh"):
            assert re.fullmatch(r"http://id\.nlm\.nih\.gov/mesh/[CD](\d{6}|000\d{6})", iri)
    assert expected > 5000 and found == expected  # 100%


def test_known_pairs() -> None:
    st = Study("NCT00000001", condition_mesh=[MeshTerm("D000001249", "Asthma"), MeshTerm("D000086382", "COVID-19")])
    t = Mapper().map(st)
    assert _objects(t.own, None, "https://w3id.org/trialkg/ontology#conditionMesh") == {
        MESH + "D001249",
        MESH + "D000086382",
    }


def test_xml_mesh_names_and_conditions_resolve_through_the_lexicon(corpus: Path) -> None:
    lex = load_all([corpus / "vocab" / "mesh" / "aact_mesh_terms.tsv"])
    st = Study(
        "NCT00000002",
        conditions=["Asthma", "Bronchial Asthma", "Type 2 Diabetes"],
        condition_mesh=[MeshTerm(None, "Asthma")],
    )  # legacy XML: names only
    t = Mapper(lexicon=lex).map(st)
    assert _objects(t.own, None, "https://w3id.org/trialkg/ontology#conditionMesh") == {MESH + "D001249"}
    base = "https://w3id.org/trialkg/condition/"
    assert _objects(t.shared, base + "asthma", SKOS + "exactMatch") == {MESH + "D001249"}
    assert _objects(t.shared, base + "type-2-diabetes", SKOS + "closeMatch") == {MESH + "D003924"}
    assert _objects(t.shared, base + "bronchial-asthma", SKOS + "exactMatch") == set()


def test_tree_numbers_give_skos_broader(tmp_path: Path) -> None:
    table = tmp_path / "trees.tsv"
    table.write_text("C08.127\tD001982\tBronchial Diseases\nC08.127.108\tD001249\tAsthma\n")
    t = Mapper(lexicon=load(table)).map(Study("NCT00000008", condition_mesh=[MeshTerm("D000001249", "Asthma")]))
    assert _objects(t.shared, MESH + "D001249", SKOS + "broader") == {MESH + "D001982"}


def test_intervention_concepts_merge_and_link_to_mesh() -> None:
    a = Study(
        "NCT00000003",
        interventions=[Intervention("Pembrolizumab 200 mg", "DRUG")],
        intervention_mesh=[MeshTerm("C000582435", "Pembrolizumab")],
    )
    b = Study(
        "NCT00000004",
        interventions=[Intervention("Keytruda", "DRUG", other_names=["pembrolizumab"])],
        intervention_mesh=[MeshTerm("C000582435", "Pembrolizumab")],
    )
    c = Study("NCT00000005", interventions=[Intervention("Metformin Hydrochloride Tablets", "DRUG")])
    mapper = Mapper()
    concepts = [
        _objects(mapper.map(s).own, None, "https://w3id.org/trialkg/ontology#interventionConcept") for s in (a, b, c)
    ]
    assert concepts[0] == concepts[1] == {"https://w3id.org/trialkg/intervention/pembrolizumab"}
    assert concepts[2] == {"https://w3id.org/trialkg/intervention/metformin"}
    shared = mapper.map(b).shared
    assert _objects(shared, "https://w3id.org/trialkg/intervention/pembrolizumab", SKOS + "exactMatch") == {
        MESH + "C582435"
    }


def test_organisations_merge_and_link_to_ror(corpus: Path) -> None:
    lex = load_all([corpus / "vocab" / "ror" / "ror_NL_BE_schema_v2.json"])
    st = Study(
        "NCT00000006",
        lead_sponsor=Organization("Leiden University Medical Center"),
        locations=[Location("Leiden University Medical Centre (LUMC)", city="Leiden", country="Netherlands")],
    )
    t = Mapper(lexicon=lex).map(st)
    org = "https://w3id.org/trialkg/org/leiden-university-medical-center--nl"  # the sponsor's ROR entry is Dutch
    assert _objects(t.own, None, "https://w3id.org/trialkg/ontology#facility") == {org}
    assert _objects(t.own, None, "https://w3id.org/trialkg/ontology#leadSponsor") == {org}
    assert _objects(t.shared, org, "https://schema.org/sameAs") == {"https://ror.org/05xvt9f17"}


def test_bio2rdf_link() -> None:
    t = Mapper().map(Study("NCT00000007"))
    assert "http://bio2rdf.org/clinicaltrials:NCT00000007" in _objects(
        t.own, None, "http://www.w3.org/2000/01/rdf-schema#seeAlso"
    )


def test_canned_query_sponsor_study_intervention_mesh(tmp_path: Path) -> None:
    from kg.publish.build import build
    from kg.query import open_store, resolve, run

    one = api_study("NCT01234567")
    two = api_study("NCT07654321")
    two["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"] = {"name": "Other Sponsor", "class": "OTHER"}
    write_json(tmp_path / "in" / "a.json", one)
    write_json(tmp_path / "in" / "b.json", two)
    build([str(tmp_path / "in")], str(tmp_path / "out"), validate=False, progress=False)
    _, rows = run(
        open_store(str(tmp_path / "out")),
        resolve("sponsor-study-intervention-mesh"),
        {"sponsor": "Example University Hospital"},
    )
    aspirin = [r for r in rows if r["intervention"] == "Aspirin"]
    common = {"sponsor": "Example University Hospital", "nct_id": "NCT01234567", "intervention": "Aspirin"}
    common |= {"intervention_mesh": "D001241", "condition_mesh": "D001249", "condition_mesh_label": "Asthma"}
    assert aspirin == [common | {"study_with_condition_mesh": nct} for nct in ("NCT01234567", "NCT07654321")]
    assert {r["nct_id"] for r in rows} == {"NCT01234567"}


def test_build_takes_lexicons(tmp_path: Path, corpus: Path) -> None:
    from kg.publish.build import build

    write_json(tmp_path / "in" / "a.json", api_study())
    ror = corpus / "vocab" / "ror" / "ror_NL_BE_schema_v2.json"
    build([str(tmp_path / "in")], str(tmp_path / "out"), validate=False, progress=False, lexicons=[str(ror)])
    assert dataclasses.is_dataclass(load(ror))
