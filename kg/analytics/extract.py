"""What an analysis reads from a release: the filtered studies and their links, through SPARQL only.

Four queries (``studies.rq``, ``organisations.rq``, ``interventions.rq``, ``conditions.rq`` beside this
module) run on any :class:`kg.query.Source`: a release's embedded store or a remote endpoint. The
filters are applied in SPARQL, as graph patterns spliced into each query at ``#FILTERS``; every value
in them is an RDF term written by pyoxigraph (escaped), inside a ``VALUES`` clause, so no value can
change the structure of a query.

Filters (each repeatable option is an "any of"; different filters must all hold):

* condition -- a MeSH descriptor (UI such as ``D001249`` or ``D000001249``, or its IRI); a study
  matches when the registry indexes its conditions with it or with a narrower descriptor
  (``tkg:conditionMesh|tkg:conditionMeshAncestor``, as the canned query interventions-for-condition);
* phase, status -- API v2 codes (``PHASE2``, ``RECRUITING``); a study in PHASE2 and PHASE3 has both;
* sponsor class -- the class of the lead sponsor (``INDUSTRY``, ``NIH``, ...);
* start date range -- ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, inclusive, compared at the precision of
  the bound: ``--start-from 2020 --start-to 2021`` keeps the studies that start in 2020 or 2021. A study
  without a start date is left out when a bound is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.codes import ENUMS
from kg.errors import AnalyticsError
from kg.iris import MESH_NS, mesh
from kg.mapping.namespaces import PREFIXES
from kg.query import Source

HERE = Path(__file__).resolve().parent
VOCAB = PREFIXES["tkgv"]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Filters:
    """Which studies an analysis covers; empty means every study."""

    conditions: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    sponsor_classes: tuple[str, ...] = ()
    start_from: str | None = None
    start_to: str | None = None

    def __post_init__(self) -> None:
        coded = (("phase", self.phases), ("status", self.statuses), ("sponsor-class", self.sponsor_classes))
        for scheme, codes in coded:
            unknown = sorted(set(codes) - set(ENUMS[scheme]))
            if unknown:
                raise AnalyticsError(
                    f"unknown {scheme} code(s) {', '.join(unknown)}; known: {', '.join(sorted(ENUMS[scheme]))}"
                )
        for bound in (self.start_from, self.start_to):
            if bound is not None and not _DATE.match(bound):
                raise AnalyticsError(f"start date bound {bound!r}: write YYYY, YYYY-MM or YYYY-MM-DD")
        for condition in self.conditions:
            mesh_iri(condition)  # raises on a value that is not a MeSH descriptor

    def describe(self) -> list[str]:
        """The filters in words, one line each (nothing when every study is covered)."""
        lines = []
        if self.conditions:
            uis = ", ".join(mesh_iri(c)[len(MESH_NS) :] for c in self.conditions)
            lines.append(f"condition MeSH (or narrower): {uis}")
        if self.phases:
            lines.append("phase: " + ", ".join(self.phases))
        if self.statuses:
            lines.append("overall status: " + ", ".join(self.statuses))
        if self.sponsor_classes:
            lines.append("lead sponsor class: " + ", ".join(self.sponsor_classes))
        if self.start_from or self.start_to:
            lines.append(f"start date: {self.start_from or '…'} to {self.start_to or '…'}")
        return lines

    def patterns(self) -> str:
        """The graph patterns (on ``?study``) that keep the studies these filters cover."""
        parts: list[str] = []

        def values(var: str, terms: Iterable[ox.NamedNode]) -> str:
            return f"VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}"

        if self.conditions:
            parts.append(values("f_mesh", (ox.NamedNode(mesh_iri(c)) for c in self.conditions)))
            parts.append("?study tkg:conditionMesh|tkg:conditionMeshAncestor ?f_mesh .")
        for var, scheme, codes, pattern in (
            ("f_phase", "phase", self.phases, "?study tkg:phase ?f_phase ."),
            ("f_status", "status", self.statuses, "?study tkg:overallStatus ?f_status ."),
            (
                "f_class",
                "sponsor-class",
                self.sponsor_classes,
                "?study tkg:sponsorRole ?f_lead . ?f_lead a tkg:LeadSponsorRole ; tkg:agencyClass ?f_class .",
            ),
        ):
            if codes:
                parts.append(values(var, (ox.NamedNode(f"{VOCAB}{scheme}/{code}") for code in codes)))
                parts.append(pattern)
        if self.start_from or self.start_to:
            parts.append("?study tkg:startDate ?f_start .")
            for bound, op in ((self.start_from, ">="), (self.start_to, "<=")):
                if bound:
                    parts.append(f"FILTER(SUBSTR(STR(?f_start), 1, {len(bound)}) {op} {ox.Literal(bound)})")
        return "\n      ".join(parts)


def mesh_iri(value: str) -> str:
    """The canonical MeSH IRI of a descriptor given as a UI (padded or not) or as its IRI."""
    ui = value[len(MESH_NS) :] if value.startswith(MESH_NS) else value
    try:
        return mesh(ui)
    except ValueError as exc:
        raise AnalyticsError(f"condition {value!r}: give a MeSH descriptor UI (D001249) or its IRI") from exc


def query_text(name: str, filters: Filters) -> str:
    """The text of query ``name`` (``studies`` or one of :data:`LINK_QUERIES`) with the filters spliced in."""
    return (HERE / f"{name}.rq").read_text(encoding="utf-8").replace("#FILTERS", filters.patterns())


@dataclass
class Study:
    iri: str
    nct_id: str
    title: str
    status: str
    start_date: str
    phases: str  # "PHASE2|PHASE3", "" where none


@dataclass
class Node:
    iri: str
    kind: str  # organisation | intervention | condition | study
    name: str


@dataclass
class Extract:
    """The filtered studies and, per study, its organisations (with their role), interventions and
    condition MeSH descriptors; every node once, with its kind and name."""

    filters: Filters
    studies: dict[str, Study] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)
    leads: dict[str, set[str]] = field(default_factory=dict)
    collaborators: dict[str, set[str]] = field(default_factory=dict)
    interventions: dict[str, set[str]] = field(default_factory=dict)
    conditions: dict[str, set[str]] = field(default_factory=dict)
    #: organisation -> class -> number of (study, role) in which the record gives it that class
    classes: dict[str, dict[str, int]] = field(default_factory=dict)

    def organisations(self, study: str) -> set[str]:
        return self.leads.get(study, set()) | self.collaborators.get(study, set())

    def sponsor_class(self, org: str) -> str:
        """The class the records give an organisation most often (ties: the first in code-point order)."""
        counts = self.classes.get(org, {})
        return min(counts, key=lambda c: (-counts[c], c)) if counts else ""


#: The queries of an analysis (``NAME.rq`` beside this module) and the kind of node each gives.
LINK_QUERIES = {"organisations": "organisation", "interventions": "intervention", "conditions": "condition"}


def extract(source: Source, filters: Filters | None = None) -> Extract:
    """Run the queries on ``source`` and gather their rows."""
    filters = filters or Filters()
    found = Extract(filters)
    _, rows = source.select(query_text("studies", filters))
    for row in rows:
        record = Study(row["study"], row["nct_id"], row["title"], row["status"], row["start_date"], row["phases"])
        found.studies[record.iri] = record
        found.nodes[record.iri] = Node(record.iri, "study", record.nct_id)
    by_kind = {"intervention": found.interventions, "condition": found.conditions}
    seen: set[tuple[str, str, str]] = set()
    for query, kind in LINK_QUERIES.items():
        _, rows = source.select(query_text(query, filters))
        for row in rows:
            study, iri, name = row["study"], row["node"], row["name"]
            if study not in found.studies:
                continue  # a study that appeared between two queries (a remote store being loaded)
            known = found.nodes.get(iri)
            if known is None:
                found.nodes[iri] = Node(iri, kind, name or _fallback_name(iri))
            elif name and (known.name == _fallback_name(iri) or name < known.name):
                known.name = name
            if kind != "organisation":
                by_kind[kind].setdefault(study, set()).add(iri)
                continue
            role = row["role"]
            (found.leads if role == "lead" else found.collaborators).setdefault(study, set()).add(iri)
            if row["class"] and (study, iri, role) not in seen:
                seen.add((study, iri, role))
                counts = found.classes.setdefault(iri, {})
                counts[row["class"]] = counts.get(row["class"], 0) + 1
    return found


def _fallback_name(iri: str) -> str:
    """A readable name for a node that has none in the data: the last segment of its IRI."""
    return iri.rstrip("/").rsplit("/", 1)[-1]
