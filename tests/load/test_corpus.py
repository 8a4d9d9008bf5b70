"""The whole corpus release loaded into real Oxigraph servers: one started without ``--union-default-graph``
holding it in one graph per study, one started with it holding it in the default graph. Both must hold
exactly the release's ``void:triples`` and answer every canned query as the local release does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import query as q
from kg.load.loader import Report, Target, release_info
from tests.load.conftest import OxigraphServer

pytestmark = pytest.mark.slow

#: Parameter values with answers in the corpus.
VALUES = {"mesh": "D001249", "sponsor": "Pfizer", "country": "FR", "as_of": "2024-01-01"}
NAMES = sorted(q.canned())


def params(name: str) -> dict[str, str]:
    return {p.name: VALUES[p.name] for p in q.resolve(name).params}


@pytest.fixture(scope="module")
def local(corpus_release: tuple[Path, object]) -> dict[str, tuple[list[str], list[q.Row]]]:
    store = q.open_store(str(corpus_release[0]))
    return {name: q.run(store, q.resolve(name), params(name)) for name in NAMES}


@pytest.fixture(scope="module")
def loaded(
    corpus_release: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[OxigraphServer, Target, Report]]]:
    release, root = corpus_release[0], tmp_path_factory.mktemp("corpus-oxigraph")
    servers: dict[str, tuple[OxigraphServer, Target, Report]] = {}
    try:
        for key, union, target in (("plain", False, Target(per_study=True)), ("union", True, Target())):
            server = OxigraphServer(root / key, union=union)
            servers[key] = (server, target, server.loader(target).load(release))
        yield servers
    finally:
        for server, _, _ in servers.values():
            server.stop()


def test_the_store_holds_exactly_the_release(corpus_release: tuple[Path, object], loaded: dict) -> None:
    _, _, triples = release_info(corpus_release[0])
    assert triples > 1_000_000
    for server, target, report in loaded.values():
        assert report.found == report.expected == report.added == triples
        assert server.source(target).count() == triples
    plain, target, _ = loaded["plain"]
    assert plain.source(Target()).count() == 0  # nothing in the default graph: the named graphs hold it all
    assert plain.source(target).count("GRAPH ?g { ?s ?p ?o }") == triples


@pytest.mark.parametrize("name", NAMES)
def test_every_canned_query_gives_the_local_rows(loaded: dict, local: dict, name: str) -> None:
    columns, rows = local[name]
    assert rows  # the comparison compares something
    for key, (server, target, _) in loaded.items():
        assert q.run(server.source(target), q.resolve(name), params(name)) == (columns, rows), key
