"""Every canned query answers correctly on the small known release (tests/serve/known_release.py).

The expected rows were worked out by hand from the records' table in that module's docstring.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import query as q
from tests.serve.known_release import build_known_release

T = "https://w3id.org/trialkg/"
ACME, EUH, BETA = f"{T}org/acme-pharma", f"{T}org/example-university-hospital", f"{T}org/beta-biotech"
S1, S2, S3, S4 = (f"{T}trial/NCT0000000{i}" for i in range(1, 5))
ASPIRIN, BREATHING, PLACEBO, VACCINE = (
    f"{T}intervention/{s}" for s in ("aspirin", "breathing-exercise", "placebo", "vaccine-x")
)
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
TITLES = {
    S1: "Aspirin for Mild Asthma",
    S2: "Aspirin and Breathing",
    S3: "Vaccine X Against COVID-19",
    S4: "Asthma and COVID-19 Registry",
}

#: (query, parameters) -> the rows it must give, in order, each as a tuple in column order.
EXPECTED: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[str, ...]]] = {
    ("studies-by-phase-status", ()): [
        ("", "ACTIVE_NOT_RECRUITING", "1"),
        ("PHASE1", "RECRUITING", "2"),
        ("PHASE2", "RECRUITING", "1"),
        ("PHASE2|PHASE3", "COMPLETED", "1"),
    ],
    ("top-sponsors", ()): [
        (ACME, "Acme Pharma", "INDUSTRY", "4", "2"),
        (EUH, "Example University Hospital", "OTHER", "3", "2"),
        (BETA, "Beta Biotech", "INDUSTRY", "2", "1"),
    ],
    ("sponsor-intervention-edges", ()): [
        (ACME, "Acme Pharma", ASPIRIN, "Aspirin", "2"),
        (ACME, "Acme Pharma", BREATHING, "Breathing Exercise", "1"),
        (ACME, "Acme Pharma", VACCINE, "Vaccine X", "1"),
        (EUH, "Example University Hospital", ASPIRIN, "Aspirin", "1"),
        (EUH, "Example University Hospital", PLACEBO, "Placebo", "1"),
    ],
    ("conditions-most-studied", ()): [
        (f"{T}condition/asthma", "Asthma", "3"),
        (f"{T}condition/covid-19", "COVID-19", "2"),
        (f"{T}condition/mild-asthma", "Mild Asthma", "1"),
    ],
    ("trials-per-country", ()): [
        (f"{T}country/BE", "BE", "Belgium", "2", "2"),
        (f"{T}country/FR", "FR", "France", "2", "3"),
        (f"{T}country/US", "US", "United States", "2", "2"),
        (f"{T}country/NL", "NL", "Netherlands", "1", "1"),
    ],
    ("interventions-for-condition", (("mesh", "D001249"),)): [
        ("D001249", ASPIRIN, "Aspirin", "2"),
        ("D001249", BREATHING, "Breathing Exercise", "1"),
        ("D001249", PLACEBO, "Placebo", "1"),
    ],
    # an ancestor in MeSH finds the asthma studies too; COVID-19 gives other studies
    ("interventions-for-condition", (("mesh", "D012130"),)): [
        ("D012130", ASPIRIN, "Aspirin", "2"),
        ("D012130", BREATHING, "Breathing Exercise", "1"),
        ("D012130", PLACEBO, "Placebo", "1"),
    ],
    ("interventions-for-condition", (("mesh", "D000086382"),)): [
        ("D000086382", ASPIRIN, "Aspirin", "1"),
        ("D000086382", VACCINE, "Vaccine X", "1"),
    ],
    ("interventions-for-condition", (("mesh", "D999999"),)): [],
    ("studies-of-sponsor", (("sponsor", "Acme Pharma"),)): [
        (S1, "NCT00000001", TITLES[S1], "collaborator", "COMPLETED"),
        (S2, "NCT00000002", TITLES[S2], "lead", "RECRUITING"),
        (S3, "NCT00000003", TITLES[S3], "lead", "RECRUITING"),
        (S4, "NCT00000004", TITLES[S4], "collaborator", "ACTIVE_NOT_RECRUITING"),
    ],
    ("studies-of-sponsor", (("sponsor", "Beta Biotech"),)): [
        (S2, "NCT00000002", TITLES[S2], "collaborator", "RECRUITING"),
        (S4, "NCT00000004", TITLES[S4], "lead", "ACTIVE_NOT_RECRUITING"),
    ],
    ("trials-recruiting-in-country", (("country", "US"),)): [
        (S2, "NCT00000002", TITLES[S2], f"{S2}/site/1", "Acme Clinical Unit", "Boston"),
    ],
    ("trials-recruiting-in-country", (("country", "FR"),)): [
        (S3, "NCT00000003", TITLES[S3], f"{S3}/site/2", "Hôpital Test", "Paris"),
    ],
    ("trials-recruiting-in-country", (("country", "NL"),)): [],
    ("enrollment-statistics", ()): [
        ("INTERVENTIONAL", "4", "3", "211", "31", "120", "70.3"),
        ("OBSERVATIONAL", "1", "1", "500", "500", "500", "500"),
    ],
    ("cosponsorship-pairs", ()): [
        (ACME, "Acme Pharma", BETA, "Beta Biotech", "2"),
        (ACME, "Acme Pharma", EUH, "Example University Hospital", "2"),
        (BETA, "Beta Biotech", EUH, "Example University Hospital", "1"),
    ],
    ("studies-with-pubmed", ()): [
        (S1, "NCT00000001", f"{PUBMED}12345678", "12345678", "RESULT", "Doe J. Aspirin. 2021."),
        (S2, "NCT00000002", f"{PUBMED}12345678", "12345678", "BACKGROUND", "Doe J. Aspirin. 2021."),
        (S2, "NCT00000002", f"{PUBMED}23456789", "23456789", "RESULT", "Roe R. Breathing. 2023."),
        (S4, "NCT00000004", f"{PUBMED}34567890", "34567890", "DERIVED", "Poe P. 2024."),
    ],
    ("studies-by-start-year", ()): [("2020", "2", "2", "0"), ("2021", "2", "1", "1"), ("2022", "1", "1", "0")],
    ("sponsor-study-intervention-mesh", (("sponsor", "Beta Biotech"),)): [
        *[
            ("Beta Biotech", "NCT00000002", "Aspirin", "D001241", "D001249", "Asthma", o)
            for o in ["NCT00000001", "NCT00000002", "NCT00000004"]
        ],
        *[
            ("Beta Biotech", "NCT00000002", "Breathing Exercise", "", "D001249", "Asthma", o)
            for o in ["NCT00000001", "NCT00000002", "NCT00000004"]
        ],
        *[("Beta Biotech", "NCT00000004", "", "", "D000086382", "COVID-19", o) for o in ["NCT00000003", "NCT00000004"]],
        *[
            ("Beta Biotech", "NCT00000004", "", "", "D001249", "Asthma", o)
            for o in ["NCT00000001", "NCT00000002", "NCT00000004"]
        ],
    ],
}

#: Values for parameters on the known release, by parameter name: every canned query can run on it.
EXAMPLE_VALUES = {"mesh": "D001249", "sponsor": "Acme Pharma", "country": "US", "as_of": "2024-01-01"}


def example_params(name: str) -> dict[str, str]:
    """Parameters for canned query ``name`` on the known release (used by the serving tests too)."""
    return {p.name: EXAMPLE_VALUES.get(p.name, "") for p in q.resolve(name).params}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_known_release(tmp_path_factory.mktemp("canned"))


@pytest.mark.parametrize(("name", "params"), list(EXPECTED), ids=[f"{n}{dict(p) or ''}" for n, p in EXPECTED])
def test_canned_query_answers(release: Path, name: str, params: tuple[tuple[str, str], ...]) -> None:
    columns, rows = q.run(q.open_store(str(release)), q.resolve(name), dict(params))
    assert [tuple(row[c] for c in columns) for row in rows] == EXPECTED[(name, params)]


def test_every_canned_query_is_described() -> None:
    queries = q.canned()
    tested_here = {name for name, _ in EXPECTED}
    assert len(tested_here) >= 11 and tested_here <= set(queries)
    for query in queries.values():
        assert query.title != query.name and len(query.description) > 40, query.name
        assert all(p.type in {"string", "integer", "iri", "date"} and p.description for p in query.params)
        assert all(p.name in EXAMPLE_VALUES for p in query.params), f"{query.name}: add an example value"


def test_injection_through_a_parameter_matches_nothing(release: Path) -> None:
    store = q.open_store(str(release))
    for attack in ['Acme Pharma" } UNION { ?study ?p ?o } #', "'\" } UNION { ?s ?p ?o } #", 'x" . } DROP ALL ; #']:
        _, rows = q.run(store, q.resolve("studies-of-sponsor"), {"sponsor": attack})
        assert rows == []
    _, rows = q.run(store, q.resolve("studies-of-sponsor"), {"sponsor": "Acme Pharma"})
    assert len(rows) == 4  # nothing changed


@pytest.mark.parametrize("name", sorted({name for name, _ in EXPECTED} | {"trial-summary"}))
def test_canned_queries_are_portable_sparql(release: Path, name: str) -> None:
    """rdflib's engine gives the same rows: the queries hold for any SPARQL 1.1 store (`trialkg query
    --endpoint`), not just ours. (The queries of this module; others are their authors' to check.)"""
    import gzip
    import logging

    import rdflib

    logging.getLogger("rdflib").setLevel(logging.ERROR)
    graph = rdflib.Graph()
    with gzip.open(release / "trialkg.nt.gz", "rb") as dump:
        graph.parse(dump, format="nt")
    canned, params = q.resolve(name), example_params(name)
    columns, rows = q.run(q.open_store(str(release)), canned, params)
    result = graph.query(q.prepared(canned, params))
    assert [str(v) for v in result.vars or []] == columns
    assert [{c: "" if row[i] is None else str(row[i]) for i, c in enumerate(columns)} for row in result] == rows
