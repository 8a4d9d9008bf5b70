"""Where a published study's record came from (issue 15, item 5), in a release of real records: the registry
page and the file relative to the input given, as prov:Location nodes; its format a concept, its registry
version an xsd:date; and no path of the build machine in any literal of the release."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.mapping.namespaces import PROV, RDF, RDFS, TKG, TKGV, XSD
from kg.publish import release as layout
from kg.publish.build import build
from kg.publish.provenance import file_name


@pytest.fixture(scope="module")
def release(corpus: Path, seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A file, a directory and a zip given to the build: one JSON, the study page and one XML record."""
    root = tmp_path_factory.mktemp("locations")
    with zipfile.ZipFile(root / "studies.zip", "w") as archive:
        archive.write(corpus / "ctgov-xml" / "NCT00000411.xml", "legacy/NCT00000411.xml")
    inputs = [corpus / "ctgov-json" / "NCT00000410.json", seeds, root / "studies.zip"]
    build([str(p) for p in inputs], str(root / "release"), progress=False)
    return root / "release", [*inputs, root]


def _triples(release: Path) -> list[ox.Triple]:
    with gzip.open(release / layout.NTRIPLES, "rb") as dump:
        found = list(ox.parse(dump, format=ox.RdfFormat.N_TRIPLES))
    return [ox.Triple(q.subject, q.predicate, q.object) for q in found]  # type: ignore[arg-type]


def test_each_record_is_at_its_registry_page_and_its_file_under_the_input(release: tuple[Path, list[Path]]) -> None:
    triples = _triples(release[0])
    located = {(t.subject.value, t.object.value) for t in triples if t.predicate == PROV.atLocation}
    locations = {t.subject for t in triples if t.predicate == RDF.type and t.object == PROV.Location}
    labels = {t.subject.value: t.object.value for t in triples if t.predicate == RDFS.label}
    files = {}
    for record, location in located:
        nct = record.split("/")[-2]
        if location.startswith("https://clinicaltrials.gov/"):
            assert location == f"https://clinicaltrials.gov/study/{nct}"  # a prov:Location by prov:atLocation's range
        else:
            assert location == record + "/file" and ox.NamedNode(location) in locations
            files[nct] = labels[location]
    assert files == {
        "NCT00000410": "NCT00000410.json",
        "NCT04282928": "NCT04282928.txt",
        "NCT00000411": "studies.zip!legacy/NCT00000411.xml",
    }
    assert len(located) == 6


def test_formats_are_concepts_and_registry_versions_dates(release: tuple[Path, list[Path]]) -> None:
    triples = _triples(release[0])
    formats = {t.object for t in triples if t.predicate == TKG.sourceFormat}
    assert formats == {TKGV[f"source-format/{f}"] for f in ("api-v2-json", "legacy-xml", "page-text")}
    versions = {t.object for t in triples if t.predicate == TKG.registryVersion}
    assert versions == {ox.Literal("2024-12-16", datatype=XSD.date), ox.Literal("2023-02-03", datatype=XSD.date)}


def test_no_literal_of_the_release_holds_a_path_of_the_build_machine(release: tuple[Path, list[Path]]) -> None:
    out, paths = release
    literals = [t.object.value for t in _triples(out) if isinstance(t.object, ox.Literal)]
    with (out / layout.VOID).open("rb") as void:
        literals += [
            q.object.value
            for q in ox.parse(void, format=ox.RdfFormat.TURTLE, base_iri="https://w3id.org/trialkg/")
            if isinstance(q.object, ox.Literal)
        ]
    directories = {str(p.parent if p.is_file() else p) for p in paths} | {str(Path.cwd()), str(Path.home())}
    assert len(literals) > 500
    assert [(d, v) for v in literals for d in directories if d in v] == []


def test_file_names_are_relative_to_the_input_given() -> None:
    assert file_name("/data/in/sub/NCT1.json", ["/data/in"]) == "sub/NCT1.json"
    assert file_name("/data/in/sub/NCT1.json", ["/data/in/"]) == "sub/NCT1.json"
    assert file_name("../in/a.json#3", ["../in/a.json"]) == "a.json#3"
    assert file_name("/data/s.zip!d/NCT1.xml", ["/data/s.zip"]) == "s.zip!d/NCT1.xml"
    assert file_name("/data/in/s.zip!NCT1.xml", ["/data", "/data/in"]) == "s.zip!NCT1.xml"
    assert file_name("/elsewhere/x/NCT1.txt") == "NCT1.txt"
    assert file_name("./NCT1.json", ["."]) == "NCT1.json"
