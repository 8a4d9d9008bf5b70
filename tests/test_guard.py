"""The screen of a SPARQL request (:mod:`kg.guard`) as tables: a query, and whether it is an update and
whether it could federate; the normal form it is screened and run in. ``tests/serve/test_forgery.py``
sends the federation tricks to a real server and a listener; these are the fast unit tables."""

from __future__ import annotations

import pytest

from kg.guard import Refused, federates, is_update, normalise, screen

FAR = "<http://127.0.0.1:1/sparql>"
BODY = "{ ?s ?p ?o }"

QUERIES = [
    # (query, update?, federates?)
    ("SELECT * WHERE { ?s ?p ?o }", False, False),
    ("ASK { ?s ?p ?o }", False, False),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", False, False),
    ("DESCRIBE <https://w3id.org/trialkg/country/FR>", False, False),
    ("PREFIX ex: <http://example.org/>\nBASE <http://example.org/>\nSELECT ?s { ?s ex:p <o> }", False, False),
    # updates: the first keyword after the prologue, in any case, however the prologue is written
    ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", True, False),
    ("insert data { <http://e/a> <http://e/b> 1 }", True, False),
    ("PREFIX ex: <http://example.org/>\n# a comment\ndelete where { ?s ?p ?o }", True, False),
    ("BASE <http://example.org/> DROP ALL", True, False),
    ("PREFIX : <http://e/> PREFIX ex: <http://x/> CLEAR DEFAULT", True, False),
    ("WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True, False),
    ("LOAD <http://example.org/data.ttl>", True, False),
    ("CREATE GRAPH <http://e/g>", True, False),
    ("ADD DEFAULT TO <http://e/g>", True, False),
    ("MOVE <http://e/a> TO <http://e/b>", True, False),
    ("COPY <http://e/a> TO <http://e/b>", True, False),
    ("CLEAR DEFAULT ; INSERT DATA { <http://e/a> <http://e/b> 1 }", True, False),
    ("\\u0044ROP ALL", True, False),  # an escape spelling the keyword: decoded first
    ("\\U00000064rop all", True, False),
    ("# SELECT\nDROP ALL", True, False),
    ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://e/> { ?s ?p ?o } }", True, True),
    # update words that are not keywords: in comments, strings, IRIs, variables, prefixed names
    ("# DROP ALL\nSELECT * WHERE { ?s ?p ?o }", False, False),
    ('SELECT ?x { BIND("INSERT DATA { }" AS ?x) }', False, False),
    ("SELECT ?x { BIND('''DELETE\nWHERE''' AS ?x) }", False, False),
    ("PREFIX drop: <http://example.org/> SELECT * { ?s drop:load ?o }", False, False),
    ("SELECT ?delete WHERE { ?delete ?p ?o }", False, False),
    ("SELECT * WHERE { <http://e/insert> ?p ?o }", False, False),
    ("SELECT * WHERE { ?s <http://e/p#> ?o } # DROP ALL", False, False),
    # federation: the letters, in any case, glued to anything, however spelled
    (f"SELECT * WHERE {{ SERVICE {FAR} {BODY} }}", False, True),
    (f"SELECT * WHERE {{ service {FAR} {BODY} }}", False, True),
    (f"SELECT * WHERE {{ SeRvIcE SILENT {FAR} {BODY} }}", False, True),
    (f"SELECT * WHERE {{ FILTER(true) trueSERVICE{FAR}{BODY} }}", False, True),
    (f"PREFIX SERVICE: <http://127.0.0.1:1/> SELECT * WHERE {{ SERVICE:x{BODY} }}", False, True),
    (f"PREFIX ex: <http://127.0.0.1:1/> SELECT * WHERE {{ SERVICE ex:sparql {BODY} }}", False, True),
    (f"BASE <http://127.0.0.1:1/> SELECT * WHERE {{ SERVICE <sparql> {BODY} }}", False, True),
    (f"SELECT * WHERE {{ ?s ?p ?o . SERVICE ?endpoint {BODY} }}", False, True),
    (f"SELECT * WHERE {{ \\u0053ERVICE {FAR} {BODY} }}", False, True),
    (f"SELECT * WHERE {{ SERV\\u0049CE {FAR} {BODY} }}", False, True),
    (f"SELECT * WHERE {{ # x\rSERVICE {FAR} {BODY} }}", False, True),  # a comment ends at CR too
    (f"SELECT * WHERE {{ SERVICE # x\n{FAR} {BODY} }}", False, True),
    (f"SELECT * WHERE {{ <http://e/#> ?p ?o . SERVICE {FAR} {BODY} }}", False, True),
    ("PREFIX service: <http://e/> SELECT * WHERE { ?s service:p ?o }", False, True),  # the price of being wide
    # the word where it calls nothing: strings, IRIs, variables, local names, comments
    ('SELECT ?service WHERE { BIND("SERVICE" AS ?service) }', False, False),
    ("SELECT * WHERE { ?s ?p <http://example.org/service#x> }", False, False),
    ("PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }", False, False),
    (f"SELECT * WHERE {{ ?s ?p ?o }} # SERVICE {FAR}", False, False),
    ("SELECT * WHERE { ?s ?p '''SERVICE <http://e/> {}''' }", False, False),
]


@pytest.mark.parametrize(("query", "update", "federation"), QUERIES)
def test_update_and_federation(query: str, update: bool, federation: bool) -> None:
    normal = normalise(query)
    assert (is_update(normal), federates(normal)) == (update, federation)


@pytest.mark.parametrize(("query", "update", "federation"), QUERIES)
def test_screen_refuses_updates_first_then_federation(query: str, update: bool, federation: bool) -> None:
    if not (update or federation):
        assert screen(query) == normalise(query)
        return
    with pytest.raises(Refused) as refused:
        screen(query)
    title = "SPARQL Update is not allowed" if update else "Federated query is disabled"
    assert (refused.value.status, refused.value.title) == (403, title)


NORMAL = [
    # (text, its normal form)
    ("SELECT * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }"),
    ("\\u0053ELECT * {}", "SELECT * {}"),
    ("\\U00000053ELECT * {}", "SELECT * {}"),
    ('SELECT ("\\u00e9" AS ?x) {}', 'SELECT ("é" AS ?x) {}'),  # decoded inside strings too, as SPARQL does
    ("SELECT * # a comment\n{}", "SELECT * \n{}"),
    ("SELECT * # a comment\r{}", "SELECT * \r{}"),
    ('SELECT ("# not a comment" AS ?x) {}', 'SELECT ("# not a comment" AS ?x) {}'),
    ("SELECT * { <http://e/#x> ?p ?o }", "SELECT * { <http://e/#x>\n ?p ?o }"),  # an IRI with #: a line break
    ("SELECT * { <http://e/it's> ?p ?o }", "SELECT * { <http://e/it's>\n ?p ?o }"),  # ... or with '
    ("SELECT * { <http://e/x> ?p ?o }", "SELECT * { <http://e/x> ?p ?o }"),
]


@pytest.mark.parametrize(("text", "normal"), NORMAL)
def test_normal_form(text: str, normal: str) -> None:
    assert normalise(text) == normal


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("SELECT * { ?s ?p '\\uD800' }", "not a Unicode character"),  # a surrogate
        ("SELECT * { ?s ?p '\\U00110000' }", "not a Unicode character"),  # past U+10FFFF
        ("\\u005Cu0053ELECT * {}", "spells another escape"),  # decodes to \u0053: decoding twice would differ
        ("SELECT * { <http://e/'''> ?p ?o }", "'''"),
    ],
)
def test_malformed_escapes_and_iris_are_refused(text: str, why: str) -> None:
    with pytest.raises(Refused, match=why) as refused:
        normalise(text)
    assert (refused.value.status, refused.value.title) == (400, "Malformed query")
