"""Checking a release's ``void.ttl`` against counts made independently over its N-Triples dump."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import RDF, URIRef

from kg.publish import release as layout

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
PAV = rdflib.Namespace("http://purl.org/pav/")
DCTYPES = rdflib.Namespace("http://purl.org/dc/dcmitype/")
#: The datasets a release links to, by their namespace as written here (not taken from kg).
LINK_TARGETS = {
    "http://id.nlm.nih.gov/mesh/": "mesh",
    "https://ror.org/": "ror",
    "https://pubmed.ncbi.nlm.nih.gov/": "pubmed",
    "https://identifiers.org/clinicaltrials:": "identifiers-org",
    "http://bio2rdf.org/clinicaltrials:": "bio2rdf",
}


def load_void(release: Path) -> rdflib.Graph:
    """``void.ttl`` parsed from the file, so its relative dump links resolve to the release's files."""
    return rdflib.Graph().parse(release / layout.VOID, format="turtle")


def fresh_store(release: Path) -> ox.Store:
    """A new in-memory store holding the N-Triples dump (not the release's own index)."""
    store = ox.Store()
    with gzip.open(release / layout.NTRIPLES, "rb") as dump:
        store.bulk_load(dump, format=ox.RdfFormat.N_TRIPLES)
    return store


def sparql_counts(store: ox.Store) -> dict[str, object]:
    def value(query: str) -> int:
        return int(next(iter(store.query(query)))[0].value)  # type: ignore[arg-type,index]

    def grouped(query: str) -> dict[str, int]:
        return {row[0].value: int(row[1].value) for row in store.query(query)}  # type: ignore[union-attr,index]

    links = {}
    for namespace, key in LINK_TARGETS.items():
        links[key] = value(
            f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{namespace}")) }}'
        )
    links = {key: n for key, n in links.items() if n}  # a dataset with no link has no link set
    return {
        "triples": value("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"),
        "subjects": value("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"),
        "objects": value("SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }"),
        "classes": grouped("SELECT ?c (COUNT(DISTINCT ?x) AS ?n) { ?x a ?c } GROUP BY ?c"),
        "properties": grouped("SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p"),
        "links": links,
    }


def void_counts(void: rdflib.Graph, distribution: URIRef) -> dict[str, object]:
    def number(node: rdflib.term.Node, prop: URIRef) -> int:
        found = void.value(node, prop)
        assert found is not None, (node, prop)
        return int(found)  # type: ignore[call-overload]

    classes = {
        str(void.value(part, VOID["class"])): number(part, VOID.entities)
        for part in void.objects(distribution, VOID.classPartition)
    }
    properties = {
        str(void.value(part, VOID.property)): number(part, VOID.triples)
        for part in void.objects(distribution, VOID.propertyPartition)
    }
    links: dict[str, int] = {}
    for linkset in void.objects(distribution, VOID.subset):
        if (linkset, RDF.type, VOID.Linkset) in void:
            assert void.value(linkset, VOID.subjectsTarget) == distribution, linkset  # a subset of this dump
            key = LINK_TARGETS[str(void.value(linkset, VOID.objectsTarget))]
            assert key not in links, (key, linkset)  # one link set per linked dataset
            links[key] = number(linkset, VOID.triples)
    return {
        "triples": number(distribution, VOID.triples),
        "subjects": number(distribution, VOID.distinctSubjects),
        "objects": number(distribution, VOID.distinctObjects),
        "classes": classes,
        "properties": properties,
        "links": links,
    }


def distributions(void: rdflib.Graph) -> dict[str, URIRef]:
    """The release's dumps by file name -> their distribution node."""
    found = {}
    for node in void.subjects(RDF.type, DCAT.Distribution):
        url = void.value(node, DCAT.downloadURL)
        assert isinstance(node, URIRef) and url is not None
        found[str(url).rsplit("/", 1)[-1]] = node
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
