"""Registry dates on real corpus records: kept as given, and beside each its normalised xsd:date (the first day
of the period the record gives) with its precision, so that a date filter finds every study.

The registry gives a start date to the day for some studies (``2014-03-12``, xsd:date) and to the month for
others (``2014-03``, xsd:gYearMonth). SPARQL compares an xsd:gYearMonth with an xsd:date as a type error, so
``FILTER(?d >= "2010-01-01"^^xsd:date)`` on tkg:startDate silently drops every study dated to the month; on
tkg:startDateNormalized it finds them all. The expected answers are read here from the JSON files with
``json``, not through kg.sources or the mapping.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.mapping.rdf import Mapper
from kg.mapping.terms import REGISTRY_DATES, normalized
from kg.publish.build import build
from kg.query import open_store, resolve, run
from kg.sources import read
from kg.sources.records import Rejected

TKG = "https://w3id.org/trialkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PRECISION = "https://w3id.org/trialkg/vocab/date-precision/"
PREFIXES = f"PREFIX tkg: <{TKG}> PREFIX xsd: <{XSD}> PREFIX dcterms: <http://purl.org/dc/terms/> "
SINCE_2010 = 'FILTER(?d >= "2010-01-01"^^xsd:date)'
PER_KIND = 2  # corpus records of each kind: start to the day or the month, before or since 2010


def _status(path: Path) -> dict[str, Any]:
    status: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["protocolSection"]["statusModule"]
    return status


def _start(path: Path) -> str:
    return str(_status(path).get("startDateStruct", {}).get("date", ""))


@pytest.fixture(scope="module")
def picked(corpus: Path) -> dict[str, str]:
    """NCT id -> start date as given, for PER_KIND records of each kind, and one with posted results."""
    kinds: dict[tuple[int, bool], list[Path]] = {(n, new): [] for n in (7, 10) for new in (False, True)}
    with_results = None
    for path in sorted((corpus / "ctgov-json").glob("NCT*.json")):
        start = _start(path)
        kind = (len(start), start[:4] >= "2010")
        if kind in kinds and len(kinds[kind]) < PER_KIND:
            kinds[kind].append(path)
        if with_results is None and start and "resultsSection" in json.loads(path.read_text(encoding="utf-8")):
            with_results = path
    assert all(len(paths) == PER_KIND for paths in kinds.values()), kinds
    assert with_results is not None
    paths = {p for ps in kinds.values() for p in ps} | {with_results}
    return {p.stem: _start(p) for p in paths}


@pytest.fixture(scope="module")
def release(picked: dict[str, str], corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dates") / "release"
    files = [str(corpus / "ctgov-json" / f"{nct}.json") for nct in sorted(picked)]
    summary = build(files, str(out), progress=False, jobs=1)  # validated: the shapes accept the new triples
    assert summary.published == len(picked) and summary.quarantine == [] and summary.violations == 0
    return out


def _select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(PREFIXES + query)
    assert isinstance(result, ox.QuerySolutions)
    return sorted(tuple(s[v].value if s[v] is not None else "" for v in result.variables) for s in result)


def _ids(store: ox.Store, prop: str) -> set[str]:
    rows = _select(store, f"SELECT ?id WHERE {{ ?s dcterms:identifier ?id ; tkg:{prop} ?d {SINCE_2010} }}")
    return {r[0] for r in rows}


def test_a_date_filter_on_the_normalised_start_date_finds_every_study(release: Path, picked: dict[str, str]) -> None:
    store = open_store(str(release))
    since = {nct for nct, start in picked.items() if start[:4] >= "2010"}
    to_the_day = {nct for nct in since if len(picked[nct]) == 10}
    assert since > to_the_day  # both precisions since 2010
    assert _ids(store, "startDateNormalized") == since
    assert _ids(store, "startDate") == to_the_day  # as given, the month-precision dates fail the comparison


def test_the_start_date_is_kept_as_given_beside_its_normalised_form(release: Path, picked: dict[str, str]) -> None:
    rows = _select(
        open_store(str(release)),
        "SELECT ?id ?given ?type ?day ?precision WHERE { ?s dcterms:identifier ?id ; tkg:startDate ?given ; "
        "tkg:startDateNormalized ?day ; tkg:startDatePrecision ?precision BIND(DATATYPE(?given) AS ?type) }",
    )
    expected = [
        (
            nct,
            start,
            XSD + ("date" if len(start) == 10 else "gYearMonth"),
            start if len(start) == 10 else f"{start}-01",
            PRECISION + ("DAY" if len(start) == 10 else "MONTH"),
        )
        for nct, start in sorted(picked.items())
    ]
    assert rows == expected


def test_every_registry_date_has_its_normalised_form(release: Path) -> None:
    """Each of the nine registry dates a record gives, on the study or its results summary."""
    store = open_store(str(release))
    seen = 0
    for prop in REGISTRY_DATES:
        day_prop, precision_prop = normalized(prop)
        query = (
            f"SELECT ?s ?given ?day ?precision WHERE {{ ?s <{prop.value}> ?given . "
            f"OPTIONAL {{ ?s <{day_prop.value}> ?day }} OPTIONAL {{ ?s <{precision_prop.value}> ?precision }} }}"
        )
        for _, given, day, precision in _select(store, query):
            seen += 1
            code = {10: "DAY", 7: "MONTH", 4: "YEAR"}[len(given)]
            assert (day, precision) == ((given + "-01-01")[:10], PRECISION + code), (prop, given)
    assert seen > 8 * 9  # most of the nine dates on every record


def test_trial_summary_gives_the_dates_as_given(release: Path, picked: dict[str, str], corpus: Path) -> None:
    columns, rows = run(open_store(str(release)), resolve("trial-summary"))
    assert "start_date" in columns and "completion_date" in columns
    completion = {nct: _status(corpus / "ctgov-json" / f"{nct}.json")["completionDateStruct"]["date"] for nct in picked}
    assert {r["nct_id"]: (r["start_date"], r["completion_date"]) for r in rows} == {
        nct: (start, completion[nct]) for nct, start in picked.items()
    }


def test_results_posting_delay_counts_calendar_months_on_real_dates(release: Path, picked: dict[str, str]) -> None:
    columns, rows = run(open_store(str(release)), resolve("results-posting-delay"))
    assert rows
    for row in rows:
        pcd, posted = row["primary_completion_date"], row["results_first_posted"]
        months = (int(posted[:4]) - int(pcd[:4])) * 12 + int(posted[5:7]) - int(pcd[5:7])
        assert row["months"] == str(months), row


def _start_dates(corpus: Path) -> Iterator[tuple[str, str]]:
    mapper = Mapper()
    for record in read([str(corpus / "ctgov-json")]):
        assert not isinstance(record, Rejected), record
        for t in mapper.map(record).own:
            if t.predicate.value in (TKG + "startDate", TKG + "startDateNormalized"):
                yield ox.Quad(t.subject, t.predicate, t.object)  # type: ignore[misc]


def test_on_the_whole_json_corpus_the_normalised_filter_agrees_with_the_dates_as_written(corpus: Path) -> None:
    """As the issue counted: by string, the studies starting in 2010 or later; by the typed date as given,
    fewer (the months fail); by the normalised date, as many as by string."""
    store = ox.Store()
    store.extend(_start_dates(corpus))
    by_string = {r[0] for r in _select(store, 'SELECT ?s WHERE { ?s tkg:startDate ?d FILTER(STR(?d) >= "2010") }')}
    given, normalised = (
        {r[0] for r in _select(store, f"SELECT ?s WHERE {{ ?s tkg:{p} ?d {SINCE_2010} }}")}
        for p in ("startDate", "startDateNormalized")
    )
    assert normalised == by_string and given < by_string
    studies = {r[0] for r in _select(store, "SELECT DISTINCT ?s WHERE { ?s tkg:startDate ?d }")}
    assert len(studies) == len(_select(store, "SELECT ?s WHERE { ?s tkg:startDateNormalized ?d }"))
