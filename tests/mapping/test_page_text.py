"""Study-page records as RDF (issue 15, item 7): the website's recommendations are not the registry's relations,
and arms link to the interventions the page lists under each group, as for the other formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.mapping.namespaces import RDFS, SCHEMA, TKG
from kg.mapping.rdf import Mapper
from kg.model import Study
from kg.sources import read
from kg.sources.pagetext import parse_text
from kg.sources.pagetext_render import render

SEED_NCT = "NCT04282928"
RECOMMENDED = {"NCT07332858", "NCT03598296", "NCT06132997", "NCT02412332", "NCT06525272"}


def _seed(seeds: Path) -> Study:
    (study,) = [r for r in read([str(seeds / f"{SEED_NCT}.txt")]) if isinstance(r, Study)]
    return study


def _arm_links(study: Study) -> set[tuple[str, str]]:
    """(arm label, intervention name) of every tkg:armIntervention of the mapped study."""
    own = Mapper().map(study).own
    names = {t.subject: t.object.value for t in own if t.predicate in (RDFS.label, SCHEMA.name)}
    return {(names[t.subject], names[t.object]) for t in own if t.predicate == TKG.armIntervention}  # type: ignore[index]


def test_the_pages_recommendations_are_not_related_studies(seeds: Path) -> None:
    own = Mapper().map(_seed(seeds)).own
    assert not [t for t in own if t.predicate == TKG.relatedStudy]
    recommended = {t.object for t in own if t.predicate == TKG.websiteRecommendation}
    assert recommended == {NamedNode(f"https://w3id.org/trialkg/trial/{nct}") for nct in RECOMMENDED}


def test_the_seeds_arms_link_to_the_interventions_listed_under_them(seeds: Path) -> None:
    assert _arm_links(_seed(seeds)) == {
        ("Routine treatment group", "Routine treatment"),
        ("HUC-MSCs adjuvant Group", "Human umbilical cord mesenchymal stem cells"),
        ("HUC-MSCs adjuvant Group", "Routine treatment"),
    }


@pytest.fixture(scope="module")
def json_studies(corpus: Path) -> list[Study]:
    return [r for r in read([str(corpus / "ctgov-json")]) if isinstance(r, Study)]


def test_a_page_links_arms_as_the_json_of_the_same_study_does(json_studies: list[Study]) -> None:
    """The corpus has no JSON of the seed's study: every JSON record is written as its study page instead, and
    the page's arm links are those of the JSON (the page shows arms, interventions and each arm's list)."""
    if any(s.nct_id == SEED_NCT for s in json_studies):
        pytest.fail(f"the corpus now has {SEED_NCT} as JSON: compare the seed with it")
    with_links = [s for s in json_studies if _arm_links(s)]
    assert len(with_links) > 300
    differ = [s.nct_id for s in with_links if _arm_links(parse_text(render(s))) != _arm_links(s)]
    assert differ == []
