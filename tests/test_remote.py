"""`trialkg query --endpoint`: canned queries on a real Oxigraph server through SPARQLWrapper give what they
give on the local release, in every output format; failures are clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import query as q
from kg.cli import main
from kg.errors import QueryError
from kg.load.loader import Target
from kg.remote import RemoteEndpoint
from tests.load.conftest import OxigraphServer, free_port
from tests.serve.known_release import build_known_release
from tests.test_canned_queries import example_params


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_known_release(tmp_path_factory.mktemp("remote"))


@pytest.fixture(scope="module")
def server(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """An Oxigraph server without union default graph, holding the release in one graph per study."""
    running = OxigraphServer(tmp_path_factory.mktemp("remote-oxigraph") / "data")
    running.loader(Target(per_study=True)).load(release)
    yield running
    running.stop()


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_the_cli_gives_the_same_output_remotely_and_locally(release: Path, server: OxigraphServer, fmt: str) -> None:
    runner = CliRunner()
    for name in ("trial-summary", "studies-of-sponsor"):
        params = [f"--param={k}={v}" for k, v in example_params(name).items()]
        local = runner.invoke(main, ["query", name, "--data", str(release), "--format", fmt, *params])
        remote = runner.invoke(main, ["query", name, "--endpoint", server.url, "--per-study", "--format", fmt, *params])
        assert local.exit_code == remote.exit_code == 0, remote.output
        assert remote.output == local.output and local.output.count("\n") >= 3


def test_without_the_union_the_named_graphs_are_not_seen(server: OxigraphServer) -> None:
    """The server does not take the union by default: a query that does not ask for it sees nothing, which
    is why --per-study must be given (and why the result above is not an accident)."""
    _, rows = q.run(RemoteEndpoint.connect(server.url), q.resolve("trial-summary"))
    assert rows == []


def test_open_source_connects_to_an_endpoint(server: OxigraphServer) -> None:
    source = q.open_source(endpoint=server.url + "/query", per_study=True)
    assert isinstance(source, RemoteEndpoint)
    assert source.url == server.url + "/query"
    assert source.count() == 723
    with pytest.raises(QueryError, match="either --data DIR"):
        q.open_source(release="x", endpoint=server.url)


def test_construct_gives_the_triples(server: OxigraphServer) -> None:
    source = RemoteEndpoint.connect(server.url, per_study=True)
    triples = source.construct(
        "CONSTRUCT { ?s <https://schema.org/name> ?n } WHERE { ?s a <https://schema.org/MedicalObservationalStudy> ;"
        " <https://schema.org/name> ?n }"
    )
    assert triples == {
        '<https://w3id.org/trialkg/trial/NCT00000004> <https://schema.org/name> "Asthma and COVID-19 Registry"@en .'
    }


def test_failures_are_clear_errors(server: OxigraphServer) -> None:
    source = RemoteEndpoint.connect(server.url)
    with pytest.raises(QueryError, match="rejected the query as malformed"):
        source.select("SELECT ?x WHERE { ?x ")
    with pytest.raises(QueryError, match="only SELECT queries give rows"):
        source.select("ASK { ?s ?p ?o }")
    with pytest.raises(QueryError, match="no SPARQL endpoint at .*/nowhere \\(404\\)"):
        RemoteEndpoint.connect(server.url + "/nowhere", store="sparql").count()
    unreachable = RemoteEndpoint.connect(f"http://127.0.0.1:{free_port()}")
    unreachable.retry = type(unreachable.retry)(attempts=1)
    with pytest.raises(QueryError, match="cannot reach the endpoint .* is it running at that address"):
        unreachable.count()
    with pytest.raises(QueryError, match="either --graph IRI or --per-study"):
        RemoteEndpoint.connect(server.url, graph="urn:g", per_study=True)
    with pytest.raises(QueryError, match="not an http"):
        RemoteEndpoint.connect("localhost:7878")


def test_the_cli_refuses_endpoint_options_without_an_endpoint(release: Path) -> None:
    done = CliRunner().invoke(main, ["query", "trial-summary", "--data", str(release), "--per-study"])
    assert done.exit_code == 2 and "go with --endpoint" in done.output
