"""Legacy XML's MeSH headings (names only) resolved through the (UI, name) pairs of the build's own API v2
records and the lexicons, exactly or not at all; their ancestors as the registry gives them; on real
corpus records (NCT00495638: Pulmonary Hypertension and Sickle Cell Anemia, in legacy XML)."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Triple

from kg.linking.headings import of_inputs
from kg.linking.lexicon import Lexicon, load_all
from kg.linking.report import link_report
from kg.mapping.rdf import Mapper
from kg.model import Study
from kg.naming import mesh_ui
from kg.sources import read

MESH = "http://id.nlm.nih.gov/mesh/"
TKG = "https://w3id.org/trialkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
#: Legacy XML, headings "Hypertension, Pulmonary", "Cerebrovascular Disorders", "Hypertension",
#: "Anemia, Sickle Cell", "Polycythemia"; conditions "Pulmonary Hypertension", "Sickle Cell Anemia"...
SICKLE_XML = "ctgov-xml/NCT00495638.xml"
#: API v2: "Hypertension, Pulmonary" (D006976) among its condition ancestors.
PAH_JSON = "ctgov-json/NCT02682511.json"
#: Legacy XML with the one heading "Opioid-Related Disorders"; API v2 with it as the only condition
#: descriptor (and its ancestors), and API v2 with it beside "Substance-Related Disorders".
OPIOID_XML, OPIOID_ALONE, OPIOID_WITH_OTHERS = (
    "ctgov-xml/NCT00000192.xml",
    "ctgov-json/NCT04817267.json",
    "ctgov-json/NCT04542642.json",
)


def _study(path: Path) -> Study:
    (study,) = [r for r in read([str(path)]) if isinstance(r, Study)]
    return study


def _lexicon(corpus: Path, *inputs: str, lexicons: tuple[Path, ...] = ()) -> Lexicon:
    lexicon = load_all(lexicons)
    lexicon.headings = of_inputs([str(corpus / i) for i in inputs])
    return lexicon


def _objects(triples: set[Triple], prop: str) -> set[str]:
    return {t.object.value for t in triples if t.predicate.value == prop}


def test_pulmonary_hypertension_is_its_own_descriptor_through_a_json_record(corpus: Path) -> None:
    """Regression: the heading "Hypertension, Pulmonary" was dropped (the hand lexicon does not know it),
    so the study's only descriptor of it was Hypertension (D006973), which the XML also lists."""
    xml = _study(corpus / SICKLE_XML)
    t = Mapper(lexicon=_lexicon(corpus, SICKLE_XML, PAH_JSON)).map(xml)
    assert {MESH + "D006976", MESH + "D006973"} <= _objects(t.own, TKG + "conditionMesh")


def test_an_unknown_heading_stays_unresolved_never_broader(corpus: Path) -> None:
    lexicon = _lexicon(corpus, SICKLE_XML)  # no JSON record: the shipped lexicon only
    assert lexicon.heading_ui("Hypertension, Pulmonary") is None
    assert lexicon.heading_ui("Hypertension") == "D006973"
    t = Mapper(lexicon=lexicon).map(_study(corpus / SICKLE_XML))
    assert _objects(t.own, TKG + "conditionMesh") == {MESH + "D006973"}  # "Hypertension" itself, as listed
    condition = "https://w3id.org/trialkg/condition/pulmonary-hypertension"
    matches = {x.object.value for x in t.shared if x.subject.value == condition and x.predicate.value.startswith(SKOS)}
    assert MESH + "D006973" not in matches


def test_sickle_cell_anemia_resolves_through_a_lexicon(corpus: Path, tmp_path: Path) -> None:
    table = tmp_path / "mesh.tsv"
    table.write_text("D000755\tAnemia, Sickle Cell\n", encoding="utf-8")
    xml = _study(corpus / SICKLE_XML)
    without = Mapper(lexicon=_lexicon(corpus, SICKLE_XML, PAH_JSON)).map(xml)
    assert MESH + "D000755" not in _objects(without.own, TKG + "conditionMesh")
    given = Mapper(lexicon=_lexicon(corpus, SICKLE_XML, PAH_JSON, lexicons=(table,))).map(xml)
    assert MESH + "D000755" in _objects(given.own, TKG + "conditionMesh")


def test_a_name_given_two_uis_stays_unresolved(corpus: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("D006973\tHypertension, Pulmonary\n", encoding="utf-8")  # a lexicon that disagrees
    lexicon = _lexicon(corpus, SICKLE_XML, PAH_JSON, lexicons=(wrong,))
    assert lexicon.heading_ui("Hypertension, Pulmonary") is None
    assert MESH + "D006976" not in _objects(
        Mapper(lexicon=lexicon).map(_study(corpus / SICKLE_XML)).own, TKG + "conditionMesh"
    )


def test_xml_studies_get_the_ancestors_the_registry_gives(corpus: Path) -> None:
    """Regression: legacy XML studies had no tkg:conditionMeshAncestor at all."""
    xml = _study(corpus / OPIOID_XML)
    alone = _study(corpus / OPIOID_ALONE)
    t = Mapper(lexicon=_lexicon(corpus, OPIOID_XML, OPIOID_ALONE)).map(xml)
    want = {MESH + mesh_ui(m.ui) for m in alone.condition_mesh_ancestors if m.ui}
    assert len(want) == 4 and _objects(t.own, TKG + "conditionMeshAncestor") == want
    # beside another descriptor, a record's ancestors are the union of both: none of them is taken
    t = Mapper(lexicon=_lexicon(corpus, OPIOID_XML, OPIOID_WITH_OTHERS)).map(xml)
    assert MESH + "D009293" in _objects(t.own, TKG + "conditionMesh")
    assert _objects(t.own, TKG + "conditionMeshAncestor") == set()


def test_xml_ancestors_from_the_tree_numbers_of_a_lexicon(corpus: Path, tmp_path: Path) -> None:
    """A MeSH table with tree numbers (``--lexicon``): Asthma C08.127.108 is under C08.127 and C08."""
    table = tmp_path / "trees.tsv"
    table.write_text(
        "C08\tD012140\tRespiratory Tract Diseases\nC08.127\tD001982\tBronchial Diseases\nC08.127.108\tD001249\tAsthma\n"
    )
    lexicon = load_all([table])
    assert lexicon.heading_ancestors("D001249", "condition") == {"D001982", "D012140"}
    xml = next(s for s in read([str(corpus / "ctgov-xml")]) if isinstance(s, Study) and _headings(s) == ["Asthma"])
    t = Mapper(lexicon=lexicon).map(xml)
    assert _objects(t.own, TKG + "conditionMeshAncestor") == {MESH + "D001982", MESH + "D012140"}


def _headings(study: Study) -> list[str]:
    return [t.term for t in study.condition_mesh]


def test_pairs_are_gathered_only_with_legacy_xml_and_whatever_the_order(corpus: Path) -> None:
    assert not of_inputs([str(corpus / PAH_JSON)])  # nothing would use them
    one = of_inputs([str(corpus / SICKLE_XML), str(corpus / PAH_JSON)])
    other = of_inputs([str(corpus / PAH_JSON), str(corpus / SICKLE_XML)])
    assert one and one.uis("Hypertension, Pulmonary") == {"D006976"} and one.digest() == other.digest()
    assert not of_inputs([str(corpus / SICKLE_XML), str(corpus / PAH_JSON)], fmt="json")


def test_the_link_report_counts_what_stays_unresolved(corpus: Path) -> None:
    lines = link_report([str(corpus / SICKLE_XML), str(corpus / PAH_JSON)], [])
    figures = {line[:27].strip(): line[27:].split() for line in lines if line[:1] != " "}
    xml = _study(corpus / SICKLE_XML)
    names = {t.term for t in xml.condition_mesh + xml.intervention_mesh}
    lexicon = _lexicon(corpus, SICKLE_XML, PAH_JSON)
    unresolved = {n for n in names if lexicon.heading_ui(n) is None}
    assert "Anemia, Sickle Cell" in unresolved and "Hypertension, Pulmonary" not in unresolved
    assert figures["XML MeSH headings"][0] == str(len(names))
    assert figures["XML MeSH unresolved"][0] == str(len(unresolved))
