"""``trialkg build``: parse -> map (or reuse) -> (dedupe) -> validate -> write, streaming, into an atomic release.

The stages: every record is parsed and either mapped or, when ``previous`` names an earlier release
holding the same record (same content hash, same conversion fingerprint), taken from that release's
``studies.sqlite``; the newest version of each study is kept in the spool; studies converted by this
build are validated in batches in worker processes; then every dump is written in NCT id order
(:mod:`kg.publish.dumps`), the query index loaded, the statistics counted, and the metadata written:
``void.ttl`` (:mod:`kg.publish.void`), the delta against ``previous`` (:mod:`kg.publish.delta`) and
``build-report.json``. All of it inside :func:`kg.publish.release.atomic_directory`.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from tqdm import tqdm

from kg import __version__
from kg.errors import ReleaseError
from kg.linking.lexicon import load_all
from kg.mapping.namespaces import DEFAULT_BASE
from kg.mapping.rdf import Mapper
from kg.model import Study
from kg.publish import release as layout
from kg.publish.checking import checked, default_jobs
from kg.publish.dumps import Dumps, shared_graph
from kg.publish.finish import Options, describe, write_report
from kg.publish.provenance import activity_iri, activity_lines, file_digest, fingerprint, record_lines, version_of
from kg.publish.spool import Activity, Content, Previous, Spool, Spooled
from kg.sources import Rejected, read

T = TypeVar("T")
Checking = Callable[[Iterable[list["_Item"]]], Iterator[tuple[list["_Item"], Any]]]
BATCH = 40  # studies validated together: pySHACL is fastest per study at 25-50 (measured)
MAX_BATCH = 1000  # studies per batch at most, counting the reused ones that need no validation


@dataclass
class BuildSummary:
    records_read: int = 0
    published: int = 0
    quarantined: int = 0
    superseded: int = 0
    converted: int = 0  # published studies mapped by this build
    reused: int = 0  # published studies taken unchanged from the previous release
    triples: int = 0
    warnings: int = 0
    violations: int = 0  # all in quarantined studies: a published study has none
    seconds: float = 0.0
    version: str = ""
    started: str = ""
    ended: str = ""
    activity: str = ""
    previous: str | None = None
    reuse: str = ""  # why nothing could be reused, if so
    delta: dict[str, int] | None = None
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)

    def reconciles(self) -> bool:
        return self.records_read == self.published + self.quarantined + self.superseded

    def lines(self) -> list[str]:
        lines = [
            f"records read   {self.records_read}",
            f"published      {self.published}  ({self.converted} converted, {self.reused} reused from --previous)",
            f"quarantined    {self.quarantined}",
            f"superseded     {self.superseded}  (older copies of a study published from a newer input)",
            f"check          {self.records_read} read = {self.published} published + {self.quarantined} "
            f"quarantined + {self.superseded} superseded: {'ok' if self.reconciles() else 'MISMATCH'}",
            f"triples        {self.triples}",
            f"SHACL          {self.violations} violations (their studies quarantined), {self.warnings} warnings",
        ]
        if self.reuse:
            lines.append(f"reuse          none: {self.reuse}")
        if self.delta is not None:
            d = self.delta
            lines.append(
                f"delta          {d['added']} studies added, {d['changed']} changed, {d['restated']} restated, "
                f"{d['withdrawn']} withdrawn; "
                f"+{d['triples_added']} / -{d['triples_removed']} triples"
            )
        return [*lines, f"version        {self.version}", f"seconds        {self.seconds:.1f}"]


@dataclass(frozen=True)
class _Item:
    """A study on its way out: its triples, its provenance, whether it still needs validating."""

    study: Spooled
    iri: str
    prov: list[str]
    check: bool


def build(
    inputs: list[str],
    out: str,
    *,
    fmt: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    progress: bool = True,
    validator_factory: Callable[[], Any] | None = None,
    jobs: int | None = None,
    previous: str | None = None,
    endpoint_url: str | None = None,
    release_version: str | None = None,
    download_url: str | None = None,
    publisher: str | None = None,
    lexicons: list[str] | None = None,
) -> BuildSummary:
    """Build a release of ``inputs`` into ``out`` and return the summary (also in build-report.json).

    ``previous``: an earlier release whose unchanged studies are reused and against which the delta is
    written (it may be ``out`` itself). ``endpoint_url`` (a SPARQL endpoint serving the release),
    ``release_version`` (default: the date and a hash of the content), ``download_url`` (where the dumps
    will be; default: beside ``void.ttl``) and ``publisher`` go into ``void.ttl``."""
    started, clock = datetime.now(UTC), time.monotonic()
    summary = BuildSummary(started=started.isoformat(timespec="seconds"), previous=previous)
    mapper = Mapper(base, lexicon=load_all(lexicons or []))  # lexicons: kg.linking.lexicon
    base = mapper.base
    print_ = fingerprint(base, [f"lexicon {file_digest(path)}" for path in lexicons or []])
    options = Options(endpoint_url, release_version, download_url, publisher)
    with layout.atomic_directory(out) as work:
        (work / layout.QUARANTINE).mkdir()
        old = _open_previous(previous, print_, summary)
        spool = Spool(work / layout.STUDIES)
        try:
            _ingest(read(inputs, fmt), mapper, spool, old, summary, work, progress)
            summary.duplicates = spool.superseded()
            summary.superseded = len(summary.duplicates)
            since = old.meta.get("version_iri", "") if old else ""
            iri = activity_iri(base, print_, itertools.chain(spool.inputs(), [("previous", since)]))
            activity = Activity(iri, __version__, summary.started, converted=spool.count_converted())
            summary.activity = activity.iri
            spool.assign_activity(activity.iri)
            checking = _checking(validate, jobs, validator_factory)
            _publish(spool, checking, summary, work, base, activity, validate, progress)
            summary.converted = spool.count_converted(published=True)
            summary.reused = summary.published - summary.converted
            spool.finish()
            metadata = describe(work, spool, old, summary, activity, print_, options, started, base)
        finally:
            spool.close()
            if old is not None:
                old.close()
        summary.seconds = time.monotonic() - clock
        write_report(work, inputs, summary, base, metadata)
    return summary


def _open_previous(previous: str | None, print_: str, summary: BuildSummary) -> Previous | None:
    if previous is None:
        return None
    path = layout.require_release(previous) / layout.STUDIES
    if not path.is_file():
        raise ReleaseError(f"{previous}: no {layout.STUDIES} (built by an older trialkg?); build without --previous")
    old = Previous(path, print_)
    if not old.reusable:
        summary.reuse = "the previous release was converted differently (trialkg version, base IRI, code or shapes)"
    return old


def _ingest(
    records: Iterable[Study | Rejected],
    mapper: Mapper,
    spool: Spool,
    old: Previous | None,
    summary: BuildSummary,
    work: Path,
    progress: bool,
) -> None:
    known: set[str] = set()
    for record in tqdm(records, desc="reading", unit=" records", disable=not progress):
        summary.records_read += 1
        if isinstance(record, Rejected):
            _quarantine(summary, work, record.location, record.nct_id, "parse", record.reason)
            continue
        version = version_of(record)
        reused = old.lookup(record.nct_id, version.sha256) if old else None
        try:
            spool.put(record.nct_id, version, _content(mapper, record, reused))
        except ValueError as exc:
            _quarantine(summary, work, version.location or "?", record.nct_id, "map", str(exc))
            continue
        if old is not None and reused is not None and reused.activity and reused.activity not in known:
            known.add(reused.activity)
            activity = old.activity(reused.activity)
            if activity is not None:
                spool.put_activity(activity)


def _content(mapper: Mapper, record: Study, reused: Content | None) -> Callable[[], Content]:
    def make() -> Content:
        if reused is not None:
            return reused
        triples = mapper.map(record)
        return Content.mapped(_lines(triples.own), _lines(triples.shared))

    return make


def _lines(triples: Iterable[ox.Triple]) -> list[str]:
    return sorted(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


def _publish(
    spool: Spool,
    check: Checking,
    summary: BuildSummary,
    work: Path,
    base: str,
    current: Activity,
    validate: bool,
    progress: bool,
) -> None:
    activities = {a.iri: a for a in spool.activities()} | {current.iri: current}
    dumps = Dumps(work, base)
    bar = tqdm(total=spool.count(), desc="validating and writing", unit=" studies", disable=not progress)
    report, used = None, set()
    items = (_item(s, base, activities[s.activity or current.iri], validate) for s in spool.studies())
    for batch, batch_report in check(_batches(items)):
        failing: set[str] = set()
        if batch_report is not None:
            report = batch_report if report is None else report.merge(batch_report)
            failing = batch_report.studies_with_violations()
        for item in batch:
            s = item.study
            if item.iri in failing:
                reason = "SHACL violations: see validation/report.txt"
                _quarantine(summary, work, s.version.location, s.nct_id, "validate", reason, _check_lines([item]))
                continue
            dumps.write(item.iri, sorted(s.own + item.prov))
            spool.publish_shared(s.shared)
            spool.published(s.nct_id, item.prov, s.validated or validate)
            used.add(s.activity or current.iri)
            summary.published += 1
        bar.update(len(batch))
    bar.close()
    for iri in sorted(used):
        spool.publish_shared(activity_lines(activities[iri], base))
    for chunk in _chunks(spool.shared_lines(), 20_000):
        dumps.write(shared_graph(base), chunk)
    dumps.close()
    summary.triples = dumps.triples
    if report is not None:
        from kg.validation.report import write_reports

        summary.warnings = report.warning_count()
        summary.violations = report.violation_count()
        write_reports(report, work / layout.VALIDATION)


def _item(study: Spooled, base: str, activity: Activity, validate: bool) -> _Item:
    iri = f"{base}trial/{study.nct_id}"
    return _Item(study, iri, record_lines(iri, study.version, activity, base), validate and not study.validated)


def _check_lines(batch: list[_Item]) -> list[str]:
    """What is validated of a batch: the studies converted by this build, with provenance and shared nodes."""
    return [line for item in batch if item.check for line in (*item.study.own, *item.prov, *item.study.shared)]


def _batches(items: Iterable[_Item]) -> Iterator[list[_Item]]:
    """Batches of at most BATCH studies to validate (and MAX_BATCH in all), in order."""
    batch: list[_Item] = []
    checking = 0
    for item in items:
        batch.append(item)
        checking += item.check
        if checking == BATCH or len(batch) == MAX_BATCH:
            yield batch
            batch, checking = [], 0
    if batch:
        yield batch


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _quarantine(
    summary: BuildSummary,
    work: Path,
    location: str,
    nct_id: str | None,
    stage: str,
    reason: str,
    triples: list[str] | None = None,
) -> None:
    entry = {"location": location, "nct_id": nct_id, "stage": stage, "reason": reason}
    summary.quarantined += 1
    summary.quarantine.append(entry)
    with open(work / layout.QUARANTINE / "quarantine.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    if triples and nct_id:
        (work / layout.QUARANTINE / f"{nct_id}.nt").write_text("\n".join(triples) + "\n", encoding="utf-8")


def _checking(validate: bool, jobs: int | None, factory: Callable[[], Any] | None) -> Checking:
    """How batches get their reports: not at all, in this process (``factory``), or in worker processes."""

    def check(batches: Iterable[list[_Item]]) -> Iterator[tuple[list[_Item], Any]]:
        if not validate:
            return ((batch, None) for batch in batches)
        validator = factory() if factory else None
        return checked(batches, _check_lines, jobs=jobs or default_jobs(), validator=validator)

    return check
