"""Done when: SPARQLWrapper, pointed at a running ``trialkg serve``, gets the same answers as
``trialkg query`` for every canned query, in JSON, XML and CSV, by GET and by POST."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from xml.dom.minidom import Document

import pytest
from SPARQLWrapper import CSV, GET, JSON, POST, XML, SPARQLWrapper

from kg import query as q
from tests.serve.conftest import Server
from tests.test_canned_queries import example_params

Rows = list[dict[str, str]]


def _from_json(result: dict[str, Any]) -> tuple[list[str], Rows]:
    columns = result["head"]["vars"]
    return columns, [{c: b[c]["value"] if c in b else "" for c in columns} for b in result["results"]["bindings"]]


def _from_xml(doc: Document) -> tuple[list[str], Rows]:
    columns = [v.getAttribute("name") for v in doc.getElementsByTagName("variable")]
    rows = []
    for result in doc.getElementsByTagName("result"):
        row = dict.fromkeys(columns, "")
        for binding in result.getElementsByTagName("binding"):
            value = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
            row[binding.getAttribute("name")] = "".join(t.data for t in value.childNodes if t.nodeType == t.TEXT_NODE)
        rows.append(row)
    return columns, rows


def _from_csv(data: bytes) -> tuple[list[str], Rows]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


CONVERT = {JSON: _from_json, XML: _from_xml, CSV: _from_csv}


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV])
@pytest.mark.parametrize("name", sorted(q.canned()))
def test_sparqlwrapper_gets_the_same_answers_as_trialkg_query(
    server: Server, known_release: Path, name: str, fmt: str, method: str
) -> None:
    canned = q.resolve(name)
    params = example_params(name)
    expected = q.run(q.open_store(str(known_release)), canned, params)

    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setMethod(method)
    client.setReturnFormat(fmt)
    client.setQuery(q.prepared(canned, params))
    client.setTimeout(60)
    assert CONVERT[fmt](client.queryAndConvert()) == expected
