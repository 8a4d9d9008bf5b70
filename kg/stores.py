"""Where a triple store keeps its SPARQL services: one preset per store, and the URLs for a given endpoint.

Every store speaks the same three W3C protocols, at different paths:

* SPARQL 1.1 Protocol (queries), which trialkg talks through SPARQLWrapper;
* SPARQL 1.1 Update, the fallback for loading and the way triples are removed;
* SPARQL 1.1 Graph Store HTTP Protocol (GSP), the bulk way in: N-Triples POSTed to ``?default`` or
  ``?graph=IRI``, and, where the store accepts it, N-Quads POSTed to the service itself.

A preset also says how to ask a query for the union of the named graphs as its default graph (what
the per-study layout needs): Oxigraph takes a ``union-default-graph`` parameter, Fuseki the graph
``urn:x-arq:UnionGraph``, and GraphDB, Virtuoso and QLever query the union of all graphs already.

Some stores cannot take a SPARQL Update request of any size: Virtuoso's parser gives up ("memory
exhausted") at about 5,000 triples in one ``INSERT DATA``/``DELETE DATA``, so its preset caps the triples
per update request (its graph store service takes chunks of any size). Virtuoso 7 also refuses an
``xsd:duration`` literal in ``INSERT DATA``/``DELETE DATA`` ("can not be created from SQL value of type
INTEGER"; it keeps durations as numbers, openlink/virtuoso-opensource#936), so its preset names that
datatype in ``strdt``: such triples are written with the literal made by ``STRDT`` in a ``WHERE`` clause
(:func:`kg.load.protocol.strdt_updates`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kg.errors import LoadError
from kg.mapping.namespaces import XSD


@dataclass(frozen=True)
class Preset:
    name: str
    query: str  # paths after the base URL ("" = the base URL itself); the first is the query service
    update: str | None
    gsp: str | None
    #: the GSP service takes N-Quads POSTed to it directly (a whole dataset, graphs and all)
    quads: bool = False
    #: query parameters that make the default graph the union of the named graphs (empty: it already is)
    union: tuple[tuple[str, str], ...] = ()
    #: the store keeps a default graph of its own (Virtuoso does not: give it --graph)
    default_graph: bool = True
    #: the most triples one SPARQL Update request may carry (None: no limit but --chunk)
    update_limit: int | None = None
    #: datatypes whose literals the store refuses in INSERT DATA/DELETE DATA (written through STRDT instead)
    strdt: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=())  # other paths of the query service, stripped to find the base


PRESETS: dict[str, Preset] = {
    # oxigraph serve: /query, /update, /store (GSP, N-Quads accepted on /store)
    "oxigraph": Preset("oxigraph", "/query", "/update", "/store", quads=True, union=(("union-default-graph", ""),)),
    # Fuseki, base http://host:3030/DATASET: /query (or /sparql), /update, /data (GSP, quads on the service)
    "fuseki": Preset(
        "fuseki",
        "/query",
        "/update",
        "/data",
        quads=True,
        union=(("default-graph-uri", "urn:x-arq:UnionGraph"),),
        aliases=("/sparql",),
    ),
    # GraphDB (RDF4J), base http://host:7200/repositories/REPO: queries on the base itself
    "graphdb": Preset("graphdb", "", "/statements", "/rdf-graphs/service"),
    # Virtuoso, base http://host:8890: /sparql; writes need the authenticated services (digest); its
    # SPARQL parser fails on an update of more than about 5,000 triples (7.2.5: 4,990 short ones)
    "virtuoso": Preset(
        "virtuoso",
        "/sparql",
        "/sparql-auth",
        "/sparql-graph-crud-auth",
        default_graph=False,
        update_limit=1_000,
        strdt=(XSD.duration.value,),
    ),
    # QLever: one URL for queries and (with an access token) updates; no graph store service
    "qlever": Preset("qlever", "", "", None),
    # any other SPARQL 1.1 endpoint: the URL is the query service; --update-url/--gsp-url say the rest
    "sparql": Preset("sparql", "", None, None),
}

STORES = tuple(PRESETS)


@dataclass(frozen=True)
class Endpoints:
    """The service URLs of one store (``update``/``gsp`` None where it has none or none is known)."""

    store: str
    query: str
    update: str | None
    gsp: str | None
    quads: bool
    union: tuple[tuple[str, str], ...]
    default_graph: bool
    update_limit: int | None = None
    strdt: tuple[str, ...] = ()


def detect(url: str) -> str:
    """The store an endpoint URL without ``--store`` stands for: Oxigraph when it is a bare ``http://host:port``
    or ends with ``/query``, otherwise any SPARQL endpoint (the URL is its query service)."""
    path = urlsplit(url).path.rstrip("/")
    return "oxigraph" if path == "" or path.endswith("/query") else "sparql"


def resolve(url: str, store: str | None = None, update_url: str | None = None, gsp_url: str | None = None) -> Endpoints:
    """The services behind ``url`` (the store's base URL or its query URL) for the preset ``store``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LoadError(
            f"{url!r} is not an http(s) URL; give the store's base or query URL, e.g. http://localhost:7878"
        )
    name = store or detect(url)
    if name not in PRESETS:
        raise LoadError(f"unknown store {name!r}; known: {', '.join(STORES)}")
    preset = PRESETS[name]
    base = url.rstrip("/")
    for suffix in (preset.query, *preset.aliases):
        if suffix and base.endswith(suffix):
            base = base[: -len(suffix)]
            break

    def at(path: str | None) -> str | None:
        return None if path is None else base + path

    return Endpoints(
        store=name,
        query=base + preset.query,
        update=update_url or at(preset.update),
        gsp=gsp_url or at(preset.gsp),
        quads=preset.quads if gsp_url is None else False,
        union=preset.union,
        default_graph=preset.default_graph,
        update_limit=preset.update_limit,
        strdt=preset.strdt,
    )
