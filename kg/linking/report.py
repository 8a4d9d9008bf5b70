"""The link report: organisation nodes before and after merging, ROR coverage, and legacy XML's MeSH, for any inputs.

``trialkg link-report INPUT... [--lexicon FILE]... [--variants OUT.sssom.tsv]``

*before* counts the organisation nodes the plain slug of each name would give (one per spelling up to
case and punctuation, whatever the country); *key* the nodes the build makes (:func:`kg.linking.orgs.org_key`,
the lexicons, a site's facility within its country: :class:`kg.linking.orgs.OrgNode`); *clustered*
after the offline fuzzy merge within countries (:func:`kg.linking.orgs.cluster`), whose variants
``--variants`` writes as an SSSOM file for ``trialkg build --lexicon``. Then the merges: spellings that
share a node, and names that are several nodes, one per country. Affiliations that are positions or
degrees (:mod:`kg.linking.affiliations`) and sites' placeholders (:mod:`kg.linking.placeholders`) are
no organisations, as in the build. Then legacy XML's MeSH headings, given by name, and how many stay
unresolved (:mod:`kg.linking.headings`, with the pairs of the inputs' API v2 records, as the build
gathers them), and how many result groups were linked to the protocol's arms and reported outcome
measures to planned outcomes (:class:`kg.mapping.result_links.ResultLinks`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kg.iris import Iris
from kg.linking.affiliations import is_position
from kg.linking.countries import iso_code
from kg.linking.headings import Headings
from kg.linking.lexicon import Lexicon, load_all
from kg.linking.names import heading_ancestors
from kg.linking.orgs import OrgResolver, cluster
from kg.linking.placeholders import is_placeholder
from kg.mapping.result_links import ResultLinks
from kg.model import MeshTerm, Study
from kg.naming import slug
from kg.sources import read


def _line(label: str, value: object) -> str:
    return f"{label:<26} {value}"


def mentions(study: Study) -> Iterator[tuple[str, str | None, bool]]:
    """Every organisation the study names, with the ISO code of its country where the record gives it
    (a site's), and whether the build makes it an organisation node: not an affiliation that is a
    position or degree (``Professor``), nor a site's placeholder (``Research Site``)."""
    if study.lead_sponsor:
        yield study.lead_sponsor.name, None, True
    for collab in study.collaborators:
        yield collab.name, None, True
    rp = study.responsible_party
    affiliations = [o.affiliation for o in study.officials] + [rp.investigator_affiliation if rp else None]
    for affiliation in affiliations:
        if affiliation:
            yield affiliation, None, not is_position(affiliation)
    for loc in study.locations:
        if loc.facility:
            yield loc.facility, iso_code(loc.country), not is_placeholder(loc.facility)


@dataclass
class OrgReport:
    mentions: int
    before: int
    key: int
    clustered: int
    with_ror: int
    variants: dict[tuple[str, str], str]
    in_ror_countries: int = 0  # org nodes with a site in a country the ROR lexicons cover (>= 100 ROR records)
    in_ror_countries_linked: int = 0
    positions: int = 0  # affiliations that are positions or degrees
    placeholders: int = 0  # sites' placeholders
    merged_spellings: int = 0  # spellings (slugs of names) that share a node with another
    merged_nodes: int = 0  # the nodes they share
    split_names: int = 0  # keys that are nodes in several countries
    split_nodes: int = 0  # the nodes they are

    def lines(self) -> list[str]:
        share = self.with_ror / self.clustered if self.clustered else 0.0
        return [
            _line("organisation mentions", self.mentions),
            f"  not organisations: {self.positions} affiliations that are positions or degrees, "
            f"{self.placeholders} sites' placeholders",
            _line("org nodes before merging", self.before),
            _line("org nodes after key+lexicon", self.key),
            _line("org nodes after clustering", self.clustered),
            _line("merged spellings", f"{self.merged_spellings} into {self.merged_nodes} org nodes"),
            _line("names split by country", f"{self.split_names} into {self.split_nodes} org nodes"),
            _line("org nodes linked to ROR", f"{self.with_ror} ({share:.1%})"),
            f"  of the org nodes with a site in a country with >= 100 ROR records: "
            f"{self.in_ror_countries_linked} / {self.in_ror_countries}",
        ]


def org_report(studies: Iterable[Study], lexicon: Lexicon) -> OrgReport:
    resolver = OrgResolver(lexicon)
    seen: list[tuple[str, str | None]] = []
    positions = placeholders = total = 0
    for study in studies:
        for name, country, organisation in mentions(study):
            total += 1
            positions += not organisation and country is None
            placeholders += not organisation and country is not None
            seen += [(name, country)] if organisation else []
    before = {slug(name) for name, _ in seen}
    per_country: dict[str, int] = {}
    for org in lexicon.orgs:
        per_country[org.country or ""] = per_country.get(org.country or "", 0) + 1
    covered = {c for c, n in per_country.items() if c and n >= 100}  # a real subset, not a sample
    variants = cluster(seen)
    keyed: dict[tuple[str, str | None], bool] = {}
    merged: dict[tuple[str, str | None], bool] = {}
    spellings: dict[tuple[str, str | None], set[str]] = {}
    local: set[tuple[str, str | None]] = set()
    for name, country in seen:
        node = resolver.node(name, country)
        keyed[(node.key, node.country)] = keyed.get((node.key, node.country), False) or node.ror is not None
        final = (variants.get((country, node.key), node.key) if country else node.key, node.country)
        merged[final] = merged.get(final, False) or node.ror is not None
        spellings.setdefault(final, set()).add(slug(name))
        if country in covered:
            local.add(final)
    joined = [names for names in spellings.values() if len(names) > 1]
    countries = Counter(key for key, _ in merged)
    return OrgReport(
        total,
        len(before),
        len(keyed),
        len(merged),
        sum(merged.values()),
        variants,
        len(local),
        sum(merged[k] for k in local),
        positions,
        placeholders,
        sum(map(len, joined)),
        len(joined),
        sum(1 for n in countries.values() if n > 1),
        sum(n for n in countries.values() if n > 1),
    )


@dataclass
class MeshReport:
    """Legacy XML's MeSH headings (given by name) and how many the build resolves."""

    names: Counter[str] = field(default_factory=Counter)  # heading -> mentions (one per study and module)
    unresolved: Counter[str] = field(default_factory=Counter)
    studies: int = 0  # studies with such headings
    no_ancestors: int = 0  # studies with resolved headings but no ancestors

    def add(self, conditions: list[MeshTerm], interventions: list[MeshTerm], lexicon: Lexicon) -> None:
        """One study's headings given by name (``conditions``, ``interventions``: its MeSH terms without UIs)."""
        legacy = [t for t in conditions + interventions if not t.ui]
        if not legacy:
            return
        self.studies += 1
        for term in legacy:
            self.names[term.term] += 1
            if lexicon.heading_ui(term.term) is None:
                self.unresolved[term.term] += 1
        resolved = any(lexicon.heading_ui(t.term) for t in legacy)
        above = heading_ancestors(conditions, "condition", lexicon) + heading_ancestors(
            interventions, "intervention", lexicon
        )
        self.no_ancestors += resolved and not above

    def lines(self) -> list[str]:
        top = ", ".join(f"{name} ({n})" for name, n in sorted(self.unresolved.items(), key=lambda x: (-x[1], x[0]))[:5])
        return [
            _line(
                "XML MeSH headings",
                f"{len(self.names)} names, {sum(self.names.values())} mentions in {self.studies} studies",
            ),
            _line("XML MeSH unresolved", f"{len(self.unresolved)} names, {sum(self.unresolved.values())} mentions"),
            f"  most often: {top or '-'}; {self.no_ancestors} studies with resolved headings but no ancestors",
        ]


def write_variants(variants: dict[tuple[str, str], str], path: str) -> None:
    """The variants as an SSSOM mapping set (trialkg organisation -> trialkg organisation, within a country:
    the IRIs say which, ``tkgo:{slug}--{cc}``)."""
    iris = Iris()
    space = iris.space("org")
    lines = [
        "# curie_map:",
        "#   skos: http://www.w3.org/2004/02/skos/core#",
        f"#   tkgo: {space}",
        "# mapping_set_id: https://w3id.org/trialkg/lexicons/org-variants",
        "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification",
    ]
    for (country, variant), canonical in sorted(variants.items()):
        subject = iris.org(slug(variant), country).removeprefix(space)
        target = iris.org(slug(canonical), country).removeprefix(space)
        lines.append(f"tkgo:{subject}\t{variant}\tskos:exactMatch\ttkgo:{target}\t{canonical}\tsemapv:LexicalMatching")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def link_report(inputs: list[str], lexicons: list[str], variants: str | None = None) -> list[str]:
    """``trialkg link-report``: organisation nodes before and after merging, ROR coverage, legacy XML's
    MeSH headings left unresolved and result links of the records of ``inputs``; the organisation
    variants found are written to ``variants`` (SSSOM)."""
    links = ResultLinks()
    lexicon = load_all(lexicons)
    headings = lexicon.headings = Headings()  # the inputs' API v2 pairs, as the build gathers them
    legacy: list[tuple[list[MeshTerm], list[MeshTerm]]] = []  # resolved once every record's pairs are known

    def every() -> Iterator[Study]:
        for record in read(inputs):
            if isinstance(record, Study):
                links.add(record)  # result groups -> arms, reported -> planned outcomes
                headings.add(record)
                if any(not t.ui for t in record.condition_mesh + record.intervention_mesh):
                    legacy.append((record.condition_mesh, record.intervention_mesh))
                yield record

    report = org_report(every(), lexicon)
    mesh = MeshReport()
    for conditions, interventions in legacy:
        mesh.add(conditions, interventions, lexicon)
    if variants:
        write_variants(report.variants, variants)
    return report.lines() + mesh.lines() + links.lines()
