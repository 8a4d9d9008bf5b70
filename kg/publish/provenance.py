"""Provenance (PROV-O) of the published studies, and the fingerprint that decides what can be reused.

Each study's named graph says where it came from and how it was made, with no time in it (the dumps
must be byte-identical for the same inputs)::

    <trial/NCT…>            prov:wasDerivedFrom <trial/NCT…/record> ; prov:wasGeneratedBy <trial/NCT…/conversion> .
    <trial/NCT…/record>     a prov:Entity ; tkg:sourceFormat tkgv:source-format/api-v2-json ;
                            prov:atLocation <https://clinicaltrials.gov/study/NCT…> , <trial/NCT…/record/file> ;
                            tkg:sha256 "…" ; tkg:registryVersion "…"^^xsd:date ; tkg:lastUpdate "…"^^xsd:date .
    <trial/NCT…/record/file> a prov:Location ; rdfs:label "NCT….json" .
    <trial/NCT…/conversion> a prov:Activity ; prov:used <trial/NCT…/record> ;
                            prov:wasAssociatedWith <software/trialkg/0.1.0> ; dcterms:isPartOf <build/…> .

The record is at two locations: its page in the registry, and the file it was read from, named relative to
the input the build was given (:func:`file_name`: ``NCT00000410.json``, ``studies.zip!NCT00000410.json``,
``ctg-studies.json#3``), so that no path of the build machine is published.

The build activity ``<build/…>`` is named by a hash of the trialkg version, the conversion fingerprint
and the content hashes of the records, so the same inputs give the same IRI; its start and end times
are stated in ``void.ttl`` only. A study reused from a previous release keeps the build activity that
converted it (so an unchanged study keeps its triples and the delta stays small).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from kg import __version__
from kg.iris import Iris, part, registry_page
from kg.mapping.namespaces import DCTERMS, PROV, RDF, RDFS, SCHEMA, TKG, XSD
from kg.mapping.terms import Triples, date
from kg.model import Study
from kg.packaged import PACKAGE
from kg.publish.spool import Activity, Version

#: What turns a record into validated triples (code, shipped lexicons, ontology, shapes), relative to the
#: package: when any of it changes, nothing is reused.
CONVERSION = (
    "mapping",
    "sources",
    "linking",
    "lexicons",
    "validation",
    "codes.py",
    "model.py",
    "ontology",
    "shapes",
)


def fingerprint(base: str, extra: Iterable[str] = ()) -> str:
    """A hash of everything a study's conversion depends on besides its record: the trialkg version, the
    base IRI, the files in :data:`CONVERSION`, and ``extra`` (e.g. hashes of lexicons given to the build)."""
    digest = hashlib.sha256(f"trialkg {__version__}\nbase {base}\n".encode())
    files: list[Path] = []
    for name in CONVERSION:
        path = PACKAGE / name
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    for path in files:
        digest.update(f"{path.relative_to(PACKAGE)}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for item in extra:
        digest.update(f"extra {item}\n".encode())
    return digest.hexdigest()


def file_digest(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (for :func:`fingerprint`'s ``extra``: lexicons given to a build)."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def activity_iri(base: str, fingerprint_: str, inputs: Iterable[tuple[str, str]]) -> str:
    """The build activity of these inputs ((NCT id, content hash) pairs) under this fingerprint."""
    digest = hashlib.sha256(f"{fingerprint_}\n".encode())
    for nct_id, sha256 in inputs:
        digest.update(f"{nct_id} {sha256}\n".encode())
    return Iris(base).activity(digest.hexdigest()[:20])


def agent_iri(base: str, version: str = __version__) -> str:
    return Iris(base).agent(version)


def version_of(study: Study) -> Version:
    """Which copy of the study this is (what decides the newest) and where it was read from."""
    source = study.source
    return Version(
        study.last_update,
        study.version_holder or "",
        source.format if source else "",
        source.location if source else "",
        source.sha256 if source else "",
    )


def study_lines(study: Study, base: str) -> list[str]:
    """The provenance of one study converted on its own (outside a build): its record and conversion, and
    the conversion's activity, named as a build of just this study would name it."""
    version = version_of(study)
    iri = activity_iri(base, _plain_fingerprint(base), [(study.nct_id, version.sha256)])
    activity = Activity(iri, __version__)
    study_iri = Iris(base).study(study.nct_id)
    return sorted({*record_lines(study_iri, version, activity, base), *activity_lines(activity, base)})


@cache
def _plain_fingerprint(base: str) -> str:
    return fingerprint(base)


def record_lines(
    study_iri: str, version: Version, activity: Activity, base: str, inputs: Iterable[str] = ()
) -> list[str]:
    """The provenance triples of one study (sorted N-Triples lines); ``inputs``: the paths the build was given,
    which the record's file is named relative to."""
    t = Triples()
    study = NamedNode(study_iri)
    record = NamedNode(part(study_iri, "record"))
    conversion = NamedNode(part(study_iri, "conversion"))
    t.add(study, PROV.wasDerivedFrom, record)
    t.add(study, PROV.wasGeneratedBy, conversion)
    t.add(record, RDF.type, PROV.Entity)
    t.code(record, TKG.sourceFormat, "source-format", version.format)
    page, file = NamedNode(registry_page(study_iri.rsplit("/", 1)[-1])), NamedNode(part(study_iri, "record", "file"))
    t.add(record, PROV.atLocation, page)  # a prov:Location by the range of prov:atLocation: a study's graph
    t.add(record, PROV.atLocation, file)  # holds triples about its own nodes only
    t.add(file, RDF.type, PROV.Location)
    t.add(file, RDFS.label, file_name(version.location, inputs))  # a plain literal; none for no location
    t.add(record, TKG.sha256, version.sha256)
    t.add(record, TKG.registryVersion, _day(version.registry_version))
    t.add(record, TKG.lastUpdate, date(version.last_update) if version.last_update else None)
    t.add(conversion, RDF.type, PROV.Activity)
    t.add(conversion, PROV.used, record)
    t.add(conversion, PROV.wasAssociatedWith, NamedNode(agent_iri(base, activity.trialkg)))
    t.add(conversion, DCTERMS.isPartOf, NamedNode(activity.iri))
    return _lines(t)


def file_name(location: str, inputs: Iterable[str] = ()) -> str:
    """Where a record was read, relative to the input given: a file in a directory given as its path under
    the directory (``NCT00000410.json``, ``sub/studies.zip!NCT00000410.json``), a file given as its name
    (``ctg-studies.json#3``, ``studies.zip!NCT00000410.json``). A location under no input: its file's name."""
    for given in sorted(inputs, key=len, reverse=True):
        root = given.rstrip("/" + os.sep)
        if not root:
            continue
        if location.startswith((root + "/", root + os.sep)):
            return location[len(root) + 1 :]
        if location == root or location.startswith((root + "!", root + "#")):
            return os.path.basename(root) + location[len(root) :]
    path, bang, member = location.partition("!")
    return os.path.basename(path) + bang + member


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value: str | None) -> Literal | None:
    """The registry's data version (API v2 versionHolder, legacy XML download date) as an ``xsd:date``."""
    return Literal(value, datatype=XSD.date) if value and _DAY.fullmatch(value) else None


def activity_lines(activity: Activity, base: str) -> list[str]:
    """The timeless description of a build activity and its software agent (in the shared graph)."""
    t = Triples()
    node, agent = NamedNode(activity.iri), NamedNode(agent_iri(base, activity.trialkg))
    t.add(node, RDF.type, PROV.Activity)
    t.add(node, RDFS.label, Literal(f"trialkg {activity.trialkg} build {activity.iri.rsplit('/', 1)[-1]}"))
    t.add(node, PROV.wasAssociatedWith, agent)
    t.add(agent, RDF.type, PROV.SoftwareAgent)
    t.add(agent, RDFS.label, Literal(f"trialkg {activity.trialkg}"))
    t.add(agent, SCHEMA.softwareVersion, activity.trialkg)
    return _lines(t)


def _lines(t: Triples) -> list[str]:
    return sorted(f"{x.subject} {x.predicate} {x.object} ." for x in t.own)
