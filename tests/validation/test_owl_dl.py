"""The ontology is OWL 2 DL: the OWL API's OWL 2 DL profile check finds nothing in it, and HermiT (an OWL 2 DL
reasoner) loads and classifies it. Each check is shown to catch what the ontology once had (a union of
datatypes OWL 2 lacks, an object property under the annotation property rdfs:seeAlso, undeclared classes).

The profile check is the OWL API's ``OWL2DLProfile`` (Debian: libowlapi-java), run by OwlDlProfile.java as
a source file; HermiT is the one owlready2 bundles (PyPI), run from the command line on the Turtle file.
Both need Java (Debian: default-jre-headless); ``make test`` installs all three. Without them the Java
checks skip with the reason; the declaration rules below them run everywhere.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, BNode, URIRef

from kg.packaged import ONTOLOGY

HERE = Path(__file__).parent
PROFILE_CHECK = HERE / "OwlDlProfile.java"
JARS = Path("/usr/share/java")
#: The OWL API (Debian's libowlapi-java) and the jars of its dependencies that loading Turtle needs.
OWLAPI_JARS = ["owlapi-distribution", "guava", "caffeine", "commons-io", "commons-codec", "hppcrt", "jsr305"]
OWLAPI_JARS += ["atinject-jsr330-api", "slf4j-api", "slf4j-nop", "xz", "commons-rdf-api"]
QUICK_JVM = ["-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
TKG = "https://w3id.org/trialkg/ontology#"
#: The datatypes of the OWL 2 datatype map that the ontology may name (OWL 2 Structural Specification, 4).
OWL2_DATATYPES = {RDFS.Literal, RDF.langString, RDF.PlainLiteral} | {
    rdflib.XSD[name] for name in ("string", "integer", "decimal", "double", "boolean", "dateTime", "anyURI")
}

#: What the ontology had before it was OWL 2 DL, in small: each check below must refuse it.
NOT_DL = """
@prefix tkg: <https://w3id.org/trialkg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/trialkg/ontology> a owl:Ontology .
tkg:RegistryDate a rdfs:Datatype ;
    owl:equivalentClass [ a rdfs:Datatype ; owl:unionOf ( xsd:date xsd:gYearMonth xsd:gYear ) ] .
tkg:Reference a owl:Class .
tkg:pubmed a owl:ObjectProperty ; rdfs:domain tkg:Reference ; rdfs:subPropertyOf rdfs:seeAlso .
tkg:lastUpdate a owl:DatatypeProperty ; rdfs:domain prov:Entity ; rdfs:range tkg:RegistryDate .
"""


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (Debian: default-jre-headless)")
    return java


def _owlapi_classpath() -> str:
    if not (JARS / "owlapi-distribution.jar").is_file():
        pytest.skip(f"the OWL API is not installed in {JARS} (Debian: libowlapi-java)")
    missing = [name for name in OWLAPI_JARS if not (JARS / f"{name}.jar").is_file()]
    assert not missing, f"jars of the OWL API's dependencies missing from {JARS}: {missing}"
    rdf4j = sorted(str(p) for p in JARS.glob("rdf4j-*.jar") if not p.stem.split("-")[-1][:1].isdigit())
    return ":".join([*(str(JARS / f"{name}.jar") for name in OWLAPI_JARS), *rdf4j])


def _hermit_classpath() -> str:
    owlready2 = pytest.importorskip("owlready2", reason="owlready2 (PyPI, in the dev extra) bundles HermiT")
    hermit = Path(owlready2.__file__).parent / "hermit"
    return f"{hermit}:{hermit / 'HermiT.jar'}"


@dataclass(frozen=True)
class Profile:
    problems: list[tuple[str, str, str]]  # (violation | unparsed | error, kind, text)
    last: str


def profile_check(path: Path) -> Profile:
    """The OWL API's OWL 2 DL profile check of the Turtle file ``path``."""
    command = [_java(), *QUICK_JVM, "-cp", _owlapi_classpath(), str(PROFILE_CHECK), str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    lines = done.stdout.splitlines()
    assert done.returncode in (0, 2) and lines, f"the profile check failed ({done.returncode}): {done.stderr[-3000:]}"
    problems = [tuple((line.split("\t", 2) + ["", ""])[:3]) for line in lines[:-1]]
    return Profile(problems, lines[-1])  # type: ignore[arg-type]


@dataclass(frozen=True)
class Hermit:
    returncode: int
    output: str

    def unsatisfiable(self) -> list[str]:
        """The classes HermiT finds equivalent to owl:Nothing (owl:Nothing itself included)."""
        lines = self.output.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Classes equivalent to 'owl:Nothing'"))
        return [line.strip() for line in lines[start + 1 :] if line.startswith("\t")]


def hermit(path: Path) -> Hermit:
    """HermiT on the Turtle file ``path``: consistency, unsatisfiable classes, and the class hierarchy."""
    command = [_java(), *QUICK_JVM, "-cp", _hermit_classpath(), "org.semanticweb.HermiT.cli.CommandLine"]
    command += ["-k", "-U", "-c", "-O", "-D", f"file://{path.resolve()}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    return Hermit(done.returncode, done.stdout + done.stderr)


@pytest.fixture(scope="module")
def not_dl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("owl") / "not-dl.ttl"
    path.write_text(NOT_DL, encoding="utf-8")
    return path


# --- the OWL API's profile check ------------------------------------------------------------------------


def test_the_ontology_is_in_the_owl2_dl_profile() -> None:
    profile = profile_check(ONTOLOGY)
    assert profile.problems == []
    assert profile.last == "done 0 violations 0 unparsed"


def test_the_profile_check_refuses_what_the_ontology_had(not_dl: Path) -> None:
    kinds = {(kind, text.split(" [", 1)[0]) for _, kind, text in profile_check(not_dl).problems}
    assert ("IllegalPunning", f"Cannot pun between properties: <{TKG}pubmed>") in kinds
    assert ("UseOfUndeclaredClass", "Use of undeclared class: <http://www.w3.org/ns/prov#Entity>") in kinds
    assert ("UseOfUndeclaredDatatype", "Use of undeclared datatype: xsd:gYearMonth") in kinds


# --- HermiT -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def classified() -> Hermit:
    return hermit(ONTOLOGY)


def test_hermit_loads_and_classifies_the_ontology(classified: Hermit) -> None:
    assert classified.returncode == 0, classified.output[:2000]
    assert "http://www.w3.org/2002/07/owl#Thing is satisfiable." in classified.output
    assert classified.unsatisfiable() == ["owl:Nothing"]
    for sub, sup in (
        (f"{TKG}InterventionalStudy", f"{TKG}ClinicalStudy"),
        (f"{TKG}ClinicalStudy", "https://schema.org/MedicalStudy"),
        (f"{TKG}EventGroup", f"{TKG}ResultGroup"),
    ):
        assert f"SubClassOf( <{sub}> <{sup}> )" in classified.output


def test_hermit_refuses_what_the_ontology_had(not_dl: Path) -> None:
    refused = hermit(not_dl)
    assert refused.returncode != 0 and "UnsupportedDatatypeException" in refused.output
    assert "is not part of the OWL 2 datatype map" in refused.output


def test_hermit_refuses_xsd_date_as_a_range(tmp_path: Path) -> None:
    """Why the normalised dates have the range rdfs:Literal: OWL 2 has no xsd:date (the shapes require it)."""
    path = tmp_path / "date-range.ttl"
    path.write_text(
        NOT_DL.split("tkg:RegistryDate", 1)[0]
        + "tkg:startDateNormalized a owl:DatatypeProperty ; rdfs:range xsd:date .\n",
        encoding="utf-8",
    )
    refused = hermit(path)
    assert refused.returncode != 0 and "XMLSchema#date' is not part of the OWL 2 datatype map" in refused.output


# --- the declaration rules, without Java ------------------------------------------------------------------


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


KINDS = (OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty)


def _kind(graph: rdflib.Graph, prop: URIRef) -> URIRef | None:
    if prop in (RDFS.comment, RDFS.label, RDFS.seeAlso, OWL.versionInfo):
        return OWL.AnnotationProperty  # built in
    kinds = [k for k in KINDS if (prop, RDF.type, k) in graph]
    return kinds[0] if len(kinds) == 1 else None


def test_every_property_is_declared_as_one_kind(onto: rdflib.Graph) -> None:
    """No IRI is two kinds of property (illegal punning), and a sub-property is of its super-property's kind:
    an object or datatype property under an annotation property (rdfs:seeAlso, dcterms:title) is not OWL 2 DL."""
    declared = {p for k in KINDS for p in onto.subjects(RDF.type, k)}
    assert sorted(str(p) for p in declared if _kind(onto, p) is None) == []  # type: ignore[arg-type]
    mixed = [
        (str(sub), str(sup))
        for sub, sup in onto.subject_objects(RDFS.subPropertyOf)
        if _kind(onto, sub) is None or _kind(onto, sub) != _kind(onto, sup)  # type: ignore[arg-type]
    ]
    assert mixed == []


def test_every_class_the_axioms_name_is_declared(onto: rdflib.Graph) -> None:
    """prov:Entity, skos:Concept, schema.org's classes: each class an axiom names is declared owl:Class."""
    named = set(onto.objects(None, RDFS.subClassOf)) | set(onto.objects(None, RDFS.domain))
    named |= {r for p, r in onto.subject_objects(RDFS.range) if (p, RDF.type, OWL.ObjectProperty) in onto}
    named |= {m for u in onto.objects(None, OWL.unionOf) for m in rdflib.collection.Collection(onto, u)}
    named |= set(onto.objects(None, RDF.type)) - {*KINDS, OWL.Class, OWL.Ontology, OWL.AllDisjointClasses}
    classes = set(onto.subjects(RDF.type, OWL.Class)) | {OWL.Thing}
    assert sorted(str(c) for c in named if not isinstance(c, BNode) and c not in classes) == []


def test_datatype_properties_name_only_owl2_datatypes(onto: rdflib.Graph) -> None:
    """xsd:date, xsd:gYearMonth, xsd:gYear and xsd:duration are not in the OWL 2 datatype map: no range may name
    them (HermiT refuses them). Give such a property the range rdfs:Literal, name the datatype in its comment,
    and let the shapes require it (sh:datatype), as the normalised dates do."""
    ranges = {r for p, r in onto.subject_objects(RDFS.range) if (p, RDF.type, OWL.DatatypeProperty) in onto}
    assert sorted(str(r) for r in ranges - OWL2_DATATYPES) == []
    assert not set(onto.subjects(RDF.type, RDFS.Datatype))
