"""`trialkg load` of the small known release into real Oxigraph servers, started with and without
``--union-default-graph``: every layout, both protocols, counts against void.ttl and every canned query
against the answers on the local release."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import query as q
from kg.cli import main
from kg.errors import LoadError
from kg.load.loader import Target, release_info
from tests.load.conftest import Factory
from tests.test_canned_queries import example_params

LAYOUTS = {
    "default": Target(),
    "graph": Target(graph="https://example.org/graph/trialkg"),
    "per-study": Target(per_study=True),
}


def local_answers(release: Path) -> dict[str, tuple[list[str], list[q.Row]]]:
    store = q.open_store(str(release))
    return {name: q.run(store, canned, example_params(name)) for name, canned in q.canned().items()}


@pytest.fixture(scope="module")
def expected(known: Path) -> dict[str, tuple[list[str], list[q.Row]]]:
    answers = local_answers(known)
    assert sum(len(rows) for _, rows in answers.values()) > 50  # the comparison below compares something
    return answers


@pytest.mark.parametrize("method", ["gsp", "update"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_gives_the_local_answers_with_and_without_union_default_graph(
    oxigraph: Factory, known: Path, expected: dict, layout: str, method: str
) -> None:
    target = LAYOUTS[layout]
    _, _, triples = release_info(known)
    for union in (False, True):
        server = oxigraph(union=union)
        report = server.loader(target, method=method, chunk=100).load(known)
        assert report.found == report.expected == triples == 723
        assert report.method == ("Graph Store Protocol" if method == "gsp" else "SPARQL Update")
        assert report.requests >= 723 // 100  # chunked
        source = server.source(target)
        for name, canned in q.canned().items():
            assert q.run(source, canned, example_params(name)) == expected[name], (name, layout, union)
        stored = server.quads()
        assert len(stored) == triples
        graphs = {graph for graph, _ in stored}
        if layout == "default":
            assert graphs == {""}
        elif layout == "graph":
            assert graphs == {target.graph}
        else:
            assert len(graphs) == 6 and "https://w3id.org/trialkg/graph/shared" in graphs


def test_the_cli_loads_replaces_and_reports_a_mismatch(oxigraph: Factory, known: Path) -> None:
    server = oxigraph()
    runner = CliRunner()
    done = runner.invoke(main, ["load", str(known), "--endpoint", server.url, "--quiet"])
    assert done.exit_code == 0, done.output
    assert "verified       723 triples in the store, 723 in void.ttl: ok" in done.output
    # loading again adds nothing (sets of triples)
    assert runner.invoke(main, ["load", str(known), "--endpoint", server.url + "/query", "--quiet"]).exit_code == 0
    server.loader().client.update(server.url + "/update", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    done = runner.invoke(main, ["load", str(known), "--endpoint", server.url, "--quiet"])
    assert done.exit_code == 2
    assert "verification failed: the store holds 724 triples in the default graph, the release 723" in done.output
    assert "--replace" in done.output
    done = runner.invoke(main, ["load", str(known), "--endpoint", server.url, "--quiet", "--replace"])
    assert done.exit_code == 0, done.output
    assert len(server.quads()) == 723


def test_replace_in_the_per_study_layout_clears_only_the_release_graphs(oxigraph: Factory, known: Path) -> None:
    server = oxigraph()
    loader = server.loader(Target(per_study=True))
    loader.client.update(
        server.url + "/update",
        "INSERT DATA { GRAPH <https://w3id.org/trialkg/trial/NCT09999999> { <urn:x:a> <urn:x:b> <urn:x:c> } "
        "GRAPH <urn:x:other> { <urn:x:a> <urn:x:b> <urn:x:d> } }",
    )
    with pytest.raises(LoadError, match="holds 724 triples"):
        loader.load(known)  # a study graph that is not in the release
    report = loader.load(known, replace=True)
    assert report.found == 723
    assert ("urn:x:other", "<urn:x:a> <urn:x:b> <urn:x:d> .") in server.quads()  # not ours: left alone


def test_without_a_graph_store_service_it_falls_back_to_sparql_update(oxigraph: Factory, known: Path) -> None:
    server = oxigraph()
    runner = CliRunner()
    args = ["load", str(known), "--endpoint", server.url, "--gsp-url", server.url + "/no-such-service", "--quiet"]
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.output
    assert "through SPARQL Update" in done.output and "no graph store service here (404)" in done.output
    assert len(server.quads()) == 723
    server.loader().client.update(server.url + "/update", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    done = runner.invoke(main, [*args, "--replace"])  # cleared through SPARQL Update
    assert done.exit_code == 0, done.output
    assert len(server.quads()) == 723
    done = runner.invoke(main, [*args, "--method", "gsp"])
    assert done.exit_code == 2 and "no graph store service here (404)" in done.output


def test_the_endpoint_must_be_reachable(known: Path, tmp_path: Path) -> None:
    from tests.load.conftest import free_port

    done = CliRunner().invoke(
        main, ["load", str(known), "--endpoint", f"http://127.0.0.1:{free_port()}", "--quiet", "--retries", "1"]
    )
    assert done.exit_code == 2
    assert "cannot reach the store" in done.output
