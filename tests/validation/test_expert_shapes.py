"""The warnings a registry expert adds (kg/shapes/warnings.ttl), on real records of the corpus, with both
engines: each fires on the records that show the fault, at the right focus node and value, and stays quiet
on real records that come close (an applicable trial with results, a phase 1 drug trial, a device feasibility
study, a trial completed before FDAAA 801, ...). And the open-label warning, which fired on 68 records of the
corpus, fires on 41 now: not on the 27 blinded trials whose only open-label mentions are of an extension, a
later phase or period, or treatment offered afterwards.

The records are read, mapped and validated here, as the build does each (its own and shared triples, with its
provenance); the lists were found by validating a release of the whole corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.mapping.rdf import Mapper
from kg.publish.provenance import study_lines
from kg.sources import Rejected, read
from kg.validation.engines import ENGINES, new_validator
from kg.validation.report import short
from kg.validation.results import Report

STUDY = "https://w3id.org/trialkg/trial/"
VOCAB = "https://w3id.org/trialkg/vocab/"

#: Each warning -> (the records it fires on: NCT id -> the value of its result, shortened; records it leaves alone).
FIRES: dict[str, tuple[dict[str, set[str]], set[str]]] = {
    "tkgsh:ResultsOverdueWarning": (
        {
            "NCT03433391": {'"2020-06-23"^^xsd:date'},  # an FDA-regulated device, updated 2024, no results
            "NCT05601362": {'"2023-08-30"^^xsd:date'},  # a device, completed 2023-08-30, updated 2024-12-06
            "NCT05380245": {'"2018-11-16"^^xsd:date'},  # legacy XML: a phase 4 drug trial, updated 2022
            "NCT00492960": {'"2008-10"^^xsd:gYearMonth'},  # legacy XML: phase 2, completed 2008-10
        },
        {
            "NCT02945046",  # a phase 3 drug trial with its results posted
            "NCT03953092",  # a phase 1 drug trial (not an applicable clinical trial), no results
            "NCT06136936",  # a device feasibility study (not applicable either), no results
            "NCT00003452",  # a phase 2 drug trial completed in 1998, before FDAAA 801
        },
    ),
    "tkgsh:PhaseOfObservationalStudyWarning": (
        {"NCT00362401": {"tkgv:phase/EARLY_PHASE1"}},  # legacy XML: an observational study in early phase 1
        {"NCT02145806"},  # an observational study of phase N/A
    ),
    "tkgsh:StatusNotVerifiedWarning": (
        {
            "NCT00461188": {'"2016-07"^^xsd:gYearMonth'},  # recruiting, verified 2016-07, updated 2022-10-18
            "NCT00496288": {'"2008-06"^^xsd:gYearMonth'},  # recruiting, verified 2008-06, updated 2011-04-05
        },
        {"NCT06383390"},  # recruiting, verified in the month of its last update
    ),
    "tkgsh:ResultsDateMismatchWarning": (
        {
            "NCT00500110": {'"true"^^xsd:boolean'},  # legacy XML of before 2017: results, no posted date
            "NCT00985114": {'"true"^^xsd:boolean'},  # results_first_posted but no clinical_results: date not mapped
        },
        {"NCT02945046", "NCT00499343"},  # results with their first posted date (API v2, legacy XML)
    ),
    "tkgsh:DuplicateSiteWarning": (
        {
            "NCT05317416": {"trial:NCT05317416/site/125", "trial:NCT05317416/site/177"},  # two sites twice
            "NCT05170204": {"trial:NCT05170204/site/40"},  # Hunan Cancer Hospital, Changsha City, 410013, twice
            "NCT00003014": {"trial:NCT00003014/site/31"},  # legacy XML: Saint Bartholomew's Hospital, EC1A 7BE
        },
        {"NCT02438826"},  # Yale University School of Medicine twice, at two postal codes: two sites
    ),
}


def _ids(text: str) -> set[str]:
    return set(re.findall(r"NCT[0-9]{8}", text))


#: The records the open-label warning fired on before (masking not NONE, a text matching "open-label"), and
#: the blinded trials among them whose open-label mentions are all of an extension, a later phase or period,
#: a part, or treatment offered afterwards: it fires on the rest.
OPEN_LABEL_BEFORE = _ids(
    """NCT00000392 NCT00000577 NCT00000736 NCT00000885 NCT00001049 NCT00001132 NCT00001723 NCT00002116 NCT00002161
    NCT00002163 NCT00002182 NCT00002248 NCT00002320 NCT00002390 NCT00002424 NCT00002426 NCT00002450 NCT00004466
    NCT00004583 NCT00004832 NCT00005663 NCT00005669 NCT00005918 NCT00006135 NCT00006291 NCT00007683 NCT00055497
    NCT00209170 NCT00460564 NCT00463242 NCT00463567 NCT00490919 NCT00491270 NCT00492232 NCT00494221 NCT00494507
    NCT00494884 NCT00495820 NCT00498433 NCT00499642 NCT00500955 NCT00501631 NCT00501852 NCT02438826 NCT02586688
    NCT02970669 NCT03352674 NCT03764280 NCT04057209 NCT04282928 NCT04407182 NCT04542642 NCT04757038 NCT05023460
    NCT05070858 NCT05647226 NCT05814159 NCT05833815 NCT05925803 NCT06001671 NCT06129864 NCT06268873 NCT06305754
    NCT06318962 NCT06346392 NCT06357533 NCT06669780 NCT06764875"""
)
OPEN_LABEL_LATER_PART_ONLY = _ids(
    """NCT00000392 NCT00001132 NCT00002161 NCT00002248 NCT00002390 NCT00002426 NCT00002450 NCT00004466 NCT00004832
    NCT00005669 NCT00055497 NCT00209170 NCT00460564 NCT00463242 NCT00490919 NCT00492232 NCT00494221 NCT00494507
    NCT00494884 NCT00501631 NCT02438826 NCT02970669 NCT05023460 NCT05070858 NCT05814159 NCT05925803
    NCT06268873"""
)
OPEN_LABEL = "tkgsh:OpenLabelButMaskedWarning"
MASKED = ("SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE")
#: The path of each warning's results.
PATHS = {
    "tkgsh:ResultsOverdueWarning": "tkg:primaryCompletionDate",
    "tkgsh:PhaseOfObservationalStudyWarning": "tkg:phase",
    "tkgsh:StatusNotVerifiedWarning": "tkg:statusVerifiedDate",
    "tkgsh:ResultsDateMismatchWarning": "tkg:hasResults",
    "tkgsh:DuplicateSiteWarning": "tkg:site",
    OPEN_LABEL: "tkg:masking",
}
#: The warning as it was: a masked study whose title, summary or description matches this.
OPEN_LABEL_BEFORE_QUERY = """
    PREFIX tkg: <https://w3id.org/trialkg/ontology#>
    SELECT DISTINCT ?study WHERE {
        ?study tkg:masking ?masking .
        FILTER (?masking != <https://w3id.org/trialkg/vocab/masking/NONE>)
        ?study <http://purl.org/dc/terms/abstract>|<http://purl.org/dc/terms/description>|<https://schema.org/name>
            |tkg:officialTitle ?text .
        FILTER (REGEX(STR(?text), "open[- ]*lab(el|le)", "i"))
    }"""


def _all_records() -> set[str]:
    return {n for fires, quiet in FIRES.values() for n in (*fires, *quiet)} | OPEN_LABEL_BEFORE


def _record_file(corpus: Path, seeds: Path, nct: str) -> Path:
    for path in (corpus / "ctgov-json" / f"{nct}.json", corpus / "ctgov-xml" / f"{nct}.xml", seeds / f"{nct}.txt"):
        if path.is_file():
            return path
    raise AssertionError(f"{nct} is not in the corpus at {corpus} (nor in {seeds})")


@pytest.fixture(scope="module")
def lines(corpus: Path, seeds: Path) -> list[str]:
    """The records, mapped as the build maps each: their own and shared triples and their provenance."""
    mapper = Mapper()
    out: set[str] = set()
    paths = [str(_record_file(corpus, seeds, nct)) for nct in sorted(_all_records())]
    mapped = []
    for record in read(paths):
        assert not isinstance(record, Rejected), record
        triples = mapper.map(record)
        out.update(f"{t.subject} {t.predicate} {t.object} ." for t in (*triples.own, *triples.shared))
        out.update(study_lines(record, mapper.base))
        mapped.append(record.nct_id)
    assert sorted(mapped) == sorted(_all_records())
    return sorted(out)


@pytest.fixture(
    scope="module", params=[pytest.param(e, marks=[pytest.mark.slow] if e == "pyshacl" else []) for e in ENGINES]
)
def report(request: pytest.FixtureRequest, lines: list[str]) -> Report:
    """The records validated in one batch by each engine: fast (the default; seconds) and pySHACL (the
    reference; over three minutes, so marked slow)."""
    return new_validator(request.param).validate_ntriples(lines)  # type: ignore[no-any-return]


def _short(term: str) -> str:
    """A result's value in N-Triples syntax, shortened: ``"2008-10"^^xsd:gYearMonth``, ``tkgv:phase/NA``."""
    for iri, prefix in (("http://www.w3.org/2001/XMLSchema#", "xsd:"), (STUDY, "trial:"), (VOCAB, "tkgv:")):
        term = term.replace(f"<{iri}", prefix)
    return term.replace(">", "")


def warned(report: Report, shape: str) -> dict[str, set[str]]:
    """NCT id -> the values of the warnings of ``shape`` (all on the study itself, at ``PATHS[shape]``)."""
    found: dict[str, set[str]] = {}
    for r in report:
        if short(r.shape) == shape:
            assert (r.severity, short(r.path)) == ("Warning", PATHS[shape]), r
            assert r.focus.startswith(f"<{STUDY}NCT"), r
            found.setdefault(r.focus[len(STUDY) + 1 : -1], set()).add(_short(r.value or ""))
    return found


@pytest.mark.parametrize("shape", sorted(FIRES))
def test_the_warning_fires_on_the_records_that_show_the_fault_and_only_there(report: Report, shape: str) -> None:
    fires, quiet = FIRES[shape]
    found = warned(report, shape)
    assert {n: v for n, v in found.items() if n in fires or n in quiet} == fires


def test_the_open_label_warning_as_it_was_fired_on_every_one_of_these_records(lines: list[str]) -> None:
    store = ox.Store()
    store.bulk_extend(ox.parse("\n".join(lines), format=ox.RdfFormat.N_TRIPLES))
    before = {row["study"].value[len(STUDY) :] for row in store.query(OPEN_LABEL_BEFORE_QUERY)}  # type: ignore[union-attr]
    assert before == OPEN_LABEL_BEFORE
    assert len(before) == 68 and len(OPEN_LABEL_LATER_PART_ONLY) == 27 and before >= OPEN_LABEL_LATER_PART_ONLY


def test_the_open_label_warning_spares_blinded_trials_whose_open_label_part_comes_later(report: Report) -> None:
    found = warned(report, OPEN_LABEL)
    assert set(found) == OPEN_LABEL_BEFORE - OPEN_LABEL_LATER_PART_ONLY
    assert {v for values in found.values() for v in values} <= {f"tkgv:masking/{m}" for m in MASKED}
