"""The ontology documentation page: every term and scheme is on it, with no external CSS or scripts."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS

from kg.codes import ENUMS
from kg.ontology_build import TKG
from kg.packaged import ONTOLOGY
from kg.validation.ontology_doc import ontology_html, write_ontology_doc
from tests.htmlpage import Element, Page


def test_page_documents_every_term_and_scheme() -> None:
    page = Page(ontology_html())
    onto = rdflib.Graph().parse(ONTOLOGY)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDFS.Datatype):
        for term in onto.subjects(RDF.type, kind):
            if str(term).startswith(TKG):
                (heading,) = (e for e in page.find("h3") if e.attrs.get("id") == str(term)[len(TKG) :])
                assert heading.text.startswith(str(onto.value(term, RDFS.label))), term
    for scheme, codes in ENUMS.items():
        (table,) = _after(page, f"scheme-{scheme}", "table")
        assert [row[0] for row in table.rows()[1:]] == sorted(codes, key=lambda c: f"{scheme}/{c}")
    meta = {dt.text: dd.text for dt, dd in zip(page.find("dt"), page.find("dd"), strict=False)}
    assert page.h1 == "trialkg ontology" and meta["version"] == "0.1.0" and "publicdomain/zero/1.0" in meta["licence"]
    assert "#ResponsibleParty" in page.links  # a union domain is linked member by member
    assert "obo:NCIT_C15600" in page.text and "schema:MedicalTrial" in page.text


def _after(page: Page, anchor: str, tag: str) -> list[Element]:
    """The first ``tag`` element after the element with id ``anchor``."""
    start = page.elements.index(page.by_id(anchor))
    return [next(e for e in page.elements[start:] if e.tag == tag)]


def test_page_is_standalone() -> None:
    page = Page(ontology_html())
    assert page.doctype is not None and page.doctype.lower() == "doctype html"
    assert page.find("style") and page.loads == []


def test_write_into_a_directory_or_to_a_file(tmp_path: Path) -> None:
    assert write_ontology_doc(tmp_path) == tmp_path / "ontology.html"
    target = write_ontology_doc(tmp_path / "docs" / "index.html")
    assert target.read_text(encoding="utf-8") == ontology_html()  # the file is the page, byte for byte
