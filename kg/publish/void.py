"""``void.ttl``: the release described with VoID and DCAT 3, after the W3C HCLS dataset description profile.

Three levels, as the profile has them:

* summary ``{base}dataset``: what trialkg is, with no version (title, description, publisher, CC0
  licence, source), ``dcat:hasVersion`` each version it knows and ``dcat:hasCurrentVersion`` this one;
* version ``{base}dataset/{version}``: this release (version, issued date, the build activities with
  their start and end times, ``dcat:previousVersion`` after an incremental build, distributions);
* distributions ``{base}dataset/{version}/{file}``: one per dump, each a ``void:Dataset`` and
  ``dcat:Distribution`` with media type, ``void:dataDump`` / ``dcat:downloadURL``, ``dcat:byteSize``, an
  ``spdx:checksum`` (SHA-256) and the statistics of the data (:mod:`kg.publish.statistics`): class and
  property partitions and the link sets to MeSH, ROR and PubMed (shared nodes, stated once).

The dumps are linked by IRIs relative to ``void.ttl`` itself unless a download URL is given, so a
release can be moved or served anywhere. This is metadata: it is the one place with the build times.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from kg.fetch.recorded import Retrieval
from kg.iris import Iris
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

    def version_iri(self) -> str:
        return version_iri(self.base, self.version)


def version_iri(base: str, version: str) -> str:
    return Iris(base).dataset(version)


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
    for name, checksum in dumps.items():
        _distribution(g, version, name, checksum, info, stats, partitions)
    if info.endpoint_url:
        _endpoint(g, version, info)
    path = work / layout.VOID
    text = g.serialize(format="turtle", base=info.download_url or _RELATIVE)
    if not info.download_url:
        text = "\n".join(line for line in text.split("\n") if not line.startswith("@base "))
    path.write_text(text, encoding="utf-8")
    return dumps


def _summary(g: Graph, summary: URIRef, version: URIRef, info: ReleaseInfo) -> None:
    publisher = URIRef(Iris(info.base).publisher())
    g.add((summary, RDF.type, DCTYPES.Dataset))
    g.add((summary, RDF.type, DCAT.Dataset))
    g.add((summary, DCT.title, Literal("trialkg: ClinicalTrials.gov as a knowledge graph", lang="en")))
    g.add((summary, DCT.description, Literal(_DESCRIPTION, lang="en")))
    g.add((summary, DCT.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(info.publisher)))
    g.add((summary, DCT.license, CC0))
    g.add((summary, DCT.rights, Literal(_RIGHTS, lang="en")))
    g.add((summary, DCT.source, REGISTRY))
    g.add((summary, FOAF.page, URIRef(info.base)))
    for keyword in ("clinical trials", "ClinicalTrials.gov", "knowledge graph", "linked data"):
        g.add((summary, DCAT.keyword, Literal(keyword, lang="en")))
    g.add((summary, DCAT.hasVersion, version))
    g.add((summary, DCAT.hasCurrentVersion, version))
    g.add((summary, PAV.hasCurrentVersion, version))


def _version(g: Graph, summary: URIRef, version: URIRef, info: ReleaseInfo) -> None:
    g.add((version, RDF.type, DCTYPES.Dataset))
    g.add((version, RDF.type, DCAT.Dataset))
    g.add((version, DCT.title, Literal(f"trialkg release {info.version}", lang="en")))
    g.add((version, DCT.description, Literal(f"{_DESCRIPTION} This release holds {info.studies} studies.", lang="en")))
    g.add((version, DCT.isVersionOf, summary))
    g.add((version, PAV.version, Literal(info.version)))
    g.add((version, DCAT.version, Literal(info.version)))
    g.add((version, DCT.issued, Literal(info.issued.date().isoformat(), datatype=XSD.date)))
    g.add((version, DCT.created, Literal(info.issued.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    g.add((version, DCT.publisher, URIRef(Iris(info.base).publisher())))
    g.add((version, DCT.license, CC0))
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
    for key, (title, namespace) in LINK_TARGETS.items():
        target = URIRef(namespace)
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCT.title, Literal(title, lang="en")))
        g.add((target, VOID.uriSpace, Literal(namespace)))
        linkset = URIRef(f"{version}/linkset/{key}")
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, version))
        g.add((linkset, VOID.objectsTarget, target))
        g.add((linkset, VOID.triples, Literal(sum(stats.links.get(key, {}).values()))))
        for prop, count in stats.links.get(key, {}).items():
            part = URIRef(f"{linkset}/{_slug(prop)}")
            g.add((linkset, VOID.subset, part))
            g.add((part, RDF.type, VOID.Linkset))
            g.add((part, VOID.subjectsTarget, version))
            g.add((part, VOID.objectsTarget, target))
            g.add((part, VOID.linkPredicate, URIRef(prop)))
            g.add((part, VOID.triples, Literal(count)))
        out.append((VOID.subset, linkset))
    return out


def _distribution(
    g: Graph,
    version: URIRef,
    name: str,
    checksum: dict[str, Any],
    info: ReleaseInfo,
    stats: Statistics,
    parts: list[tuple[URIRef, URIRef]],
) -> None:
    title, media_type, fmt, compressed = DUMP_FORMATS[name]
    node, file = URIRef(f"{version}/{name}"), URIRef((info.download_url or _RELATIVE) + name)
    g.add((version, DCAT.distribution, node))
    g.add((version, VOID.dataDump, file))
    for cls in (DCAT.Distribution, VOID.Dataset):
        g.add((node, RDF.type, cls))
    g.add((node, DCT.title, Literal(f"trialkg {info.version}, {title}", lang="en")))
    g.add((node, DCT.license, CC0))
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
    if info.endpoint_url:
        g.add((node, VOID.sparqlEndpoint, URIRef(info.endpoint_url)))


def _endpoint(g: Graph, version: URIRef, info: ReleaseInfo) -> None:
    assert info.endpoint_url
    endpoint, service = URIRef(info.endpoint_url), URIRef(f"{version}/sparql")
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
