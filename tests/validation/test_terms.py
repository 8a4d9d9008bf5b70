"""The terms both engines validate: pyoxigraph-parsed, typed literals in rdflib's normal form."""

from __future__ import annotations

import logging
import random

import pyoxigraph as ox
import rdflib

from kg.validation.terms import CANONICAL, parse_lines, rdflib_graph, to_rdflib

SAMPLES = {
    "integer": ["0", "7", "-12", "123456789012345678"],
    "decimal": ["0.0", "-0.5", "1.50", "48.8566", "-180.000000000001", "123456789012345.1"],
    "boolean": ["true", "false"],
    "date": ["2020-02-29", "2021-02-29", "1999-12-31", "2020-13-31", "2020-00-00"],
    "gYearMonth": ["2020-02", "1999-13"],
    "gYear": ["2020", "1000"],
}


def test_the_lexical_forms_taken_as_canonical_are_those_rdflib_keeps() -> None:
    logging.disable(logging.WARNING)  # rdflib logs each ill-typed literal
    try:
        rng = random.Random(7)
        for name, samples in SAMPLES.items():
            datatype = "http://www.w3.org/2001/XMLSchema#" + name
            extra = [str(rng.randint(-(10**6), 10**6)) + (f".{rng.randint(0, 999)}" if name == "decimal" else "")]
            for lexical in samples + (extra if name in ("integer", "decimal") else []):
                assert CANONICAL[datatype].match(lexical), (name, lexical)
                assert str(rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype))) == lexical, (name, lexical)
    finally:
        logging.disable(logging.NOTSET)


def test_other_lexical_forms_are_put_in_rdflib_s_normal_form() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    lines = [
        f'<urn:s> <urn:p> "01"^^<{xsd}integer> .',
        f'<urn:s> <urn:p> "1"^^<{xsd}boolean> .',
        f'<urn:s> <urn:p> "x"^^<{xsd}string> .',
        '<urn:s> <urn:p> "y"@EN-GB .',
        "_:b0 <urn:p> <urn:o> .",
    ]
    objects = {q.object for q in parse_lines(lines)}
    assert objects == {
        ox.Literal("1", datatype=ox.NamedNode(xsd + "integer")),
        ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean")),
        ox.Literal("x"),
        ox.Literal("y", language="en-gb"),
        ox.NamedNode("urn:o"),
    }
    graph = rdflib_graph(parse_lines(lines))
    assert (rdflib.BNode("b0"), rdflib.URIRef("urn:p"), rdflib.URIRef("urn:o")) in graph  # ids kept
    assert to_rdflib(ox.Literal("x")) == rdflib.Literal("x")
