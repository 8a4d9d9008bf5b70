"""Every IRI of the data contract (``../shared/DESIGN.md``), minted here and nowhere else.

:class:`Iris` holds the base IRI of a release and mints the IRIs under it: a study
``{base}trial/{NCT id}`` and its parts under that IRI, the shared nodes (organisations, conditions as
stated, intervention concepts, countries), the named graphs, the dataset versions and their
distributions, the build activities and the software agent. The functions below mint the IRIs of
the other datasets we link to, as their owners write them (MeSH, the registry's page, PubMed, ROR,
identifiers.org). Names become path segments through :mod:`kg.naming`.

NCT ids are checked when a record is parsed (:mod:`kg.sources.checks`): an id that is not ``NCT`` and
eight digits never reaches here, so a study has exactly one IRI everywhere (triples, provenance,
N-Quads graphs, validation results).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from kg.mapping.namespaces import DEFAULT_BASE, DESCRIPTION_PREFIXES, PREFIXES
from kg.naming import local, mesh_ui

if TYPE_CHECKING:
    import curies

#: The namespaces of the datasets we link to, as their owners write them.
MESH_NS = PREFIXES["mesh"]
ROR_NS = "https://ror.org/"
PUBMED_NS = "https://pubmed.ncbi.nlm.nih.gov/"

#: The data's own namespaces under the base, by the prefix the Turtle dump gives them.
SPACES = ("trial", "org", "condition", "intervention", "country")
_TERM = re.compile(r"[\w.-]+")
_STUDY = re.compile(r"^(.*/trial/NCT[0-9]{8})(?:/.*)?$")
#: Between an organisation's slug and the country it is placed in (see :meth:`Iris.org`).
ORG_COUNTRY = "--"
_ORG_COUNTRY = re.compile(ORG_COUNTRY + r"([a-z]{2})$")


class Iris:
    """The IRIs of one release, under ``base`` (``https://w3id.org/trialkg/`` by default)."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def study(self, nct_id: str) -> str:
        return f"{self.base}trial/{local(nct_id)}"

    def trials(self) -> str:
        """The namespace every study IRI starts with."""
        return f"{self.base}trial/"

    def space(self, name: str) -> str:
        """One of the :data:`SPACES`: ``{base}org/``."""
        return f"{self.base}{name}/"

    def org(self, slug: str, country: str | None = None) -> str:
        """An organisation: ``{base}org/{slug}``, or ``{base}org/{slug}--{cc}`` where it is placed in a
        country (ISO 3166-1 alpha-2, lower case): a site's facility is one institution of that name in
        that country (``org/queen-elizabeth-hospital--gb``). A slug never holds ``--``, so the IRI
        stays one path segment that says both."""
        return f"{self.base}org/{slug}{ORG_COUNTRY}{country.lower()}" if country else f"{self.base}org/{slug}"

    def condition(self, slug: str) -> str:
        return f"{self.base}condition/{slug}"

    def intervention(self, slug: str) -> str:
        return f"{self.base}intervention/{slug}"

    def country(self, code: str) -> str:
        return f"{self.base}country/{code}"

    def shared_graph(self) -> str:
        """The named graph of the shared nodes (organisations, conditions, MeSH, countries, build activities)."""
        return f"{self.base}graph/shared"

    def analytics_graph(self) -> str:
        return f"{self.base}graph/analytics"

    def dataset(self, version: str | None = None) -> str:
        """The dataset (summary level), or one version of it."""
        return f"{self.base}dataset" if version is None else f"{self.base}dataset/{version}"

    def distribution(self, version: str, file: str) -> str:
        return f"{self.dataset(version)}/{file}"

    def publisher(self) -> str:
        """The default publisher of a release (``build --publisher`` names another)."""
        return f"{self.base}publisher"

    def network(self, name: str) -> str:
        """One network of an analysis (``trialkg analyze``); the positions in it are its parts."""
        return f"{self.base}analytics/{name}"

    def activity(self, digest: str) -> str:
        return f"{self.base}build/{digest}"

    def agent(self, version: str) -> str:
        return f"{self.base}software/trialkg/{version}"


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefix map of a release's data: the vocabularies it uses and its own :data:`SPACES` (the Turtle
    dump's prefixes and the JSON-LD context)."""
    iris = Iris(base)
    return {**PREFIXES, **{name: iris.space(name) for name in SPACES}}


@cache
def converter(base: str = DEFAULT_BASE) -> curies.Converter:
    """The one IRI <-> CURIE converter of a release (``trial:NCT04282928``, ``tkg:phase``): the data's
    prefixes and those of its description (VoID, DCAT, the shapes)."""
    import curies  # here: it brings pydantic, which query workers (under a memory limit) need not load

    return curies.Converter.from_prefix_map({**DESCRIPTION_PREFIXES, **prefixes(base)})


@cache
def _vocabularies() -> curies.Converter:
    import curies  # as in converter()

    return curies.Converter.from_prefix_map({**DESCRIPTION_PREFIXES, **PREFIXES})


def curie(iri: str, base: str = DEFAULT_BASE, *, term: bool = False) -> str:
    """``iri`` as a CURIE where a prefix fits, else unchanged; with ``term``, only a term of a vocabulary
    (``tkg:phase``; never a node of the data, such as ``{base}trial/NCT04282928``)."""
    compressed = (_vocabularies() if term else converter(base)).compress(iri)
    if compressed is None or compressed == iri or (term and not _TERM.fullmatch(compressed.split(":", 1)[1])):
        return iri
    return str(compressed)


def org_country(iri: str) -> str | None:
    """The country an organisation IRI names (``.../org/queen-elizabeth-hospital--gb`` -> ``GB``), if any."""
    match = _ORG_COUNTRY.search(iri)
    return match.group(1).upper() if match and in_space(iri, "org") else None


def in_space(iri: str, name: str) -> bool:
    """Whether ``iri`` is in one of our :data:`SPACES` under any base (``.../org/...`` for ``org``)."""
    return f"/{name}/" in iri


def part(owner: str, *segments: str | int) -> str:
    """A part of a study (or of a part): ``{owner}/arm/0``, ``{owner}/sponsor/lead``."""
    return "/".join([owner, *(str(s) for s in segments)])


def study_of(iri: str) -> str | None:
    """The study an IRI belongs to: ``{base}trial/NCT...`` for itself and every IRI under it."""
    match = _STUDY.match(iri)
    return match.group(1) if match else None


def mesh(ui: str) -> str:
    """A MeSH descriptor or supplementary concept, by its canonical UI (``D000001249`` -> ``.../D001249``)."""
    return MESH_NS + mesh_ui(ui)


def registry_page(nct_id: str) -> str:
    return f"https://clinicaltrials.gov/study/{nct_id}"


def bio2rdf(nct_id: str) -> str:
    return f"http://bio2rdf.org/clinicaltrials:{nct_id}"


def identifiers_org(nct_id: str) -> str:
    return f"https://identifiers.org/clinicaltrials:{nct_id}"


def pubmed(pmid: str) -> str:
    return PUBMED_NS + pmid.strip()


def ror(identifier: str) -> str:
    return identifier if identifier.startswith(ROR_NS) else ROR_NS + identifier
