"""Content negotiation (:mod:`kg.serve.formats`) as tables: ``Accept`` headers and the offer chosen.

``negotiate`` reads ``Accept`` as RFC 9110 section 12.5.1 does: q-values, ``type/*`` and ``*/*``, the most
specific range giving an offer its quality, q=0 meaning "not this", ties going to the earlier offer;
junk is never an error. ``pick`` chooses a SPARQL answer's format (a format parameter wins over
``Accept``; nothing acceptable gives the first format of the kind); ``wants_html`` tells a browser from a
script. The end-to-end answers are in ``test_sparql_protocol.py`` and ``test_resources.py``.
"""

from __future__ import annotations

import pytest
from starlette.requests import Request

from kg.serve.formats import FORMATS, formats, negotiate, pick, wants_html

JSON, HTML, TURTLE, NT = "application/json", "text/html", "text/turtle", "application/n-triples"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
SPARQLWRAPPER = "application/sparql-results+json,application/json,text/javascript,application/javascript"

NEGOTIATE = [
    # (Accept, offers, chosen)
    ("", [JSON, HTML], JSON),  # no Accept: the first offer
    ("   ", [JSON, HTML], JSON),
    ("", [], None),
    (HTML, [JSON, HTML], HTML),
    (JSON, [JSON, HTML], JSON),
    ("TEXT/HTML", [JSON, HTML], HTML),  # media types are case-insensitive
    (" text/html ; q=0.9 , application/json ; q=0.8", [JSON, HTML], HTML),  # spaces around everything
    (FIREFOX, [JSON, HTML], HTML),
    (CHROME, [JSON, HTML], HTML),
    (SPARQLWRAPPER, [JSON, HTML], JSON),
    # wildcards
    ("*/*", [JSON, HTML], JSON),  # everything equally good: the earlier offer
    ("*/*", [HTML, JSON], HTML),
    ("text/*", [JSON, HTML], HTML),
    ("application/*;q=0.9, text/html;q=0.8", [JSON, HTML], JSON),
    ("text/*;q=0.5, application/json;q=0.4", [JSON, HTML], HTML),
    # q-values and ties
    ("application/json;q=0.5, text/html;q=0.5", [JSON, HTML], JSON),  # a tie: the earlier offer
    ("application/json;q=0.5, text/html;q=0.5", [HTML, JSON], HTML),
    ("application/json;q=0.1, text/html", [JSON, HTML], HTML),
    ("text/html;q=0.001, image/png", [JSON, HTML], HTML),
    ("text/html;level=1;q=0.7, application/json;q=0.6", [JSON, HTML], HTML),  # other parameters ignored
    # the most specific range gives the quality, whatever the order
    ("text/html;q=0.2, text/*;q=0.9", [JSON, HTML], HTML),
    ("text/*;q=0.9, text/html;q=0.2, */*;q=0.5", [JSON, HTML], JSON),  # json 0.5 (from */*) beats html 0.2
    ("text/html;q=0, */*", [HTML, JSON], JSON),  # q=0: not this one, though */* would take it
    # nothing acceptable
    ("*/*;q=0", [JSON, HTML], None),
    ("image/png", [JSON, HTML], None),
    ("text/html;q=0", [JSON, HTML], None),
    # junk: no error, no match
    ("garbage", [JSON, HTML], None),
    (",,, ;;", [JSON, HTML], None),
    ("text/html;q=abc", [JSON, HTML], None),  # an unreadable q counts as 0
    ("text/html;q=abc, application/json;q=0.1", [JSON, HTML], JSON),
    ("text/html;q=, application/json", [JSON, HTML], JSON),
    (";q=1, text/html", [JSON, HTML], HTML),  # an empty range is skipped
]


@pytest.mark.parametrize(("accept", "offers", "chosen"), NEGOTIATE)
def test_negotiate(accept: str, offers: list[str], chosen: str | None) -> None:
    assert negotiate(accept, offers) == chosen


PICK = [
    # (kind, Accept, format parameter, format chosen: its name, None for none of this kind)
    ("results", "", None, "json"),
    ("results", "*/*", None, "json"),
    ("results", "application/sparql-results+xml", None, "xml"),
    ("results", "application/xml", None, "xml"),
    ("results", "text/xml", None, "xml"),
    ("results", "text/csv", None, "csv"),
    ("results", "text/tab-separated-values", None, "tsv"),
    ("results", JSON, None, "json"),
    ("results", "text/csv;q=0.5, text/tab-separated-values", None, "tsv"),
    ("results", SPARQLWRAPPER, None, "json"),
    ("results", FIREFOX, None, "xml"),  # application/xml;q=0.9: SPARQL XML
    ("results", HTML, None, "json"),  # nothing acceptable: the first of the kind, not a 406
    ("results", "garbage", None, "json"),
    ("graph", "", None, "turtle"),
    ("graph", "*/*", None, "turtle"),
    ("graph", NT, None, "ntriples"),
    ("graph", "text/plain", None, "ntriples"),
    ("graph", "application/ld+json", None, "jsonld"),
    ("graph", JSON, None, "jsonld"),  # JSON for a graph is JSON-LD
    ("graph", "application/rdf+xml", None, "rdfxml"),
    ("graph", "application/x-turtle", None, "turtle"),
    ("graph", f"{NT};q=0.5, {TURTLE};q=0.9", None, "turtle"),
    ("graph", f"{NT}, {TURTLE}", None, "turtle"),  # a tie: the table's order
    ("graph", "image/png", None, "turtle"),
    # the format parameter wins over Accept; its names and media types, in any case, with spaces
    ("results", "text/csv", "json", "json"),
    ("results", HTML, "srj", "json"),
    ("results", HTML, " CSV ", "csv"),
    ("results", HTML, "application/sparql-results+xml", "xml"),
    ("results", HTML, "tsv", "tsv"),
    ("graph", HTML, "json", "jsonld"),
    ("graph", HTML, "json-ld", "jsonld"),
    ("graph", HTML, "ttl", "turtle"),
    ("graph", HTML, "nt", "ntriples"),
    ("graph", HTML, "xml", "rdfxml"),
    # a format parameter of the other kind, or of none: no format (the caller answers 406)
    ("results", "", "turtle", None),
    ("results", "", "ntriples", None),
    ("graph", "", "csv", None),
    ("graph", "", "srj", None),
    ("results", "", "yaml", None),
]


@pytest.mark.parametrize(("kind", "accept", "requested", "chosen"), PICK)
def test_pick(kind: str, accept: str, requested: str | None, chosen: str | None) -> None:
    found = pick(kind, accept, requested)
    assert (found.name if found else None) == chosen
    assert found is None or found.kind == kind


@pytest.mark.parametrize("kind", ["results", "graph"])
def test_every_name_and_media_type_picks_its_own_format(kind: str) -> None:
    """The table has no name, alias or media type that two formats of a kind share."""
    for fmt in formats(kind):
        for name in (fmt.name, fmt.media_type, *fmt.aliases):
            assert pick(kind, "", name) == fmt, name
            if "/" in name:
                assert pick(kind, name, None) == fmt, name


def test_the_table_has_one_row_per_format() -> None:
    for column in ("name", "media_type", "suffix", "w3c"):
        values = [getattr(f, column) for f in FORMATS]
        assert len(values) == len(set(values)), column


def _request(accept: str | None) -> Request:
    headers = [] if accept is None else [(b"accept", accept.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": b""})


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (FIREFOX, True),
        (CHROME, True),
        ("text/html", True),
        ("application/json;q=0.5, text/html", True),
        (None, False),  # curl, scripts
        ("", False),
        ("*/*", False),  # curl, python-requests: a tie, and JSON comes first
        ("application/json", False),
        ("text/html;q=0.5, application/json", False),
        (SPARQLWRAPPER, False),
        ("garbage", False),
    ],
)
def test_wants_html(accept: str | None, html: bool) -> None:
    assert wants_html(_request(accept)) is html


@pytest.mark.parametrize(
    "accept",
    [
        "text/csv;q=2, application/json;q=0.5",
        "text/csv;q=inf, application/json;q=0.5",
        "text/csv;q=1.5, application/json;q=0.5",
    ],
)
def test_a_quality_outside_rfc_9110_is_not_acceptable(accept: str) -> None:
    assert negotiate(accept, ["text/csv", "application/json"]) == "application/json"
