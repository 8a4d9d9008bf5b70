"""Validation results as plain values: a :class:`Result` per SHACL result, a :class:`Report` of them.

Results are hashable and compare by value, so reports of batches merge by set union: a shared node
(an organisation, a country) that is in many batches gives its results once.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, field

from kg.iris import study_of

SH = "http://www.w3.org/ns/shacl#"
SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Result:
    """One SHACL validation result. Terms are in N-Triples syntax (``<iri>``, ``"0"^^<...#integer>``)."""

    severity: str  # Violation | Warning | Info
    shape: str  # the source shape, N-Triples syntax
    message: str
    focus: str
    path: str | None = None
    value: str | None = None
    component: str = ""  # the source constraint component, N-Triples syntax

    def key(self) -> tuple[str, ...]:
        """The sort key of reports: by severity, shape, focus node, path, value."""
        return (self.severity, self.shape, self.focus, self.path or "", self.value or "", self.message, self.component)

    @property
    def study(self) -> str | None:
        """The IRI of the study whose data this result is about, if it is about a study or its parts."""
        return study_of(self.focus[1:-1]) if self.focus.startswith("<") else None


@dataclass
class Report:
    """The results of validating a graph, or several batches of one."""

    results: set[Result] = field(default_factory=set)

    @property
    def conforms(self) -> bool:
        """trialkg's verdict: True when there is no Violation; warnings are allowed (pySHACL's
        ``allow_warnings``). It decides what is quarantined and the exit code of ``trialkg validate``;
        it is not the report's ``sh:conforms`` (:attr:`shacl_conforms`)."""
        return not any(r.severity == "Violation" for r in self.results)

    @property
    def shacl_conforms(self) -> bool:
        """``sh:conforms`` as SHACL defines it (section 3.6): True only when there is no result at all, of
        any severity; a Warning or an Info makes it False."""
        return not self.results

    def merge(self, other: Report) -> Report:
        """Add the results of ``other`` (another batch) to this report, and return it."""
        self.results |= other.results
        return self

    def __iter__(self) -> Iterator[Result]:
        return iter(sorted(self.results, key=Result.key))

    def __len__(self) -> int:
        return len(self.results)

    def by_severity(self) -> Counter[str]:
        return Counter(r.severity for r in self.results)

    def violation_count(self) -> int:
        return self.by_severity()["Violation"]

    def warning_count(self) -> int:
        return self.by_severity()["Warning"]

    def about(self, ntriples: str) -> Report:
        """The results whose focus node the N-Triples text mentions (as a subject or an object): what a
        study's results are, to publish again with the study when a later build reuses it unvalidated."""
        return Report({r for r in self.results if f"{r.focus} " in ntriples})

    def to_bytes(self) -> bytes:
        """The results in :meth:`Result.key` order (fields may be ``None``: tuples of them do not sort)."""
        return json.dumps([astuple(r) for r in self], separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes | None) -> Report:
        return cls({Result(*fields) for fields in json.loads(data)} if data else set())

    def studies_with_violations(self) -> set[str]:
        """The IRIs of the studies that have a Violation on themselves or on one of their parts."""
        return {s for r in self.results if r.severity == "Violation" and (s := r.study) is not None}


def merge(reports: Iterable[Report]) -> Report:
    """One report of all the results of ``reports`` (the batches of one graph)."""
    merged = Report()
    for report in reports:
        merged.merge(report)
    return merged
