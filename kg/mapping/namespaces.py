"""The vocabularies the data uses, in one table: prefix -> namespace IRI.

``tkg`` is our own ontology (``ontology/trialkg.ttl``); ``tkgv`` holds the SKOS concepts of the
registry's enumerations (``tkgv:phase/PHASE2``). Everything else is reused from its owners.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

PREFIXES: dict[str, str] = {
    "tkg": "https://w3id.org/trialkg/ontology#",
    "tkgv": "https://w3id.org/trialkg/vocab/",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "sh": "http://www.w3.org/ns/shacl#",
}

#: The vocabularies of the release's description (void.ttl, the service description): not in the data,
#: so not among the dumps' prefixes.
DESCRIPTION_PREFIXES: dict[str, str] = {
    "tkgsh": "https://w3id.org/trialkg/shapes#",  # the SHACL shapes (shapes/*.ttl)
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "pav": "http://purl.org/pav/",
    "spdx": "http://spdx.org/rdf/terms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
    "obo": "http://purl.obolibrary.org/obo/",  # alignments of the ontology (OBI, STATO, NCIt)
    "fhir": "http://hl7.org/fhir/",
}

DEFAULT_BASE = "https://w3id.org/trialkg/"


class Namespace:
    """``NS.term`` and ``NS["term"]`` give the NamedNode of ``term`` in a namespace."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getattr__(self, name: str) -> NamedNode:
        return NamedNode(self.iri + name)

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self.iri + name)


TKG = Namespace(PREFIXES["tkg"])
TKGV = Namespace(PREFIXES["tkgv"])
SCHEMA = Namespace(PREFIXES["schema"])
DCTERMS = Namespace(PREFIXES["dcterms"])
SKOS = Namespace(PREFIXES["skos"])
PROV = Namespace(PREFIXES["prov"])
GEO = Namespace(PREFIXES["geo"])
RDF = Namespace(PREFIXES["rdf"])
RDFS = Namespace(PREFIXES["rdfs"])
XSD = Namespace(PREFIXES["xsd"])
