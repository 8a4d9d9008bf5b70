"""What the server says about itself and the dataset: the SPARQL service description (``GET /sparql``),
VoID (``/.well-known/void``: the release's ``void.ttl``, or a minimal one made from the build report
when the release has none) and the statistics on the home page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.mapping.namespaces import DESCRIPTION_PREFIXES, PREFIXES
from kg.serve import pages
from kg.serve.formats import FORMATS, HTML, formats, negotiate
from kg.serve.worker import write_graph

if TYPE_CHECKING:
    from kg.serve.site import Site

SD, VOID, W3C_FORMATS = (DESCRIPTION_PREFIXES[p] for p in ("sd", "void", "formats"))
VOID_FILE = "void.ttl"
VOID_FIGURES = {
    "entities": "entities",
    "distinctSubjects": "distinct subjects",
    "distinctObjects": "distinct objects",
    "properties": "properties",
    "classes": "classes",
}
META_PREFIXES = {"sd": SD, "void": VOID, "formats": W3C_FORMATS, **PREFIXES}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _t(s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> ox.Triple:
    return ox.Triple(_n(s), _n(p), _n(o) if isinstance(o, str) else o)


def _int(value: float) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_n(PREFIXES["xsd"] + "integer"))


def service_triples(endpoint: str, site: Site) -> list[ox.Triple]:
    rdf, rdfs, dct = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["dcterms"]
    dataset, graph = f"{endpoint}#dataset", f"{endpoint}#default-graph"
    features = {
        "read-only": ("read-only", "SPARQL Update is refused with 403.", None),
        "no-federation": ("no federated query", "SERVICE is refused with 403: the server fetches no URLs.", None),
        "timeout": (
            "query timeout (seconds)",
            "A query running longer is stopped and answered with 503.",
            ox.Literal(f"{site.timeout:g}", datatype=_n(PREFIXES["xsd"] + "decimal")),
        ),
        "result-limit": (
            "result limit",
            "A query giving more solutions or triples is answered with 422.",
            _int(site.max_results),
        ),
    }
    out = [
        _t(endpoint, rdf + "type", SD + "Service"),
        _t(endpoint, SD + "endpoint", endpoint),
        _t(endpoint, SD + "supportedLanguage", SD + "SPARQL11Query"),
        _t(endpoint, SD + "defaultEntailmentRegime", "http://www.w3.org/ns/entailment/Simple"),
        _t(endpoint, SD + "defaultDataset", dataset),
        _t(endpoint, dct + "title", ox.Literal("trialkg SPARQL endpoint", language="en")),
        _t(dataset, rdf + "type", SD + "Dataset"),
        _t(dataset, SD + "defaultGraph", graph),
        _t(graph, rdf + "type", SD + "Graph"),
        _t(graph, VOID + "triples", _int(site.report.get("triples", 0))),
        _t(graph, VOID + "uriSpace", ox.Literal(site.base)),
    ]
    out += [_t(endpoint, SD + "resultFormat", W3C_FORMATS + f.w3c) for f in FORMATS]
    for name, (label, comment, value) in features.items():
        feature = f"{endpoint}#{name}"
        out += [
            _t(endpoint, SD + "feature", feature),
            _t(feature, rdf + "type", SD + "Feature"),
            _t(feature, rdfs + "label", ox.Literal(label, language="en")),
            _t(feature, rdfs + "comment", ox.Literal(comment, language="en")),
        ]
        if value is not None:
            out.append(_t(feature, rdf + "value", value))
    return out


def _answer(
    request: Request, site: Site, triples: list[ox.Triple], title: str, service: pages.Service | None = None
) -> Response:
    """``triples`` in the format ``Accept`` prefers (Turtle by default), or as a page for browsers."""
    graph = formats("graph")
    media = negotiate(request.headers.get("accept", ""), [f.media_type for f in graph] + [HTML])
    fmt = next((f for f in graph if f.media_type == media), None)
    prefixes = {**site.prefixes, **META_PREFIXES}
    if fmt is None:
        turtle = write_graph(triples, "TURTLE", prefixes).decode()
        return HTMLResponse(pages.rdf_page(title, turtle, service), headers={"Vary": "Accept"})
    return Response(write_graph(triples, fmt.ox, prefixes), media_type=fmt.media_type, headers={"Vary": "Accept"})


def service_description(request: Request, site: Site) -> Response:
    endpoint = str(request.url_for("sparql"))
    service = pages.Service(endpoint, [f.name for f in FORMATS], site.timeout, site.max_results)
    return _answer(request, site, service_triples(endpoint, site), "SPARQL endpoint", service)


def void_triples(request: Request, site: Site) -> list[ox.Triple]:
    """The release's VoID, or a minimal description made from its build report."""
    root = str(request.base_url).rstrip("/")
    path = site.root / VOID_FILE
    if path.is_file():  # its relative IRIs (<trialkg.nt.gz>) are relative to where it is downloaded
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=f"{root}/downloads/{VOID_FILE}"))
    ds, rdf, dct = f"{root}/.well-known/void#dataset", PREFIXES["rdf"], PREFIXES["dcterms"]
    out = [
        _t(ds, rdf + "type", VOID + "Dataset"),
        _t(ds, dct + "title", ox.Literal("trialkg: ClinicalTrials.gov studies as a knowledge graph", language="en")),
        _t(ds, dct + "description", ox.Literal("Made by trialkg serve: this release has no void.ttl.", language="en")),
        _t(ds, VOID + "triples", _int(site.report.get("triples", 0))),
        _t(ds, VOID + "uriSpace", ox.Literal(site.base)),
        _t(ds, VOID + "sparqlEndpoint", f"{root}/sparql"),
    ]
    out += [_t(ds, VOID + "dataDump", f"{root}/downloads/{f.name}") for f in site.files.values() if f.dump]
    out += [_t(ds, VOID + "exampleResource", iri) for iri in site.examples[:3]]
    out += [_t(ds, VOID + "vocabulary", PREFIXES[p]) for p in ("tkg", "tkgv", "schema", "dcterms", "skos", "prov")]
    return out


def void(request: Request) -> Response:
    site = request.state.site
    return _answer(request, site, void_triples(request, site), "VoID description of the dataset")


def statistics(site: Site) -> list[tuple[str, str]]:
    """Label/value rows for the home page: the build report's counts, then VoID's if there is a void.ttl."""
    report = site.report
    rows = [
        ("studies", f"{report.get('published', 0):,}"),
        ("triples", f"{report.get('triples', 0):,}"),
        ("records read", f"{report.get('records_read', 0):,}"),
        ("quarantined records", f"{report.get('quarantined', 0):,}"),
        ("superseded copies", f"{report.get('superseded', 0):,}"),
        ("built by", f"trialkg {report.get('trialkg', '?')}"),
    ]
    path = site.root / VOID_FILE
    if not path.is_file():
        return rows
    graph = ox.Store()
    graph.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=f"http://localhost/downloads/{VOID_FILE}")
    query = f"""SELECT ?d ?p ?v WHERE {{ ?d a <{VOID}Dataset> ; ?p ?v .
        FILTER(STRSTARTS(STR(?p), "{VOID}") && isLiteral(?v) && DATATYPE(?v) = <{PREFIXES["xsd"]}integer>) }}"""
    values: dict[str, dict[str, int]] = {}
    for row in graph.query(query):  # type: ignore[union-attr]
        values.setdefault(str(row["d"]), {})[row["p"].value[len(VOID) :]] = int(row["v"].value)
    if values:  # the dataset with the most triples: the whole graph rather than a subset
        main = max(values.values(), key=lambda v: v.get("triples", 0))
        rows += [(f"{label} (VoID)", f"{main[name]:,}") for name, label in VOID_FIGURES.items() if name in main]
    return rows
