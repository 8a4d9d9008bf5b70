"""The gate every study passes on its way into a release: SHACL verdicts, batch by batch, and faults kept apart.

A batch comes back from validation with its report, or with the exception its validation raised (a bug
of ours, a worker killed). Then each study of the batch is validated again on its own, in this process,
so that only the study at fault is quarantined, "for an internal error", and the others go on. When the
copy of a study that was to be published is refused, the spool's older copies of it (see
:meth:`kg.publish.spool.Spool.fallbacks`) are tried newest first: a newer but invalid copy never takes a
valid study out of the release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kg.publish.checking import checked, default_jobs
from kg.publish.spool import Spooled
from kg.validation.engines import new_validator
from kg.validation.results import Report


@dataclass(frozen=True)
class Item:
    """A study on its way out: its triples, its provenance, whether it still needs validating."""

    study: Spooled
    iri: str
    prov: list[str]
    check: bool


@dataclass(frozen=True)
class Verdicts:
    """What validation said of a batch: the report (``None``: nothing validated) and internal errors by IRI."""

    report: Report | None
    errors: dict[str, str]

    def refusal(self, item: Item) -> str | None:
        """Why ``item`` may not be published, or ``None``."""
        if item.iri in self.errors:
            return self.errors[item.iri]
        if self.report is not None and item.iri in self.report.studies_with_violations():
            return "SHACL violations: see validation/report.txt"
        return None


def check_lines(batch: list[Item]) -> list[str]:
    """What is validated of a batch: the studies converted by this build, with provenance and shared nodes."""
    return [line for item in batch if item.check for line in (*item.study.own, *item.prov, *item.study.shared)]


class Checker:
    """Validation for the build: batches in worker processes, single studies in this process."""

    def __init__(
        self, validate: bool, jobs: int | None, factory: Callable[[], Any] | None, strict: bool, engine: str
    ) -> None:
        self.validate, self.jobs, self.factory, self.strict, self.engine = validate, jobs, factory, strict, engine
        self._local: Any = None

    def batches(self, batches: Iterable[list[Item]]) -> Iterator[tuple[list[Item], Verdicts]]:
        """Each batch with its verdicts, in order."""
        if not self.validate:
            yield from ((batch, Verdicts(None, {})) for batch in batches)
            return
        validator = self.factory() if self.factory else None
        jobs = self.jobs or default_jobs()
        for batch, outcome in checked(batches, check_lines, jobs=jobs, validator=validator, engine=self.engine):
            if isinstance(outcome, Exception):
                if self.strict:
                    raise outcome
                yield batch, self._one_by_one(batch)
            else:
                yield batch, Verdicts(outcome, {})

    def one(self, item: Item) -> Verdicts:
        """The verdict on one study, validated in this process."""
        return self._one_by_one([item])

    def _one_by_one(self, batch: list[Item]) -> Verdicts:
        report: Report | None = None
        errors: dict[str, str] = {}
        for item in batch:
            lines = check_lines([item])
            if not lines:
                continue
            try:
                found = self._validator().validate_ntriples(lines)
            except Exception as exc:
                if self.strict:
                    raise
                errors[item.iri] = f"internal error while validating: {type(exc).__name__}: {exc}"
                continue
            report = found if report is None else report.merge(found)
        return Verdicts(report, errors)

    def _validator(self) -> Any:
        if self._local is None:
            self._local = self.factory() if self.factory is not None else new_validator(self.engine)
        return self._local
