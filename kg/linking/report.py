"""The link report: organisation nodes before and after merging, and ROR coverage, for any inputs.

``trialkg link-report INPUT... [--lexicon FILE]... [--variants OUT.sssom.tsv]``

*before* counts the organisation nodes the plain slug of each name gave (one per spelling up to case
and punctuation); *key* the nodes after :func:`kg.linking.orgs.org_key` and the lexicons; *clustered*
after the offline fuzzy merge within countries (:func:`kg.linking.orgs.cluster`), whose variants
``--variants`` writes as an SSSOM file for ``trialkg build --lexicon``. Then how many result groups were
linked to the protocol's arms and reported outcome measures to planned outcomes
(:class:`kg.mapping.result_links.ResultLinks`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kg.iris import Iris
from kg.linking.countries import iso_code
from kg.linking.lexicon import Lexicon, load_all
from kg.linking.orgs import OrgResolver, cluster
from kg.mapping.result_links import ResultLinks
from kg.model import Study
from kg.naming import slug
from kg.sources import read


def mentions(study: Study) -> Iterator[tuple[str, str | None]]:
    """Every organisation the study names, with the ISO code of its country where the record gives it."""
    if study.lead_sponsor:
        yield study.lead_sponsor.name, None
    for collab in study.collaborators:
        yield collab.name, None
    for official in study.officials:
        if official.affiliation:
            yield official.affiliation, None
    if study.responsible_party and study.responsible_party.investigator_affiliation:
        yield study.responsible_party.investigator_affiliation, None
    for loc in study.locations:
        if loc.facility:
            yield loc.facility, iso_code(loc.country)


@dataclass
class OrgReport:
    mentions: int
    before: int
    key: int
    clustered: int
    with_ror: int
    variants: dict[str, str]
    in_ror_countries: int = 0  # org nodes with a site in a country the ROR lexicons cover (>= 100 ROR records)
    in_ror_countries_linked: int = 0

    def lines(self) -> list[str]:
        share = self.with_ror / self.clustered if self.clustered else 0.0
        return [
            f"organisation mentions      {self.mentions}",
            f"org nodes before merging   {self.before}",
            f"org nodes after key+lexicon {self.key}",
            f"org nodes after clustering {self.clustered}",
            f"org nodes linked to ROR    {self.with_ror} ({share:.1%})",
            f"  of the org nodes with a site in a country with >= 100 ROR records: "
            f"{self.in_ror_countries_linked} / {self.in_ror_countries}",
        ]


def org_report(studies: Iterable[Study], lexicon: Lexicon) -> OrgReport:
    resolver = OrgResolver(lexicon)
    seen: list[tuple[str, str | None]] = []
    for study in studies:
        seen.extend(mentions(study))
    before = {slug(name) for name, _ in seen}
    keyed: dict[str, bool] = {}
    per_country: dict[str, int] = {}
    for org in lexicon.orgs:
        per_country[org.country or ""] = per_country.get(org.country or "", 0) + 1
    covered = {c for c, n in per_country.items() if c and n >= 100}  # a real subset, not a sample
    local: set[str] = set()
    for name, country in seen:
        key, ror = resolver.resolve(name, country)
        keyed[key] = keyed.get(key, False) or ror is not None
        if country in covered:
            local.add(key)
    variants = cluster(seen)
    merged: dict[str, bool] = {}
    for key, linked in keyed.items():
        final = variants.get(key, key)
        merged[final] = merged.get(final, False) or linked
    local = {variants.get(k, k) for k in local}
    return OrgReport(
        len(seen),
        len(before),
        len(keyed),
        len(merged),
        sum(merged.values()),
        variants,
        len(local),
        sum(merged[k] for k in local),
    )


def write_variants(variants: dict[str, str], path: str) -> None:
    """The variants as an SSSOM mapping set (trialkg organisation -> trialkg organisation)."""
    lines = [
        "# curie_map:",
        "#   skos: http://www.w3.org/2004/02/skos/core#",
        f"#   tkgo: {Iris().space('org')}",
        "# mapping_set_id: https://w3id.org/trialkg/lexicons/org-variants",
        "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification",
    ]
    for variant, canonical in sorted(variants.items()):
        lines.append(
            f"tkgo:{slug(variant)}\t{variant}\tskos:exactMatch\ttkgo:{slug(canonical)}\t{canonical}"
            "\tsemapv:LexicalMatching"
        )
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def link_report(inputs: list[str], lexicons: list[str], variants: str | None = None) -> list[str]:
    """``trialkg link-report``: organisation nodes before and after merging, ROR coverage, result links of
    the records of ``inputs``; the organisation variants found are written to ``variants`` (SSSOM)."""
    links = ResultLinks()

    def studies() -> Iterator[Study]:
        for record in read(inputs):
            if isinstance(record, Study):
                links.add(record)  # result groups -> arms, reported -> planned outcomes
                yield record

    report = org_report(studies(), load_all(lexicons))
    if variants:
        write_variants(report.variants, variants)
    return report.lines() + links.lines()
