"""The ontology's alignments to other vocabularies: FHIR R5's research study status, NCIt's clinical study, no
IRI that is the exact match of both an OWL class and a SKOS concept, and one CC0 IRI for the whole release."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, SKOS, URIRef

from kg.ontology_build import TKG, TKGV
from kg.packaged import ONTOLOGY, SHAPES_DIR
from kg.publish.build import build
from kg.publish.void import CC0

ROOT = Path(__file__).resolve().parents[2]
OBO = rdflib.Namespace("http://purl.obolibrary.org/obo/")
#: FHIR R5's CodeSystem http://hl7.org/fhir/research-study-status (ResearchStudy.progressStatus.state), all codes.
FHIR_R5_STATUS = "http://hl7.org/fhir/research-study-status#"
FHIR_R5_STATUS_CODES = {
    "overall-study", "active", "active-but-not-recruiting", "administratively-completed", "approved",
    "closed-to-accrual", "closed-to-accrual-and-intervention", "completed", "disapproved", "enrolling-by-invitation",
    "in-review", "not-yet-recruiting", "recruiting", "temporarily-closed-to-accrual",
    "temporarily-closed-to-accrual-and-intervention", "terminated", "withdrawn",
}  # fmt: skip
CC0_IRI = re.compile(r"https?://creativecommons\.org/publicdomain/zero/1\.0/?")


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


def _matches(onto: rdflib.Graph, subject: URIRef) -> set[tuple[URIRef, URIRef]]:
    return {(p, o) for p, o in onto.predicate_objects(subject) if p in (SKOS.exactMatch, SKOS.closeMatch)}  # type: ignore[misc]


def test_recruitment_status_matches_fhir_r5(onto: rdflib.Graph) -> None:
    status = rdflib.Namespace(TKGV + "status/")
    fhir = {
        (str(c), str(o))
        for c, p, o in onto.triples((None, None, None))
        if "research-study-status" in str(o) and str(c).startswith(str(status))
    }
    assert fhir and {o.partition("#")[0] for _, o in fhir} == {FHIR_R5_STATUS[:-1]}
    assert {o.partition("#")[2] for _, o in fhir} <= FHIR_R5_STATUS_CODES
    terminated = URIRef(FHIR_R5_STATUS + "terminated")
    assert _matches(onto, status.TERMINATED) >= {(SKOS.exactMatch, terminated)}
    assert (status.TERMINATED, SKOS.closeMatch, URIRef(FHIR_R5_STATUS + "administratively-completed")) not in onto
    assert not [t for t in onto if "terminology.hl7.org/CodeSystem/research-study-status" in " ".join(map(str, t))]


def test_clinical_study_matches_ncit_clinical_study(onto: rdflib.Graph) -> None:
    assert (URIRef(TKG + "ClinicalStudy"), SKOS.closeMatch, OBO.NCIT_C15206) in onto


def test_no_iri_is_the_exact_match_of_both_a_class_and_a_concept(onto: rdflib.Graph) -> None:
    """skos:exactMatch is transitive (and owl:equivalentClass too): a shared target would make an OWL class
    and a SKOS concept one and the same."""

    def targets(kind: URIRef) -> set[URIRef]:
        members = set(onto.subjects(RDF.type, kind))
        return {o for p in (SKOS.exactMatch, OWL.equivalentClass) for s, o in onto.subject_objects(p) if s in members}  # type: ignore[misc]

    classes, concepts = targets(OWL.Class), targets(SKOS.Concept)
    assert classes and concepts
    assert sorted(map(str, classes & concepts)) == []


def test_one_cc0_iri_in_ontology_shapes_void_and_dumps(tmp_path: Path) -> None:
    out = tmp_path / "release"
    build([str(ROOT / "examples")], str(out), validate=False, progress=False, jobs=1)
    found: dict[str, set[str]] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.suffix in {".ttl", ".gz", ".jsonld", ".nt"}):
        text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text()
        for iri in CC0_IRI.findall(text):
            found.setdefault(iri, set()).add(str(path.relative_to(out)))
    for path in (ONTOLOGY, *SHAPES_DIR.glob("*.ttl")):
        for iri in CC0_IRI.findall(path.read_text(encoding="utf-8")):
            found.setdefault(iri, set()).add(path.name)
    assert set(found) == {str(CC0)}, found
    assert {"void.ttl", "ontology/trialkg.ttl"} <= found[str(CC0)]
