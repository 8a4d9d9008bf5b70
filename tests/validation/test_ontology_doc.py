"""The ontology documentation page: every term and scheme is on it, with no external CSS or scripts."""

from __future__ import annotations

import html
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS

from kg.codes import ENUMS
from kg.ontology_build import TKG
from kg.validation.engine import ONTOLOGY
from kg.validation.ontology_doc import ontology_html, write_ontology_doc


def test_page_documents_every_term_and_scheme() -> None:
    page = ontology_html()
    onto = rdflib.Graph().parse(ONTOLOGY)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDFS.Datatype):
        for term in onto.subjects(RDF.type, kind):
            if str(term).startswith(TKG):
                local = str(term)[len(TKG) :]
                assert f'id="{local}"' in page, term
                assert html.escape(str(onto.value(term, RDFS.label))) in page
    for scheme, codes in ENUMS.items():
        assert f'id="scheme-{scheme}"' in page
        assert all(f"<code>{code}</code>" in page for code in codes)
    assert "trialkg ontology" in page and "0.1.0" in page and "publicdomain/zero/1.0" in page
    assert 'href="#ResponsibleParty"' in page  # a union domain is linked member by member
    assert "obo:NCIT_C15600" in page and "schema:MedicalTrial" in page


def test_page_is_standalone() -> None:
    page = ontology_html()
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "<link" not in page and "stylesheet" not in page


def test_write_into_a_directory_or_to_a_file(tmp_path: Path) -> None:
    assert write_ontology_doc(tmp_path) == tmp_path / "ontology.html"
    target = write_ontology_doc(tmp_path / "docs" / "index.html")
    assert target.read_text(encoding="utf-8") == ontology_html()
