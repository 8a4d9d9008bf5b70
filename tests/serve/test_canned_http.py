"""Canned queries over HTTP: listed with their headers, run with query-string parameters, answering the
same as ``trialkg query``; parameters are bound, never pasted, so injection attempts change nothing."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kg import query as q
from tests.htmlpage import Page
from tests.test_canned_queries import example_params

NAMES = sorted(q.canned())


def test_listing(client: TestClient) -> None:
    listed = client.get("/queries").json()["queries"]
    assert [c["name"] for c in listed] == NAMES
    sponsor = next(c for c in listed if c["name"] == "studies-of-sponsor")
    assert sponsor["title"] == "Studies of a sponsor" and sponsor["description"]
    assert sponsor["params"] == [
        {"name": "sponsor", "type": "string", "description": q.canned()["studies-of-sponsor"].params[0].description}
    ]
    assert sponsor["url"].endswith("/queries/studies-of-sponsor")
    links = Page(client.get("/queries", headers={"Accept": "text/html"}).text).links
    for c in listed:
        assert c["title"] in links[f"/queries/{c['name']}"]


#: Queries the known release answers with no rows: no site is recruiting in the country asked, and no study
#: has posted results (tests/results checks those queries' rows on hand-made and corpus records).
NO_ROWS = {
    "trials-recruiting-in-country",
    "adverse-events",
    "outcome-measurements",
    "outcome-results-for-condition",
    "participant-flow",
    "results-posting-delay",
    "serious-adverse-event-rates",
}


@pytest.mark.parametrize("name", NAMES)
def test_same_answers_as_trialkg_query(client: TestClient, known_release: Path, name: str) -> None:
    params = example_params(name)
    columns, rows = q.run(q.open_store(str(known_release)), q.resolve(name), params)
    assert rows or name in NO_ROWS, "the test release should answer every query"
    as_json = client.get(f"/queries/{name}.json", params=params)
    assert as_json.status_code == 200 and as_json.json() == {"columns": columns, "rows": rows}
    as_csv = client.get(f"/queries/{name}.csv", params=params)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert list(csv.DictReader(io.StringIO(as_csv.text))) == rows
    assert as_csv.text == q.FORMATTERS["csv"](columns, rows)  # the bytes: the same file as `trialkg query` writes
    by_accept = client.get(f"/queries/{name}", params=params, headers={"Accept": "text/tab-separated-values"})
    assert by_accept.text == q.FORMATTERS["tsv"](columns, rows)


def test_the_command_line_gives_the_same(client: TestClient, known_release: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "query",
            "studies-of-sponsor",
            "--data",
            str(known_release),
            "--param",
            "sponsor=Beta Biotech",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    served = client.get("/queries/studies-of-sponsor.json", params={"sponsor": "Beta Biotech"})
    assert json.loads(done.stdout) == served.json() and len(served.json()["rows"]) == 2


def test_html_table_with_links_and_a_form(client: TestClient) -> None:
    form = Page(client.get("/queries/studies-of-sponsor", headers={"Accept": "text/html"}).text)
    assert [e.attrs.get("value", "") for e in form.find("input", name="sponsor")] == [""] and not form.find("table")
    params = {"sponsor": "Acme Pharma"}
    page = Page(client.get("/queries/studies-of-sponsor.html", params=params).text)
    answer = client.get("/queries/studies-of-sponsor.json", params=params).json()
    (table,) = page.find("table", class_="results")
    header, *rows = table.rows()
    assert header == answer["columns"] and len(rows) == len(answer["rows"]) == 4
    assert [row[1:] for row in rows] == [[r[c] for c in header[1:]] for r in answer["rows"]]
    assert [a.attrs["href"] for a in table.find("a")] == [f"/trial/{r['nct_id']}" for r in answer["rows"]]
    assert [e.attrs["value"] for e in page.find("input", name="sponsor")] == ["Acme Pharma"]  # the form, filled in
    assert "/queries/studies-of-sponsor.csv?sponsor=Acme+Pharma" in page.links


INJECTIONS = [
    "'\" } UNION { ?s ?p ?o } #'",
    'Acme Pharma" } UNION { ?study ?p ?o } #',
    "Acme Pharma' . ?study ?p ?o . #",
    'x" . } ; DROP ALL ; INSERT DATA { <http://e/a> <http://e/b> "c" } #',
    "Acme Pharma\\",
    "Acme Pharma\n} UNION {\n?s ?p ?o",
]


@pytest.mark.parametrize("attack", INJECTIONS)
def test_injection_through_a_parameter_changes_nothing(client: TestClient, known_release: Path, attack: str) -> None:
    response = client.get("/queries/studies-of-sponsor.json", params={"sponsor": attack})
    assert response.status_code == 200 and response.json()["rows"] == []  # only a literal that names nobody
    count = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) == len(q.open_store(str(known_release)))
    assert len(client.get("/queries/studies-of-sponsor.json", params={"sponsor": "Acme Pharma"}).json()["rows"]) == 4


def test_parameter_errors_are_clear(client: TestClient) -> None:
    missing = client.get("/queries/studies-of-sponsor.csv")
    assert missing.status_code == 400 and "sponsor=" in missing.json()["error"]["detail"]
    unknown = client.get("/queries/top-sponsors.json", params={"limit": "3"}).json()["error"]
    assert unknown["status"] == 400 and "unknown parameter" in unknown["detail"]
    twice = client.get("/queries/studies-of-sponsor.json", params=[("sponsor", "a"), ("sponsor", "b")])
    assert twice.status_code == 400
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/queries/top-sponsors.xlsx").status_code == 404
