"""``void.ttl``: the release described with VoID and DCAT 3, after the W3C HCLS dataset description profile.

Three levels, as the profile has them, each with what the profile's table says it MUST have and none
of what it MUST NOT have (``tests/publish/test_hcls.py`` checks them against that table):

* summary ``{base}dataset``: what trialkg is, with no version and no provenance (title, description,
  publisher, CC0 licence), ``dcat:hasVersion`` each version it knows, ``dcat:hasCurrentVersion`` this
  one, and the SPARQL endpoint when one is given;
* version ``{base}dataset/{version}``: this release (version, creator and publisher, issued date, the
  registry as its source, the build activities with their start and end times, ``dcat:previousVersion``
  after an incremental build, its distributions; no dumps: they are the distributions');
* distributions ``{base}dataset/{version}/{file}``: one per dump, each a ``void:Dataset`` and
  ``dcat:Distribution`` with title, description, creator, publisher, licence, format and media type,
  ``void:dataDump`` / ``dcat:downloadURL``, ``dcat:byteSize``, an ``spdx:checksum`` (SHA-256) and the
  statistics of the data (:mod:`kg.publish.statistics`): class and property partitions (shared by the
  distributions, stated once), and a link set (``void:Linkset``, with a subset per link predicate) for
  each external dataset it links to: MeSH, ROR, PubMed, identifiers.org, Bio2RDF. A dataset with no
  link has no link set. Link sets have the metadata of a distribution, as the profile asks.

The dumps are linked by IRIs relative to ``void.ttl`` itself unless a download URL is given (then they
are absolute, under it), so a release can be moved or served anywhere. This is metadata: it is the one
place with the build times.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from kg.errors import ReleaseError
from kg.fetch.recorded import Retrieval
from kg.iris import Iris, curie
from kg.mapping.namespaces import DESCRIPTION_PREFIXES, PREFIXES
from kg.publish import release as layout
from kg.publish.provenance import agent_iri, file_digest
from kg.publish.spool import Activity
from kg.publish.statistics import LINK_TARGETS, Statistics

VOID, DCAT, DCTYPES, PAV, SPDX, FOAF = (
    Namespace(DESCRIPTION_PREFIXES[p]) for p in ("void", "dcat", "dcmitype", "pav", "spdx", "foaf")
)
DCT, PROV, SCHEMA = (Namespace(PREFIXES[p]) for p in ("dcterms", "prov", "schema"))
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS = DESCRIPTION_PREFIXES["formats"]
CC0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
REGISTRY = URIRef("https://clinicaltrials.gov/")
_RELATIVE = "http://relative.invalid/release/"  # stands for "beside void.ttl"; written as relative IRIs

#: The dumps: file -> (title, media type, W3C format IRI name, compressed).
DUMP_FORMATS: dict[str, tuple[str, str, str, bool]] = {
    layout.NTRIPLES: ("N-Triples (gzip)", "application/n-triples", "N-Triples", True),
    layout.NQUADS: ("N-Quads, one named graph per study (gzip)", "application/n-quads", "N-Quads", True),
    layout.TURTLE: ("Turtle", "text/turtle", "Turtle", False),
    layout.JSONLD: ("JSON-LD", "application/ld+json", "JSON-LD", False),
}


@dataclass
class ReleaseInfo:
    base: str
    version: str
    issued: datetime
    studies: int
    activities: list[Activity]  # this build's first
    publisher: str = "The trialkg project"
    endpoint_url: str | None = None
    download_url: str | None = None
    previous_version: str | None = None  # IRI of the previous release's version
    example: str | None = None  # IRI of an example resource (a study)
    retrieval: Retrieval | None = None  # when the inputs were fetched from the registry, and its data's time

    def __post_init__(self) -> None:
        self.download_url = download_base(self.download_url)

    def version_iri(self) -> str:
        return version_iri(self.base, self.version)

    def publisher_iri(self) -> URIRef:
        """The publisher, who is also the creator of each version (whoever runs the build)."""
        return URIRef(Iris(self.base).publisher())

    def dump_iri(self, name: str) -> URIRef:
        """A dump's IRI: absolute under the download URL, else (written relative) beside ``void.ttl``."""
        return URIRef((self.download_url or _RELATIVE) + name)


def version_iri(base: str, version: str) -> str:
    return Iris(base).dataset(version)


def download_base(url: str | None) -> str | None:
    """The download URL the dumps' IRIs start with (ending in ``/``), or None for IRIs relative to
    ``void.ttl``. It must be absolute: a relative one would make the dumps' IRIs relative again."""
    if url is None:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not (parts.netloc or parts.scheme == "file") or parts.query or parts.fragment:
        raise ReleaseError(
            f"download URL {url!r} is not an absolute URL of a folder (such as https://example.org/trialkg/); "
            "give one, or none for dump IRIs relative to void.ttl"
        )
    return url if url.endswith("/") else url + "/"


def write_void(work: Path, info: ReleaseInfo, stats: Statistics) -> dict[str, dict[str, Any]]:
    """Write ``void.ttl``; return the size and SHA-256 of each dump it describes."""
    dumps = {name: {"bytes": (work / name).stat().st_size, "sha256": file_digest(work / name)} for name in DUMP_FORMATS}
    g = Graph()
    for prefix, ns in {
        **PREFIXES,
        "void": VOID,
        "dcat": DCAT,
        "dctypes": DCTYPES,
        "pav": PAV,
        "spdx": SPDX,
        "foaf": FOAF,
    }.items():
        g.bind(prefix, str(ns), override=True, replace=True)
    summary, version = URIRef(Iris(info.base).dataset()), URIRef(info.version_iri())
    _summary(g, summary, version, info)
    _version(g, summary, version, info)
    partitions = _partitions(g, version, stats)
    _link_targets(g, stats)
    for name, checksum in dumps.items():
        node = _distribution(g, version, name, checksum, info, stats, partitions)
        _linksets(g, node, name, info, stats)
    if info.endpoint_url:
        _endpoint(g, summary, version, info)
    (work / layout.VOID).write_text(_turtle(g, info), encoding="utf-8")
    return dumps


def _turtle(g: Graph, info: ReleaseInfo) -> str:
    """Turtle with every IRI absolute, but for the dumps' when there is no download URL: those are
    written relative (``<trialkg.nt.gz>``, no ``@base``), so they resolve against where ``void.ttl`` is."""
    if info.download_url:
        return g.serialize(format="turtle")
    text = g.serialize(format="turtle", base=_RELATIVE)
    return "\n".join(line for line in text.split("\n") if not line.startswith("@base "))


def _described(g: Graph, node: URIRef, title: str, description: str, info: ReleaseInfo) -> None:
    """What the HCLS profile requires of a version, a distribution and a link set: title, description
    (both in English), creator, publisher and licence."""
    g.add((node, DCT.title, Literal(title, lang="en")))
    g.add((node, DCT.description, Literal(description, lang="en")))
    g.add((node, DCT.creator, info.publisher_iri()))
    g.add((node, DCT.publisher, info.publisher_iri()))
    g.add((node, DCT.license, CC0))


def _summary(g: Graph, summary: URIRef, version: URIRef, info: ReleaseInfo) -> None:
    publisher = info.publisher_iri()
    g.add((summary, RDF.type, DCTYPES.Dataset))
    g.add((summary, RDF.type, DCAT.Dataset))
    g.add((summary, DCT.title, Literal("trialkg: ClinicalTrials.gov as a knowledge graph", lang="en")))
    g.add((summary, DCT.description, Literal(_DESCRIPTION, lang="en")))
    g.add((summary, DCT.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(info.publisher)))
    g.add((summary, DCT.license, CC0))
    g.add((summary, DCT.rights, Literal(_RIGHTS, lang="en")))  # no source, no creator: a version's (HCLS)
    g.add((summary, FOAF.page, URIRef(info.base)))
    for keyword in ("clinical trials", "ClinicalTrials.gov", "knowledge graph", "linked data"):
        g.add((summary, DCAT.keyword, Literal(keyword, lang="en")))
    g.add((summary, DCAT.hasVersion, version))
    g.add((summary, DCAT.hasCurrentVersion, version))
    g.add((summary, PAV.hasCurrentVersion, version))


def _version(g: Graph, summary: URIRef, version: URIRef, info: ReleaseInfo) -> None:
    g.add((version, RDF.type, DCTYPES.Dataset))
    g.add((version, RDF.type, DCAT.Dataset))
    description = f"{_DESCRIPTION} This release holds {info.studies} studies."
    _described(g, version, f"trialkg release {info.version}", description, info)
    g.add((version, DCT.isVersionOf, summary))
    g.add((version, PAV.version, Literal(info.version)))
    g.add((version, DCAT.version, Literal(info.version)))
    g.add((version, DCT.issued, Literal(info.issued.date().isoformat(), datatype=XSD.date)))
    g.add((version, DCT.created, Literal(info.issued.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    g.add((version, DCT.source, REGISTRY))
    g.add((version, PROV.wasDerivedFrom, REGISTRY))
    g.add((version, DCT.conformsTo, URIRef(PREFIXES["tkg"].rstrip("#"))))
    g.add((version, PAV.createdWith, URIRef(agent_iri(info.base, info.activities[0].trialkg))))
    if info.previous_version:
        g.add((version, DCAT.previousVersion, URIRef(info.previous_version)))
        g.add((version, PAV.previousVersion, URIRef(info.previous_version)))
        g.add((version, PROV.wasRevisionOf, URIRef(info.previous_version)))
    if info.retrieval is not None:
        _retrieval(g, version, info.retrieval)
    for i, activity in enumerate(info.activities):
        node = URIRef(activity.iri)
        g.add((version, PROV.wasGeneratedBy if i == 0 else PROV.wasInfluencedBy, node))
        g.add((node, RDF.type, PROV.Activity))
        g.add((node, RDFS.label, Literal(f"trialkg {activity.trialkg} build")))
        g.add((node, PROV.wasAssociatedWith, URIRef(agent_iri(info.base, activity.trialkg))))
        if activity.started:
            g.add((node, PROV.startedAtTime, Literal(activity.started, datatype=XSD.dateTime)))
        if activity.ended:
            g.add((node, PROV.endedAtTime, Literal(activity.ended, datatype=XSD.dateTime)))
        g.add((node, SCHEMA.result, Literal(f"{activity.converted} studies converted")))


def _retrieval(g: Graph, version: URIRef, retrieval: Retrieval) -> None:
    """The registry's data timestamp (``dcterms:modified``: the data is the registry's as of then), when it
    was fetched (``pav:retrievedOn``) and from which API (``pav:retrievedFrom``)."""
    g.add((version, DCT.modified, Literal(retrieval.data_timestamp, datatype=XSD.dateTime)))
    if retrieval.retrieved_on:
        g.add((version, PAV.retrievedOn, Literal(retrieval.retrieved_on, datatype=XSD.dateTime)))
    if retrieval.api_url:
        g.add((version, PAV.retrievedFrom, URIRef(retrieval.api_url)))


def _partitions(g: Graph, version: URIRef, stats: Statistics) -> list[tuple[URIRef, URIRef]]:
    """The class and property partitions and link sets, once: (property linking a dataset to it, node)."""
    out: list[tuple[URIRef, URIRef]] = []
    for cls, count in stats.classes.items():
        node = URIRef(f"{version}/class/{_slug(cls)}")
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, VOID["class"], URIRef(cls)))
        g.add((node, VOID.entities, Literal(count)))
        out.append((VOID.classPartition, node))
    for prop, count in stats.properties.items():
        node = URIRef(f"{version}/property/{_slug(prop)}")
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, VOID.property, URIRef(prop)))
        g.add((node, VOID.triples, Literal(count)))
        out.append((VOID.propertyPartition, node))
    return out


def _linked(stats: Statistics) -> list[tuple[str, str, str, dict[str, int]]]:
    """The external datasets the data links to: (key, title, namespace, triples per link predicate)."""
    return [(k, t, ns, stats.links[k]) for k, (t, ns) in LINK_TARGETS.items() if sum(stats.links.get(k, {}).values())]


def _link_targets(g: Graph, stats: Statistics) -> None:
    for _, title, namespace, _ in _linked(stats):
        target = URIRef(namespace)
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCT.title, Literal(title, lang="en")))
        g.add((target, VOID.uriSpace, Literal(namespace)))


def _linksets(g: Graph, distribution: URIRef, name: str, info: ReleaseInfo, stats: Statistics) -> None:
    """A link set per external dataset the data links to, a subset of the distribution (its
    ``void:subjectsTarget``), with a subset per link predicate; none for a dataset with no link."""
    what, fmt = DUMP_FORMATS[name][0], URIRef(FORMATS + DUMP_FORMATS[name][2])
    for key, title, namespace, counts in _linked(stats):
        linkset = URIRef(f"{distribution}/linkset/{key}")
        g.add((distribution, VOID.subset, linkset))
        links = f"trialkg {info.version} ({what}) that link to {title}"
        objects = f"whose object is an IRI starting with {namespace}"
        _linkset(g, linkset, distribution, URIRef(namespace), sum(counts.values()), fmt)
        _described(g, linkset, f"Links of {links}", f"The triples of {links}: those {objects}.", info)
        for prop, count in counts.items():
            part = URIRef(f"{linkset}/{_slug(prop)}")
            g.add((linkset, VOID.subset, part))
            _linkset(g, part, distribution, URIRef(namespace), count, fmt)
            g.add((part, VOID.linkPredicate, URIRef(prop)))
            by = f"{links} by {curie(prop, term=True)}"
            _described(g, part, f"Links of {by}", f"The triples of {by}: those {objects} and predicate <{prop}>.", info)


def _linkset(g: Graph, node: URIRef, subjects: URIRef, objects: URIRef, triples: int, fmt: URIRef) -> None:
    """A link set, typed as the profile's RDF distributions are (``void:Dataset``) too."""
    g.add((node, RDF.type, VOID.Linkset))
    g.add((node, RDF.type, VOID.Dataset))
    g.add((node, VOID.subjectsTarget, subjects))
    g.add((node, VOID.objectsTarget, objects))
    g.add((node, VOID.triples, Literal(triples)))
    g.add((node, DCT["format"], fmt))


def _distribution(
    g: Graph,
    version: URIRef,
    name: str,
    checksum: dict[str, Any],
    info: ReleaseInfo,
    stats: Statistics,
    parts: list[tuple[URIRef, URIRef]],
) -> URIRef:
    title, media_type, fmt, compressed = DUMP_FORMATS[name]
    node, file = URIRef(Iris(info.base).distribution(info.version, name)), info.dump_iri(name)
    g.add((version, DCAT.distribution, node))  # its void:dataDump on the distribution only (MUST NOT on a version)
    for cls in (DCAT.Distribution, VOID.Dataset, DCTYPES.Dataset):
        g.add((node, RDF.type, cls))
    description = f"trialkg release {info.version} as {title}: {info.studies} studies, {stats.triples} triples."
    _described(g, node, f"trialkg {info.version}, {title}", description, info)
    g.add((node, DCT.issued, Literal(info.issued.date().isoformat(), datatype=XSD.date)))
    g.add((node, PAV.version, Literal(info.version)))
    g.add((node, DCT["format"], URIRef(FORMATS + fmt)))
    g.add((node, DCAT.mediaType, URIRef(IANA + media_type)))
    if compressed:
        g.add((node, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    g.add((node, DCAT.downloadURL, file))
    g.add((node, DCAT.accessURL, file))
    g.add((node, VOID.dataDump, file))
    g.add((node, DCAT.byteSize, Literal(checksum["bytes"], datatype=XSD.nonNegativeInteger)))
    digest = URIRef(f"{node}/sha256")
    g.add((node, SPDX.checksum, digest))
    g.add((digest, RDF.type, SPDX.Checksum))
    g.add((digest, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((digest, SPDX.checksumValue, Literal(checksum["sha256"], datatype=XSD.hexBinary)))
    g.add((node, VOID.uriSpace, Literal(info.base)))
    g.add((node, VOID.triples, Literal(stats.triples)))
    g.add((node, VOID.entities, Literal(stats.entities)))
    g.add((node, VOID.distinctSubjects, Literal(stats.distinct_subjects)))
    g.add((node, VOID.distinctObjects, Literal(stats.distinct_objects)))
    g.add((node, VOID.classes, Literal(len(stats.classes))))
    g.add((node, VOID.properties, Literal(len(stats.properties))))
    for ns in sorted({_namespace(p) for p in stats.properties} | {_namespace(c) for c in stats.classes}):
        g.add((node, VOID.vocabulary, URIRef(ns)))
    if info.example:
        g.add((node, VOID.exampleResource, URIRef(info.example)))
    for prop, part in parts:
        g.add((node, prop, part))
    return node


def _endpoint(g: Graph, summary: URIRef, version: URIRef, info: ReleaseInfo) -> None:
    """The endpoint: on the summary (HCLS: SHOULD) and on the version it serves (HCLS: SHOULD NOT, "unless
    there is a commitment to specifically provide that content", which ``--endpoint-url`` is); not on
    the distributions, which are files."""
    assert info.endpoint_url
    endpoint, service = URIRef(info.endpoint_url), URIRef(f"{version}/sparql")
    g.add((summary, VOID.sparqlEndpoint, endpoint))
    g.add((version, VOID.sparqlEndpoint, endpoint))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCT.title, Literal(f"trialkg {info.version}, SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCT.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCAT.servesDataset, version))


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _slug(iri: str) -> str:
    """A readable, unique-enough local name for a partition: ``schema-MedicalTrial``, ``tkg-phase``."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_-]+", iri[len(ns) :]):
            return f"{prefix}-{iri[len(ns) :]}"
    return hashlib.sha1(iri.encode()).hexdigest()[:12]


_DESCRIPTION = (
    "Records of the ClinicalTrials.gov registry (API v2 JSON, legacy XML and study-page text) as a "
    "validated RDF knowledge graph: studies and their arms, interventions, outcomes, eligibility and "
    "sites, linked to shared nodes for organisations, conditions, interventions and countries and to "
    "MeSH and PubMed, with the provenance of every study."
)
_RIGHTS = (
    "The registry's records are in the public domain (U.S. National Library of Medicine); this graph is "
    "dedicated to the public domain under CC0 1.0."
)
