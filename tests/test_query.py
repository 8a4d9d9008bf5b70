from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from kg import query as q
from kg.errors import QueryError
from kg.publish.build import build
from tests.fixtures import TRIAL_SUMMARY_COLUMNS, api_study, write_json

SUMMARY_COLUMNS = TRIAL_SUMMARY_COLUMNS


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("q")
    bare = api_study("NCT00000009")
    for module in ("armsInterventionsModule", "contactsLocationsModule", "conditionsModule"):
        del bare["protocolSection"][module]
    del bare["protocolSection"]["sponsorCollaboratorsModule"]["collaborators"]
    write_json(root / "in" / "a.json", [api_study("NCT00000001"), bare])
    build([str(root / "in")], str(root / "rel"), validate=False, progress=False)
    return str(root / "rel")


def test_trial_summary_columns_and_values(release: str) -> None:
    columns, rows = q.run(q.open_store(release), q.resolve("trial-summary"))
    assert columns == SUMMARY_COLUMNS
    assert rows[0] == {
        "nct_id": "NCT00000001",
        "title": "Aspirin for Mild Asthma",
        "status": "COMPLETED",
        "study_type": "INTERVENTIONAL",
        "phases": "PHASE2|PHASE3",
        "enrollment": "120",
        "start_date": "2020-02-29",
        "completion_date": "2021-03-31",
        "lead_sponsor": "Example University Hospital",
        "lead_sponsor_class": "OTHER",
        "collaborators": "Acme Pharma",
        "conditions": "Asthma|Mild Asthma",
        "condition_mesh": "D001249",
        "interventions": "Aspirin|Placebo",
        "intervention_types": "DRUG",
        "countries": "Belgium|Netherlands",
        "site_count": "2",
    }
    empty = rows[1]
    assert empty["nct_id"] == "NCT00000009"
    assert [empty[c] for c in ("collaborators", "conditions", "interventions", "countries")] == ["", "", "", ""]
    assert empty["site_count"] == "0"


def test_header_declares_title_description_and_params(tmp_path: Path) -> None:
    path = tmp_path / "by-country.rq"
    path.write_text(
        "# title: Trials in a country\n# description: Studies with a site there.\n"
        "# param: country string  Country name as written\n# param: min integer\n"
        "SELECT ?s WHERE { ?s ?p ?country } LIMIT 1\n"
    )
    loaded = q.load_query(path)
    assert (loaded.name, loaded.title, loaded.description) == (
        "by-country",
        "Trials in a country",
        "Studies with a site there.",
    )
    assert [(p.name, p.type, p.description) for p in loaded.params] == [
        ("country", "string", "Country name as written"),
        ("min", "integer", ""),
    ]


def test_parameters_are_bound_as_terms_never_pasted(release: str, tmp_path: Path) -> None:
    path = tmp_path / "title.rq"
    path.write_text(
        "# param: nct string\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "SELECT ?s WHERE { ?s dcterms:identifier ?nct }\n"
    )
    store = q.open_store(release)
    _, rows = q.run(store, q.load_query(path), {"nct": "NCT00000001"})
    assert len(rows) == 1
    _, rows = q.run(store, q.load_query(path), {"nct": 'x" } UNION { ?s ?p ?o } #'})
    assert rows == []


def test_parameter_errors_are_clear(release: str) -> None:
    summary = q.resolve("trial-summary")
    with pytest.raises(QueryError, match="unknown parameter"):
        q.run(q.open_store(release), summary, {"nope": "1"})
    with pytest.raises(QueryError, match="no canned query 'nope'"):
        q.resolve("nope")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
def test_output_formats_round_trip(release: str, fmt: str) -> None:
    columns, rows = q.run(q.open_store(release), q.resolve("trial-summary"))
    text = q.FORMATTERS[fmt](columns, rows)
    if fmt == "json":
        assert json.loads(text) == {"columns": columns, "rows": rows}
    elif fmt in ("csv", "tsv"):
        parsed = list(csv.DictReader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))
        assert parsed == rows
    else:
        assert text.splitlines()[0].split() == columns and len(text.splitlines()) == len(rows) + 2


def test_values_open_the_where_group_unless_the_query_assigns_the_variable(tmp_path: Path) -> None:
    plain = tmp_path / "a.rq"
    plain.write_text("# param: x string\nSELECT ?s WHERE { ?s ?p ?x }\n")
    text = q.prepared(q.load_query(plain), {"x": "v"})
    assert text.index('VALUES (?x) { ("v") }') < text.index("?s ?p ?x")
    assigned = tmp_path / "b.rq"
    assigned.write_text("# param: x string\nSELECT ?x WHERE { ?s ?p ?o BIND(STR(?o) AS ?x) }\n")
    text = q.prepared(q.load_query(assigned), {"x": "v"})
    assert text.rstrip().endswith('VALUES (?x) { ("v") }')


def test_a_local_query_refuses_service_unless_allowed(release: str) -> None:
    federated = "SELECT * WHERE { # x\rSERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(QueryError, match="Federated query is disabled"):
        q.open_source(release).select(federated)
    with pytest.raises(QueryError, match="SPARQL Update is not allowed"):
        q.open_source(release, allow_service=True).select("DROP ALL")
    columns, _ = q.open_source(release, allow_service=True).select(federated)  # SILENT: port 9 refuses
    assert sorted(columns) == ["o", "p", "s"]


def test_an_error_names_the_query_once(tmp_path: Path) -> None:
    write_json(tmp_path / "in" / "a.json", api_study())
    build([str(tmp_path / "in")], str(tmp_path / "rel"), validate=False, progress=False)
    with pytest.raises(QueryError) as missing:
        q.run(q.open_store(str(tmp_path / "rel")), q.resolve("interventions-for-condition"))
    assert str(missing.value).count("interventions-for-condition:") == 1, missing.value


def test_a_batched_query_streams_the_rows_of_the_whole_query(release: str, tmp_path: Path) -> None:
    store = q.open_store(release)
    whole = q.run(store, q.resolve("trial-summary"))
    one_by_one = dataclasses.replace(q.resolve("trial-summary"), batch=1)
    columns, rows = q.stream(store, one_by_one)
    assert not isinstance(rows, list) and (columns, list(rows)) == whole and len(whole[1]) == 2
    unbatched = (
        q.load_query(tmp_path / "plain.rq")
        if (tmp_path / "plain.rq").write_text("SELECT ?s WHERE { ?s ?p ?o }")
        else None
    )
    assert unbatched is not None and unbatched.batch == 0
    assert sorted(map(str, q.stream(store, unbatched)[1])) == sorted(map(str, q.run(store, unbatched)[1]))


def test_restricted_opens_every_group_but_a_sub_select_s_braces() -> None:
    text = (
        "SELECT ?study WHERE {\n  ?study ?p ?o\n"
        "  OPTIONAL { SELECT ?study (COUNT(*) AS ?n) WHERE { SELECT ?study WHERE { ?s ?q ?r } } GROUP BY ?study }\n}"
    )
    out = q.restricted(text, ["https://example.org/trial/NCT1"])
    clause = "VALUES ?study { <https://example.org/trial/NCT1> }"
    assert out.count(clause) == 2 and "WHERE {\n  " + clause in out and "WHERE { SELECT" in out
    assert q.restricted(text, []).count("VALUES ?study {  }") == 2


def test_a_batch_header_must_be_a_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# batch: many\nSELECT ?study WHERE { ?study ?p ?o }\n")
    with pytest.raises(QueryError, match="is not a number of studies"):
        q.load_query(path)


def test_csv_is_written_row_by_row(release: str) -> None:
    """CSV and TSV go out as the rows come (the first rows of a big release at once)."""
    seen: list[int] = []

    class Out(io.StringIO):
        def flush(self) -> None:
            seen.append(self.getvalue().count("\n"))

    columns, rows = q.stream(q.open_store(release), dataclasses.replace(q.resolve("trial-summary"), batch=1))
    out = Out()
    q.write("csv", columns, rows, out)
    assert (
        seen == [2, 3]
        and list(csv.DictReader(io.StringIO(out.getvalue())))
        == q.run(q.open_store(release), q.resolve("trial-summary"))[1]
    )
