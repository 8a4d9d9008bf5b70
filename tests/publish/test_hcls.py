"""``void.ttl`` of releases of real corpus records against the W3C HCLS dataset description profile
(https://www.w3.org/TR/hcls-dataset/, section 5's table): every MUST and MUST NOT of the summary, version
and distribution levels, declared below as data, and the link sets (which "MUST be declared to be of type
void:Linkset and provide the same metadata as an RDF Distribution", 6.5.5). The link sets count what
SPARQL counts over the dump, none is empty, and the dumps' IRIs are absolute under ``--download-url``,
and relative to ``void.ttl`` without it."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kg.errors import ReleaseError
from kg.publish import release as layout
from kg.publish.build import BuildSummary, build
from kg.publish.void import download_base
from tests.publish.sample import NOT_IN_ROR, records, ror_lexicon
from tests.publish.voidcheck import (
    DCAT,
    DCT,
    DCTYPES,
    LINK_TARGETS,
    PAV,
    VOID,
    distributions,
    fresh_store,
    load_void,
    sparql_counts,
    void_counts,
)

BASE = "https://w3id.org/trialkg/"
PROV = Namespace("http://www.w3.org/ns/prov#")
IDOT = Namespace("http://identifiers.org/idot/")
SIO = Namespace("http://semanticscience.org/resource/")
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
DOWNLOAD = "https://example.org/trialkg/2024"  # no final slash: the dumps are still under it
ALONE = NOT_IN_ROR[0]  # a real record with no organisation in the ROR dump


class Row(NamedTuple):
    """One cell of the profile's table: at ``level``, ``requirement`` one of ``properties`` with a value
    of ``kind`` ("iri", "text": a language-tagged string, "string", "iri-or-string", or that very IRI;
    for MUST NOT, None: the property with any value)."""

    level: str
    requirement: str
    properties: tuple[URIRef, ...]
    kind: str | URIRef | None = None


def _must_not(level: str, *properties: URIRef) -> list[Row]:
    return [Row(level, "MUST NOT", (p,)) for p in properties]


_STATISTICS = (VOID.triples, VOID.entities, VOID.distinctSubjects, VOID.properties, VOID.distinctObjects)
_PARTITIONS = (VOID.classPartition, VOID.propertyPartition)
_IDENTIFIERS = (IDOT.identifierPattern, VOID.uriRegexPattern, IDOT.accessPattern, IDOT.exampleIdentifier)
_DUMPS = (DCT["format"], DCAT.downloadURL, DCAT.byteSize, VOID.dataDump)
_DISTRIBUTION_MUSTS = [
    Row("distribution", "MUST", (RDF.type,), VOID.Dataset),  # "void:Dataset or dcat:Distribution": both
    Row("distribution", "MUST", (RDF.type,), DCAT.Distribution),
    Row("distribution", "MUST", (DCT.title,), "text"),
    Row("distribution", "MUST", (DCT.description,), "text"),
    Row("distribution", "MUST", (DCT.creator,), "iri"),
    Row("distribution", "MUST", (DCT.publisher,), "iri"),
    Row("distribution", "MUST", (DCT.license,), "iri"),
    Row("distribution", "MUST", (DCT["format"],), "iri-or-string"),
]
_DISTRIBUTION_MUST_NOTS = _must_not(
    "distribution", DCT.hasPart, DCT.isVersionOf, PAV.hasCurrentVersion, DCT.accrualPeriodicity, DCAT.distribution
)
PROFILE: list[Row] = [
    Row("summary", "MUST", (RDF.type,), DCTYPES.Dataset),
    Row("summary", "MUST", (DCT.title,), "text"),
    Row("summary", "MUST", (DCT.description,), "text"),
    Row("summary", "MUST", (DCT.publisher,), "iri"),
    Row("summary", "MUST NOT", (RDF.type,), VOID.Dataset),
    Row("summary", "MUST NOT", (RDF.type,), DCAT.Distribution),
    *_must_not(
        "summary",
        DCT.created,
        PAV.createdOn,
        PAV.authoredOn,
        PAV.curatedOn,
        DCT.creator,
        DCT.contributor,
        PAV.createdBy,
        PAV.authoredBy,
        PAV.curatedBy,
        DCT.issued,
        DCT.language,
        VOID.vocabulary,
        DCT.conformsTo,
        *_IDENTIFIERS,
        VOID.exampleResource,
        PAV.version,
        DCT.isVersionOf,
        PAV.previousVersion,
        DCT.source,
        PAV.retrievedFrom,
        PROV.wasDerivedFrom,
        SIO["has-data-item"],
        PAV.createdWith,
        DCAT.distribution,
        *_DUMPS,
        DCAT.landingPage,
        VOID.subset,
        *_STATISTICS,
        *_PARTITIONS,
    ),
    Row("version", "MUST", (RDF.type,), DCTYPES.Dataset),
    Row("version", "MUST", (DCT.title,), "text"),
    Row("version", "MUST", (DCT.description,), "text"),
    Row("version", "MUST", (DCT.creator,), "iri"),
    Row("version", "MUST", (DCT.publisher,), "iri"),
    Row("version", "MUST", (PAV.version,), "string"),
    Row("version", "MUST", (DCT.isVersionOf,), "iri"),
    Row("version", "MUST NOT", (RDF.type,), VOID.Dataset),
    Row("version", "MUST NOT", (RDF.type,), DCAT.Distribution),
    *_must_not(
        "version",
        VOID.vocabulary,
        *_IDENTIFIERS,
        VOID.exampleResource,
        PAV.hasCurrentVersion,
        SIO["has-data-item"],
        DCT.accrualPeriodicity,
        *_DUMPS,
        VOID.subset,
        *_STATISTICS,
        *_PARTITIONS,
    ),
    *_DISTRIBUTION_MUSTS,
    *_DISTRIBUTION_MUST_NOTS,
    Row("linkset", "MUST", (RDF.type,), VOID.Linkset),
    *(row._replace(level="linkset") for row in _DISTRIBUTION_MUSTS if row.kind != DCAT.Distribution),
    *(row._replace(level="linkset") for row in _DISTRIBUTION_MUST_NOTS),
]


def _fits(value: rdflib.term.Node, kind: str | URIRef) -> bool:
    if isinstance(kind, URIRef) and kind not in ("iri", "text", "string", "iri-or-string"):
        return value == kind
    is_string = isinstance(value, Literal) and value.language is None and value.datatype in (None, XSD_STRING)
    return {
        "iri": isinstance(value, URIRef),
        "text": isinstance(value, Literal) and value.language is not None,
        "string": is_string,
        "iri-or-string": isinstance(value, URIRef) or is_string,
    }[str(kind)]


def levels(void: rdflib.Graph) -> dict[str, list[rdflib.term.Node]]:
    """The nodes of each level, found as the profile links them."""
    summary = URIRef(f"{BASE}dataset")
    versions = list(void.objects(summary, DCAT.hasVersion))
    found = {
        "summary": [summary],
        "version": versions,
        "distribution": [d for v in versions for d in void.objects(v, DCAT.distribution)],
        "linkset": list(void.subjects(RDF.type, VOID.Linkset)),
    }
    assert [len(found[k]) for k in ("summary", "version", "distribution")] == [1, 1, 4], found
    assert all((v, DCT.isVersionOf, summary) in void for v in versions)
    return found


def breaches(void: rdflib.Graph) -> list[tuple[str, str, str, str]]:
    """(level, node, requirement, properties) of every cell of the table a node does not meet."""
    out = []
    for level, nodes in levels(void).items():
        for row in (r for r in PROFILE if r.level == level):
            for node in nodes:
                values = [v for p in row.properties for v in void.objects(node, p)]
                if row.requirement == "MUST":
                    ok = any(_fits(v, row.kind) for v in values)  # type: ignore[arg-type]
                else:
                    ok = not (values if row.kind is None else [v for v in values if v == row.kind])
                if not ok:
                    out.append((level, str(node), row.requirement, " ".join(map(str, row.properties))))
    return out


@pytest.fixture(scope="module")
def linked(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    """A release of a few dozen real records, with the Dutch and Belgian ROR dump as lexicon."""
    out = tmp_path_factory.mktemp("hcls") / "linked"
    summary = build(records(corpus), str(out), validate=False, progress=False, lexicons=[ror_lexicon(corpus)])
    return out, summary


@pytest.fixture(scope="module")
def alone(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    """A release of one real record with no organisation in ROR, the same lexicon, a download URL and an
    endpoint."""
    out = tmp_path_factory.mktemp("hcls") / "alone"
    summary = build(
        records(corpus, (ALONE,)),
        str(out),
        validate=False,
        progress=False,
        lexicons=[ror_lexicon(corpus)],
        download_url=DOWNLOAD,
        endpoint_url="https://example.org/sparql",
    )
    return out, summary


def test_every_level_meets_the_profile_s_musts(
    linked: tuple[Path, BuildSummary], alone: tuple[Path, BuildSummary]
) -> None:
    assert {row.level for row in PROFILE} == {"summary", "version", "distribution", "linkset"}
    for release, _ in (linked, alone):
        void = load_void(release)
        assert levels(void)["linkset"], release  # the table's link-set rows are checked on some
        assert breaches(void) == [], release


def test_the_table_finds_a_breach() -> None:
    """The check itself: a description missing a MUST and having a MUST NOT breaches both cells."""
    void = rdflib.Graph()
    summary, version = URIRef(f"{BASE}dataset"), URIRef(f"{BASE}dataset/1")
    void.add((summary, DCAT.hasVersion, version))
    void.add((version, DCT.isVersionOf, summary))
    for name in ("a", "b", "c", "d"):
        void.add((version, DCAT.distribution, URIRef(f"{version}/{name}")))
    void.add((summary, DCT.source, URIRef("https://clinicaltrials.gov/")))
    found = breaches(void)
    assert ("summary", str(summary), "MUST NOT", str(DCT.source)) in found
    assert ("version", str(version), "MUST", str(DCT.creator)) in found


def test_link_sets_count_what_sparql_counts_over_the_dump(linked: tuple[Path, BuildSummary]) -> None:
    release, summary = linked
    void, store = load_void(release), fresh_store(release)
    expected = sparql_counts(store)
    links = expected["links"]
    assert links["identifiers-org"] == links["bio2rdf"] == summary.published  # type: ignore[index]
    assert all(links[key] > 0 for key in ("mesh", "ror", "pubmed"))  # type: ignore[index]
    for node in distributions(void).values():
        assert void_counts(void, node) == expected  # one link set per linked dataset, a subset of this dump
    for linkset in void.subjects(RDF.type, VOID.Linkset):
        target = void.value(linkset, VOID.objectsTarget)
        assert str(void.value(target, VOID.uriSpace)) == str(target) and str(target) in LINK_TARGETS
        predicate = void.value(linkset, VOID.linkPredicate)
        if predicate is not None:  # a subset by link predicate: counted by SPARQL too
            space = ox.Literal(str(target))
            query = f"SELECT (COUNT(*) AS ?n) {{ ?s <{predicate}> ?o FILTER(STRSTARTS(STR(?o), {space})) }}"
            row = next(iter(store.query(query)))  # type: ignore[arg-type]
            assert int(void.value(linkset, VOID.triples)) == int(row[0].value), linkset  # type: ignore[arg-type,index]


def test_no_link_set_is_empty(linked: tuple[Path, BuildSummary], alone: tuple[Path, BuildSummary]) -> None:
    release, _ = alone
    assert "ror" not in sparql_counts(fresh_store(release))["links"]  # type: ignore[operator]  # no ROR link
    void = load_void(release)
    assert (None, VOID.objectsTarget, URIRef("https://ror.org/")) not in void
    assert (URIRef("https://ror.org/"), None, None) not in void  # not even described as a target
    for release, _ in (linked, alone):
        void = load_void(release)
        assert all(int(void.value(s, VOID.triples)) > 0 for s in void.subjects(RDF.type, VOID.Linkset))  # type: ignore[arg-type]


def _dump_iris(void: rdflib.Graph) -> dict[rdflib.term.Node, set[rdflib.term.Node]]:
    return {
        node: set(void.objects(node, p))
        for p in (VOID.dataDump, DCAT.downloadURL)
        for node in distributions(void).values()
    }


def test_dump_iris_are_absolute_under_the_download_url(alone: tuple[Path, BuildSummary]) -> None:
    release, _ = alone
    here = load_void(release)
    elsewhere = rdflib.Graph().parse(
        release / layout.VOID, format="turtle", publicID="https://mirror.example/x/void.ttl"
    )
    assert isomorphic(here, elsewhere)  # read from anywhere, the same IRIs: none is relative
    ox.parse(path=str(release / layout.VOID), format=ox.RdfFormat.TURTLE)  # parses with no base IRI at all
    for name, node in distributions(here).items():
        assert set(here.objects(node, VOID.dataDump)) == set(here.objects(node, DCAT.downloadURL))
        assert here.value(node, DCAT.downloadURL) == URIRef(f"{DOWNLOAD}/{name}")
    assert all(
        str(o).startswith(DOWNLOAD + "/") for p in (VOID.dataDump, DCAT.downloadURL) for o in here.objects(None, p)
    )


def test_dump_iris_resolve_against_void_ttl_without_a_download_url(linked: tuple[Path, BuildSummary]) -> None:
    """What the README says: relative dump IRIs, which resolve against where ``void.ttl`` is read from."""
    release, _ = linked
    served = rdflib.Graph().parse(release / layout.VOID, format="turtle", publicID="https://mirror.example/x/void.ttl")
    for name, node in distributions(served).items():
        assert served.value(node, VOID.dataDump) == served.value(node, DCAT.downloadURL)
        assert served.value(node, DCAT.downloadURL) == URIRef(f"https://mirror.example/x/{name}")
        assert (release / name).is_file()
    on_disk = load_void(release)
    assert {str(o) for o in on_disk.objects(None, VOID.dataDump)} == {
        (release / n).resolve().as_uri() for n in distributions(on_disk)
    }


@pytest.mark.parametrize("url", ["files/", "/srv/trialkg/", "https://example.org/trialkg/?v=1"])
def test_a_download_url_that_is_not_absolute_is_refused(url: str) -> None:
    with pytest.raises(ReleaseError, match="not an absolute URL"):
        download_base(url)
    assert download_base(DOWNLOAD) == DOWNLOAD + "/" and download_base(None) is None
