"""Which protocol arm a result group reports on, and which planned outcome a reported outcome measure is.

One place for both decisions, used by the mapping (:mod:`kg.mapping.results`) and the link report
(:mod:`kg.linking.report`). A link is made only where the record makes it unambiguous:

- a result group is the arm whose label is its title (whitespace and case aside), when exactly one arm
  has that label; else, when the protocol has a single arm and the module a single group (a ``Total``
  group aside), that arm. A group titled ``Total`` (the baseline's sum of the groups) is no arm.
- an outcome measure is the planned outcome of the same type (``OTHER_PRE_SPECIFIED`` is a planned
  ``OTHER``; a ``POST_HOC`` measure was not planned) and the same title, when exactly one has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg.model import Study
from kg.results_model import ResultGroup

#: Reported outcome type -> the planned kind it reports.
PLANNED_KIND = {"PRIMARY": "PRIMARY", "SECONDARY": "SECONDARY", "OTHER_PRE_SPECIFIED": "OTHER"}


def key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def is_total(group: ResultGroup) -> bool:
    return key(group.title) == "total"


def arm_for(group: ResultGroup, groups: Sequence[ResultGroup], arm_labels: Sequence[str]) -> int | None:
    """The index (in ``arm_labels``) of the arm ``group`` reports on, or ``None`` where that is not clear."""
    if is_total(group):
        return None
    same = [i for i, label in enumerate(arm_labels) if key(label) == key(group.title)]
    if len(same) == 1:
        return same[0]
    if not same and len(arm_labels) == 1 and len([g for g in groups if not is_total(g)]) == 1:
        return 0
    return None


def outcome_for(kind: str, title: str, planned: Sequence[tuple[str, str]]) -> int | None:
    """The index (in ``planned``, pairs of kind and measure) of the outcome a reported measure reports."""
    wanted = PLANNED_KIND.get(kind)
    same = [i for i, (k, measure) in enumerate(planned) if k == wanted and key(measure) == key(title)]
    return same[0] if len(same) == 1 else None


def group_lists(study: Study) -> list[list[ResultGroup]]:
    """Every list of result groups of a study's results: flow, baseline, each outcome, adverse events."""
    posted = study.results.posted if study.results else None
    if posted is None:
        return []
    lists = [posted.flow.groups] if posted.flow else []
    lists += [posted.baseline.groups] if posted.baseline else []
    lists += [m.groups for m in posted.outcome_measures]
    if posted.adverse_events:
        lists.append([ResultGroup(g.id, g.title, g.description) for g in posted.adverse_events.groups])
    return lists


@dataclass
class ResultLinks:
    """How many result groups and reported outcome measures were linked, over some studies."""

    groups: int = 0
    groups_linked: int = 0
    groups_total: int = 0  # "Total" groups: the sum of the others, no arm
    measures: int = 0
    measures_linked: int = 0
    measures_post_hoc: int = 0  # never planned

    def add(self, study: Study) -> None:
        labels = [a.label for a in study.arm_groups]
        for groups in group_lists(study):
            for group in groups:
                self.groups += 1
                self.groups_total += is_total(group)
                self.groups_linked += arm_for(group, groups, labels) is not None
        planned = [(o.kind, o.measure) for o in study.outcomes]
        posted = study.results.posted if study.results else None
        for measure in posted.outcome_measures if posted else []:
            self.measures += 1
            self.measures_post_hoc += measure.type == "POST_HOC"
            self.measures_linked += outcome_for(measure.type, measure.title, planned) is not None

    def lines(self) -> list[str]:
        def share(n: int, d: int) -> str:
            return f"{n} / {d} ({n / d:.1%})" if d else f"{n} / 0"

        unlinked = self.groups - self.groups_linked - self.groups_total
        return [
            f"result groups linked to arms      {share(self.groups_linked, self.groups)}",
            f"  not linked: {self.groups_total} 'Total' groups, {unlinked} ambiguous or unmatched",
            f"outcome measures linked to planned outcomes {share(self.measures_linked, self.measures)}",
            f"  not linked: {self.measures_post_hoc} post-hoc, "
            f"{self.measures - self.measures_linked - self.measures_post_hoc} ambiguous or unmatched",
        ]
