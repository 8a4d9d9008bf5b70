"""The store presets: which URLs a store's base or query URL stands for."""

from __future__ import annotations

import pytest

from kg.errors import LoadError
from kg.stores import resolve


@pytest.mark.parametrize(
    ("url", "store", "query", "update", "gsp"),
    [
        ("http://h:7878", None, "http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:7878/query", None, "http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        (
            "http://h:3030/ds/sparql",
            "fuseki",
            "http://h:3030/ds/query",
            "http://h:3030/ds/update",
            "http://h:3030/ds/data",
        ),
        ("http://h:3030/ds", "fuseki", "http://h:3030/ds/query", "http://h:3030/ds/update", "http://h:3030/ds/data"),
        (
            "http://h:7200/repositories/tkg",
            "graphdb",
            "http://h:7200/repositories/tkg",
            "http://h:7200/repositories/tkg/statements",
            "http://h:7200/repositories/tkg/rdf-graphs/service",
        ),
        (
            "http://h:8890/sparql",
            "virtuoso",
            "http://h:8890/sparql",
            "http://h:8890/sparql-auth",
            "http://h:8890/sparql-graph-crud-auth",
        ),
        ("http://h:7019", "qlever", "http://h:7019", "http://h:7019", None),
        ("https://example.org/sparql", None, "https://example.org/sparql", None, None),
    ],
)
def test_presets(url: str, store: str | None, query: str, update: str | None, gsp: str | None) -> None:
    endpoints = resolve(url, store)
    assert (endpoints.query, endpoints.update, endpoints.gsp) == (query, update, gsp)


def test_union_default_graph_per_store() -> None:
    assert resolve("http://h:7878").union == (("union-default-graph", ""),)
    assert resolve("http://h:3030/ds", "fuseki").union == (("default-graph-uri", "urn:x-arq:UnionGraph"),)
    assert resolve("http://h:7200/repositories/r", "graphdb").union == ()  # the union already
    assert not resolve("http://h:8890", "virtuoso").default_graph


def test_overrides_and_errors() -> None:
    endpoints = resolve("https://example.org/sparql", update_url="https://example.org/up", gsp_url="https://e.org/gsp")
    assert (endpoints.update, endpoints.gsp, endpoints.quads) == ("https://example.org/up", "https://e.org/gsp", False)
    with pytest.raises(LoadError, match="unknown store 'blazegraph'"):
        resolve("http://h:9999", "blazegraph")
    with pytest.raises(LoadError, match="not an http"):
        resolve("ftp://h/x")


def test_a_store_without_a_default_graph_needs_a_named_one() -> None:
    from kg.load.loader import Loader, Target
    from kg.load.protocol import Client

    virtuoso = resolve("http://h:8890", "virtuoso")
    with Client() as client:
        with pytest.raises(LoadError, match="virtuoso keeps no default graph: give --graph IRI"):
            Loader(virtuoso, client, Target())
        assert Loader(virtuoso, client, Target(graph="urn:g")).gsp
        with pytest.raises(LoadError, match="no update service known for sparql"):
            Loader(resolve("https://example.org/sparql"), client, Target())
    with pytest.raises(LoadError, match="either --graph IRI or --per-study"):
        Target(graph="urn:g", per_study=True)
