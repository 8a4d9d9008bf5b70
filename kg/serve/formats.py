"""Content negotiation and the table of formats the server writes: a leaf of :mod:`kg.serve`.

Every format has one row in :data:`FORMATS` (content type, format parameter, serializer, W3C name,
file suffix); :func:`negotiate` reads ``Accept`` as RFC 9110 does, :func:`pick` chooses the format of
an answer, :func:`wants_html` tells a browser from a script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request


@dataclass(frozen=True)
class Format:
    kind: str  # "results" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE, resources)
    name: str  # the value of the format parameter
    media_type: str
    ox: str  # the pyoxigraph QueryResultsFormat or RdfFormat member
    w3c: str  # its name under http://www.w3.org/ns/formats/
    suffix: str
    aliases: tuple[str, ...] = ()  # other format names and media types that choose it


#: Every format the server answers in: content type <-> format parameter <-> serializer, in one table.
FORMATS: tuple[Format, ...] = (
    Format(
        "results",
        "json",
        "application/sparql-results+json",
        "JSON",
        "SPARQL_Results_JSON",
        ".srj",
        ("srj", "application/json"),
    ),
    Format(
        "results",
        "xml",
        "application/sparql-results+xml",
        "XML",
        "SPARQL_Results_XML",
        ".srx",
        ("srx", "application/xml", "text/xml"),
    ),
    Format("results", "csv", "text/csv", "CSV", "SPARQL_Results_CSV", ".csv"),
    Format("results", "tsv", "text/tab-separated-values", "TSV", "SPARQL_Results_TSV", ".tsv"),
    Format("graph", "turtle", "text/turtle", "TURTLE", "Turtle", ".ttl", ("ttl", "application/x-turtle")),
    Format(
        "graph", "ntriples", "application/n-triples", "N_TRIPLES", "N-Triples", ".nt", ("nt", "n-triples", "text/plain")
    ),
    Format(
        "graph",
        "jsonld",
        "application/ld+json",
        "JSON_LD",
        "JSON-LD",
        ".jsonld",
        ("json-ld", "json", "application/json"),
    ),
    Format("graph", "rdfxml", "application/rdf+xml", "RDF_XML", "RDF_XML", ".rdf", ("rdf", "xml")),
)

HTML = "text/html"


def formats(kind: str) -> list[Format]:
    return [f for f in FORMATS if f.kind == kind]


def by_ox(kind: str, ox_name: str) -> Format:
    return next(f for f in formats(kind) if f.ox == ox_name)


def _quality(value: str) -> float:
    """An RFC 9110 qvalue (0 to 1, three decimals at most); anything else counts as 0: not acceptable."""
    return float(value) if re.fullmatch(r"\s*(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*", value) else 0.0


def negotiate(accept: str, offers: Sequence[str]) -> str | None:
    """The offer ``accept`` likes best (on a tie the earlier offer); the first if ``accept`` is empty;
    ``None`` if it accepts none. The most specific matching range gives an offer its quality."""
    if not accept.strip():
        return offers[0] if offers else None
    ranges: list[tuple[str, float]] = []
    for part in accept.lower().split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                q = _quality(value)
        if media:
            ranges.append((media, q))
    best, best_q = None, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        matches = [
            (2 if m == offer else 1 if m == f"{kind}/*" else 0, q)
            for m, q in ranges
            if m in (offer, f"{kind}/*", "*/*")
        ]
        quality = max(matches)[1] if matches else 0.0
        if quality > best_q:
            best, best_q = offer, quality
    return best


def pick(kind: str, accept: str, requested: str | None) -> Format | None:
    """The format of ``kind`` to answer in: the requested one (None if it is of the other kind), else
    the one ``Accept`` prefers, else the first of the kind (a lenient default rather than a 406)."""
    candidates = formats(kind)
    if requested:
        wanted = requested.strip().lower()
        return next((f for f in candidates if wanted in (f.name, f.media_type, *f.aliases)), None)
    media = negotiate(accept, [m for f in candidates for m in (f.media_type, *f.aliases) if "/" in m])
    return next((f for f in candidates if media in (f.media_type, *f.aliases)), candidates[0])


def wants_html(request: Request) -> bool:
    """True when the client prefers an HTML page: a browser, not a script."""
    return negotiate(request.headers.get("accept", ""), ["application/json", "text/html"]) == "text/html"
