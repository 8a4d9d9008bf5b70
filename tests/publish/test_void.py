"""``void.ttl``: VoID and DCAT 3 after the HCLS profile, with statistics equal to counts made by SPARQL
over the dumps in a fresh store."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib import RDF, URIRef

from kg.publish import release as layout
from kg.publish.build import BuildSummary, build
from tests.fixtures import api_study, write_json
from tests.publish.conftest import small_inputs
from tests.publish.voidcheck import (
    DCAT,
    DCT,
    DCTYPES,
    PAV,
    SPDX,
    VOID,
    distributions,
    fresh_store,
    load_void,
    sha256,
    sparql_counts,
    void_counts,
)

BASE = "https://w3id.org/trialkg/"
CC0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")


def test_statistics_equal_counts_by_sparql_over_the_dump(small_release: tuple[Path, BuildSummary]) -> None:
    release, summary = small_release
    void, expected = load_void(release), sparql_counts(fresh_store(release))
    assert expected["triples"] == summary.triples
    links = expected["links"]
    assert links["pubmed"] == 3 and links["mesh"] >= 9  # type: ignore[index]
    assert links["identifiers-org"] == links["bio2rdf"] == summary.published  # type: ignore[index]
    assert "ror" not in links  # type: ignore[operator]  # built with no ROR lexicon: no link, no link set
    dumps = distributions(void)
    assert set(dumps) == {layout.NTRIPLES, layout.NQUADS, layout.TURTLE, layout.JSONLD}
    for node in dumps.values():
        assert void_counts(void, node) == expected


def test_every_dump_is_a_distribution_with_size_checksum_and_media_type(
    small_release: tuple[Path, BuildSummary],
) -> None:
    release, _ = small_release
    void = load_void(release)
    version = next(void.objects(URIRef(f"{BASE}dataset"), DCAT.hasCurrentVersion))
    dumps = distributions(void)
    for name, node in dumps.items():
        path = release / name
        url = void.value(node, DCAT.downloadURL)
        assert url == URIRef(path.resolve().as_uri())  # relative to void.ttl: the file beside it
        assert (node, VOID.dataDump, url) in void
        assert (version, VOID.dataDump, None) not in void  # HCLS: MUST NOT on a version, the distributions have it
        assert (version, DCAT.distribution, node) in void
        assert int(void.value(node, DCAT.byteSize)) == path.stat().st_size  # type: ignore[arg-type]
        checksum = void.value(node, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == sha256(path)
        assert void.value(node, DCAT.mediaType) is not None and void.value(node, DCT["format"]) is not None
        assert (node, DCT.license, CC0) in void and (node, RDF.type, VOID.Dataset) in void
    assert (dumps[layout.NTRIPLES], DCAT.compressFormat, None) in void
    assert not list(void.triples((None, VOID.sparqlEndpoint, None)))  # none given, none stated


def test_hcls_levels_licence_publisher_version_and_provenance(small_release: tuple[Path, BuildSummary]) -> None:
    release, summary = small_release
    void = load_void(release)
    summary_node, version = URIRef(f"{BASE}dataset"), URIRef(f"{BASE}dataset/{summary.version}")
    assert (summary_node, RDF.type, DCTYPES.Dataset) in void and (summary_node, RDF.type, DCAT.Dataset) in void
    for node in (summary_node, version):
        assert void.value(node, DCT.title) and void.value(node, DCT.description) and void.value(node, DCT.publisher)
        assert (node, DCT.license, CC0) in void
    assert void.value(summary_node, PAV.version) is None  # the summary level has no version
    assert (summary_node, DCAT.hasVersion, version) in void and (version, DCT.isVersionOf, summary_node) in void
    assert str(void.value(version, PAV.version)) == str(void.value(version, DCAT.version)) == summary.version
    assert str(void.value(version, DCT.issued)) == summary.started[:10]
    activity = void.value(version, rdflib.URIRef("http://www.w3.org/ns/prov#wasGeneratedBy"))
    assert str(activity) == summary.activity
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    assert str(void.value(activity, prov.startedAtTime)) == summary.started
    assert str(void.value(activity, prov.endedAtTime)) == summary.ended
    assert void.value(version, DCAT.previousVersion) is None


def test_endpoint_and_download_url_when_given(tmp_path: Path) -> None:
    inputs = small_inputs(tmp_path / "in")
    build(
        [str(inputs)],
        str(tmp_path / "rel"),
        validate=False,
        progress=False,
        endpoint_url="https://example.org/sparql",
        download_url="https://example.org/trialkg/latest/",
        release_version="2024.1",
        publisher="Example Org",
    )
    void = load_void(tmp_path / "rel")
    version, endpoint = URIRef(f"{BASE}dataset/2024.1"), URIRef("https://example.org/sparql")
    assert (URIRef(f"{BASE}dataset"), VOID.sparqlEndpoint, endpoint) in void  # HCLS: SHOULD on the summary
    assert (version, VOID.sparqlEndpoint, endpoint) in void  # the endpoint serves this version
    for name, node in distributions(void).items():
        assert void.value(node, DCAT.downloadURL) == URIRef(f"https://example.org/trialkg/latest/{name}")
        assert (node, VOID.sparqlEndpoint, None) not in void  # HCLS: SHOULD NOT on a distribution, a file
    assert (None, rdflib.FOAF.name, rdflib.Literal("Example Org")) in void


def test_ror_links_are_counted_when_a_lexicon_gives_them(tmp_path: Path, corpus: Path) -> None:
    study = api_study("NCT00000007")
    sponsor = {"name": "Leiden University Medical Center", "class": "OTHER"}
    study["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"] = sponsor
    write_json(tmp_path / "in" / "a.json", study)
    ror = corpus / "vocab" / "ror" / "ror_NL_BE_schema_v2.json"
    build([str(tmp_path / "in")], str(tmp_path / "rel"), validate=False, progress=False, lexicons=[str(ror)])
    expected = sparql_counts(fresh_store(tmp_path / "rel"))
    assert expected["links"]["ror"] == 1  # type: ignore[index]  # the lead sponsor, and no one else, is in ROR
    void = load_void(tmp_path / "rel")
    assert all(void_counts(void, node) == expected for node in distributions(void).values())


def test_a_release_of_nothing_is_described_too(tmp_path: Path) -> None:
    write_json(tmp_path / "in" / "a.json", [])
    summary = build([str(tmp_path / "in")], str(tmp_path / "rel"), validate=False, progress=False)
    void = load_void(tmp_path / "rel")
    assert summary.published == 0
    assert all(void_counts(void, node)["triples"] == 0 for node in distributions(void).values())
