"""Literals as consumers need them (issue 15, items 4 and 5), on real records: free text tagged @en by one rule,
names and codes untagged, ages as ``xsd:duration`` beside the text as written, outcome kinds as concepts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from kg.mapping.namespaces import TKG, TKGV, XSD
from kg.mapping.rdf import Mapper
from kg.mapping.terms import duration
from kg.model import Study
from kg.publish.provenance import study_lines
from kg.sources import read

S, T, D = "https://schema.org/", "https://w3id.org/trialkg/ontology#", "http://purl.org/dc/terms/"
RDFS, SKOS = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#"

#: Free text from the registry: always ``@en``.
FREE_TEXT = {S + "keywords", S + "jobTitle", D + "abstract", D + "description", D + "title", SKOS + "altLabel"} | {
    T + name
    for name in [
        "officialTitle",
        "whyStopped",
        "conditionName",
        "ipdDescription",
        "interventionModelDescription",
        "maskingDescription",
        "biospecDescription",
        "measure",
        "timeFrame",
        "criteria",
        "genderDescription",
        "studyPopulation",
        "recruitmentDetails",
        "preAssignmentDetails",
        "milestoneType",
        "reasonType",
        "comment",
        "population",
        "groupDescription",
        "nonInferiorityComment",
        "pValueComment",
        "statisticalMethod",
        "statisticalMethodComment",
        "estimateType",
        "estimateComment",
        "ciComment",
        "otherAnalysisDescription",
        "term",
        "organSystem",
        "limitationsAndCaveats",
        "agreementDetails",
    ]
}
#: Names and labels: free text where they name a part of a study, a condition, an intervention or a MeSH term;
#: not where they name an organisation, a person, a place, a software agent, a build or a file.
NAMED_TEXT = re.compile(
    r"/trial/NCT\d{8}(/intervention/\d+|/arm/\d+|/results/.*/group/.+)?$|/condition/|/intervention/|/mesh/"
)
NAMES = {S + "name", RDFS + "label"}


@pytest.fixture(scope="module")
def sample(corpus: Path, seeds: Path) -> list[Study]:
    """Every API v2 JSON record, every fifth legacy XML record and the study page (~1,400 studies)."""
    paths = sorted((corpus / "ctgov-json").glob("*.json")) + sorted((corpus / "ctgov-xml").glob("*.xml"))[::5]
    return [r for r in read([*map(str, paths), str(seeds / "NCT04282928.txt")]) if isinstance(r, Study)]


@pytest.fixture(scope="module")
def triples(sample: list[Study]) -> list[Triple]:
    mapper = Mapper()
    found: list[Triple] = []
    for study in sample:
        mapped = mapper.map(study)
        found += [*mapped.own, *mapped.shared]
    return found


def _tagged(triple: Triple) -> bool:
    if triple.predicate.value in NAMES:
        return bool(NAMED_TEXT.search(triple.subject.value))
    return triple.predicate.value in FREE_TEXT


def test_free_text_is_english_and_names_and_codes_are_not_tagged(triples: list[Triple]) -> None:
    strings = [
        t
        for t in triples
        if isinstance(t.object, Literal) and t.object.datatype.value.endswith(("#string", "#langString"))
    ]
    wrong = Counter(
        (t.predicate.value, t.object.language) for t in strings if (t.object.language == "en") != _tagged(t)
    )
    assert wrong == Counter()
    languages = Counter(t.object.language or None for t in strings)
    assert set(languages) == {"en", None} and languages["en"] > 80_000
    # the properties the issue names, one by one
    for prop in (D + "description", RDFS + "label", T + "criteria", T + "measure", T + "timeFrame"):
        assert all(t.object.language == "en" for t in strings if t.predicate.value == prop and _tagged(t)), prop
    assert {t.object.value for t in strings if t.predicate == TKG.minimumAge and not t.object.language}


def test_the_study_page_lines_are_tagged_too(sample: list[Study]) -> None:
    (page,) = [s for s in sample if s.source is not None and s.source.format == "page-text"]
    own = Mapper().map(page).own
    labels = {t.object for t in own if t.predicate.value == RDFS + "label"}
    assert Literal("Routine treatment group", language="en") in labels


def test_ages_are_durations_beside_the_text_as_written(triples: list[Triple]) -> None:
    by_node: dict[tuple[str, str], list[Literal]] = {}
    for t in triples:
        if t.predicate in (TKG.minimumAge, TKG.maximumAge, TKG.minimumAgeDuration, TKG.maximumAgeDuration):
            assert isinstance(t.object, Literal)
            kind = t.predicate.value.removeprefix(T).removesuffix("Duration")
            by_node.setdefault((t.subject.value, kind), []).append(t.object)
    assert len(by_node) > 1500
    for (node, _), (as_duration, text) in ((k, sorted(v, key=lambda x: x.datatype.value)) for k, v in by_node.items()):
        assert as_duration.datatype == XSD.duration and text.datatype.value.endswith("#string"), node
        assert as_duration.value == _expected(text.value), (node, text.value)


def _expected(text: str) -> str:
    number, unit = text.split()
    n = int(number)
    return {
        "year": f"P{n}Y",
        "month": f"P{n}M",
        "week": f"P{7 * n}D",
        "day": f"P{n}D",
        "hour": f"PT{n}H",
        "minute": f"PT{n}M",
    }[unit.lower().rstrip("s")]


def test_every_age_spelling_of_the_corpus_becomes_a_duration(corpus: Path) -> None:
    """Every minimum and maximum age in the JSON and XML corpus (units Year(s), Month(s), Week(s), Day(s),
    Hour(s), Minute(s)); N/A is no limit and has none."""
    ages = Counter()
    for study in read([str(corpus / "ctgov-json"), str(corpus / "ctgov-xml")]):
        if isinstance(study, Study):
            ages.update(a for a in (study.eligibility.minimum_age, study.eligibility.maximum_age) if a)
    units = {text.split()[1] for text in ages}
    assert {"Years", "Year", "Months", "Month", "Weeks", "Days", "Day", "Hours", "Minutes"} <= units
    literals = {text: duration(text) for text in ages}
    assert {text: lit.value if lit else None for text, lit in literals.items()} == {t: _expected(t) for t in ages}
    assert duration("N/A") is None and duration("18 years") == Literal("P18Y", datatype=XSD.duration)


def test_outcome_kinds_are_concepts_and_still_link_reported_outcomes(triples: list[Triple]) -> None:
    kinds = Counter(t.object for t in triples if t.predicate == TKG.outcomeKind)
    assert set(kinds) == {NamedNode(f"{TKGV.iri}outcome-kind/{k}") for k in ("PRIMARY", "SECONDARY", "OTHER")}
    assert sum(1 for t in triples if t.predicate == TKG.reportsOutcome) > 300  # planned outcomes still found


def test_provenance_holds_concepts_dates_and_no_path(sample: list[Study]) -> None:
    lines = [line for study in sample[:50] for line in study_lines(study, Mapper().base)]
    formats = {line.split()[2] for line in lines if "#sourceFormat>" in line}
    assert formats == {f"<{TKGV.iri}source-format/api-v2-json>"}
    versions = [line.split(" ", 2)[2] for line in lines if "#registryVersion>" in line]
    assert versions and all(v.endswith(f'"^^<{XSD.iri}date> .') for v in versions)
    assert not [line for line in lines if "/work/" in line or "corpus" in line]
