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
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from kg import __version__
from kg.errors import ReleaseError
from kg.iris import Iris
from kg.linking.headings import of_inputs
from kg.linking.labels import org_labels
from kg.linking.lexicon import load_all
from kg.mapping.namespaces import DEFAULT_BASE
from kg.mapping.rdf import Mapper
from kg.model import Study
from kg.publish import release as layout
from kg.publish.checking import default_jobs
from kg.publish.converting import Parsed, Unchanged, converted, unchanged
from kg.publish.dumps import Dumps
from kg.publish.finish import Options, describe, write_report
from kg.publish.fragments import Chunk, run_key, runs
from kg.publish.gate import Checker, Item, check_lines
from kg.publish.provenance import activity_iri, activity_lines, file_digest, fingerprint, record_lines, version_of
from kg.publish.spool import Activity, Content, Previous, Spool, Spooled
from kg.publish.statistics import Tally
from kg.publish.summary import BuildSummary, quarantine
from kg.sources import DEFAULT_LIMITS, Limits, Rejected, read
from kg.validation.engines import DEFAULT_ENGINE
from kg.validation.report import write_reports
from kg.validation.results import Report, merge

BATCH = 40  # studies validated together: pySHACL is fastest per study at 25-50 (measured)
MAX_BATCH = 1000  # studies per batch at most, counting the reused ones that need no validation


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
    strict: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    engine: str = DEFAULT_ENGINE,
    contact_details: bool = False,
) -> BuildSummary:
    """Build a release of ``inputs`` into ``out`` and return the summary (also in build-report.json).

    ``previous``: an earlier release whose unchanged studies are reused and against which the delta is
    written (it may be ``out`` itself). ``endpoint_url`` (a SPARQL endpoint serving the release),
    ``release_version`` (default: the date and a hash of the content), ``download_url`` (where the dumps
    will be; default: beside ``void.ttl``) and ``publisher`` go into ``void.ttl``. ``limits``: what one
    record may cost (:class:`kg.sources.Limits`). ``strict``: an internal error (an exception of ours
    while parsing, mapping or validating one record) ends the build instead of quarantining the record."""
    started, clock = datetime.now(UTC), time.monotonic()
    summary = BuildSummary(started=started.isoformat(timespec="seconds"), previous=previous)
    lexicon = load_all(lexicons or [])  # kg.linking.lexicon
    lexicon.headings = of_inputs(inputs, fmt, limits)  # legacy XML's MeSH names: a pre-pass (kg.linking.headings)
    mapper = Mapper(base, lexicon=lexicon, contact_details=contact_details)
    base = mapper.base
    settings = [f"lexicon {file_digest(path)}" for path in lexicons or []]
    settings += [f"registry headings {lexicon.headings.digest()}"] if lexicon.headings else []
    settings += ["contact details"] if contact_details else []
    print_ = fingerprint(base, settings)  # studies mapped with other settings are never reused
    options = Options(endpoint_url, release_version, download_url, publisher)
    with layout.atomic_directory(out) as work:
        (work / layout.QUARANTINE).mkdir()
        old = _open_previous(previous, print_, summary)
        spool = Spool(work / layout.STUDIES)
        try:
            records = read(inputs, fmt, limits=limits, strict=strict, known=unchanged(spool, old, fmt, limits))
            jobs = jobs or default_jobs()
            with summary.stage("read and map"):
                _ingest(records, mapper, lexicons or [], jobs, spool, old, summary, work, progress, strict)
            since = old.meta.get("version_iri", "") if old else ""
            iri = activity_iri(base, print_, itertools.chain(spool.inputs(), [("previous", since)]))
            activity = Activity(iri, __version__, summary.started, converted=spool.count_converted())
            summary.activity = activity.iri
            spool.assign_activity(activity.iri)
            checker = Checker(validate, jobs, validator_factory, strict, engine)
            with summary.stage("validate and write"):
                tally = _publish(spool, checker, summary, work, base, activity, progress, inputs, old)
            summary.duplicates = spool.superseded()
            summary.superseded = len(summary.duplicates)
            summary.converted = spool.count_converted(published=True)
            summary.reused = summary.published - summary.converted
            spool.finish()
            metadata = describe(work, spool, old, summary, activity, print_, options, started, base, tally)
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
        summary.reuse = (
            "the previous release was converted differently (trialkg version, base IRI, code or shapes)"
            " or kept no validation results"
        )
    return old


def _ingest(
    records: Iterable[Parsed],
    mapper: Mapper,
    lexicons: list[str],
    jobs: int,
    spool: Spool,
    old: Previous | None,
    summary: BuildSummary,
    work: Path,
    progress: bool,
    strict: bool = False,
) -> None:
    """Each record into the spool (with the activity that converted it, when reused), or quarantined: an
    :class:`Unchanged` one (not parsed: its file is as the previous release read it) with the version
    and content of the previous release's row."""
    known: set[str] = set()

    def reuse(record: Study) -> Content | None:
        return old.lookup(record.nct_id, version_of(record).sha256) if old else None

    bar = tqdm(desc="reading", unit=" records", disable=not progress)
    for record, outcome in converted(records, mapper, lexicons, jobs, reuse):
        bar.update()
        summary.records_read += 1
        if isinstance(record, Rejected):
            quarantine(summary, work, record.location, record.nct_id, "parse", record.reason, internal=record.internal)
            continue
        version = record.version if isinstance(record, Unchanged) else version_of(record)
        if isinstance(outcome, Exception) or outcome is None:
            if strict:
                raise outcome or RuntimeError(f"{record.nct_id}: no content")
            reason = f"internal error while mapping: {type(outcome).__name__}: {outcome}"
            quarantine(summary, work, version.location or "?", record.nct_id, "map", reason, internal=True)
            continue
        spool.put(record.nct_id, version, outcome)
        if old is not None and outcome.activity and outcome.activity not in known:
            known.add(outcome.activity)
            activity = old.activity(outcome.activity)
            if activity is not None:
                spool.put_activity(activity)
    bar.close()


def _publish(
    spool: Spool,
    checker: Checker,
    summary: BuildSummary,
    work: Path,
    base: str,
    current: Activity,
    progress: bool,
    inputs: list[str],
    old: Previous | None = None,
) -> Tally:
    """Validate the studies not validated yet, and write the dumps: each published study, then the shared
    nodes in runs (:func:`kg.publish.fragments.runs`). Each chunk's fragments are copied from ``old`` when
    it kept them for the very same chunk, made otherwise, and kept in ``spool`` for the next build.
    Returns the dumps' VoID counts."""
    activities = {a.iri: a for a in spool.activities()} | {current.iri: current}
    dumps = Dumps(work, base)
    bar = tqdm(total=spool.count(), desc="validating and writing", unit=" studies", disable=not progress)
    reports: list[Report] = []
    used: set[str] = set()

    def item(study: Spooled) -> Item:
        iri = Iris(base).study(study.nct_id)
        prov = record_lines(iri, study.version, activities[study.activity or current.iri], base, inputs)
        return Item(study, iri, prov, checker.validate and not study.validated)

    for batch, verdicts in checker.batches(_batches(map(item, spool.studies()))):
        reports.extend([verdicts.report] if verdicts.report is not None else [])
        for candidate in batch:
            why = verdicts.refusal(candidate)
            found = (
                (candidate, verdicts.report)
                if why is None
                else _fallback(candidate, why, spool, checker, item, reports, summary, work)
            )
            if found is None:
                continue
            chosen, report = found
            s = chosen.study
            _write(dumps, spool, old, s.nct_id, _chunk(base, chosen))
            spool.publish_shared(s.shared)
            results = _results(chosen, report)
            if checker.validate and not chosen.check and results:
                reports.append(Report.from_bytes(results))  # validated by an earlier build
            spool.published(s.nct_id, chosen.prov, s.validated or checker.validate, results)
            used.add(s.activity or current.iri)
            summary.published += 1
        bar.update(len(batch))
    bar.close()
    for iri in sorted(used):
        spool.publish_shared(activity_lines(activities[iri], base))
    spool.publish_shared(list(org_labels(spool.shared_lines(), base)))  # one skos:prefLabel per organisation
    for run in runs(spool.shared_lines()):
        _write(dumps, spool, old, run_key(run), Chunk.of_lines(base, Iris(base).shared_graph(), run))
    dumps.close()
    summary.triples = dumps.tally.triples
    summary.fragments_reused = dumps.copied
    if reports:
        report = merge(reports)
        summary.warnings = report.warning_count()
        summary.violations = report.violation_count()
        write_reports(report, work / layout.VALIDATION)
    return dumps.tally


def _results(chosen: Item, report: Report | None) -> bytes | None:
    """A study's validation results, to keep with it: those of ``report`` (its batch's) about its nodes
    when it was validated now, else those an earlier build kept."""
    if not chosen.check:
        return chosen.study.results
    if report is None or not report.results:
        return None
    return report.about("\n".join(check_lines([chosen])) + "\n").to_bytes()


def _chunk(base: str, chosen: Item) -> Chunk:
    """A study's chunk of the dumps: its own triples and its provenance, in its named graph."""
    s = chosen.study
    return Chunk.of_study(base, chosen.iri, s.packed, chosen.prov, lambda: sorted(s.own + chosen.prov))


def _write(dumps: Dumps, spool: Spool, old: Previous | None, key: str, chunk: Chunk) -> None:
    """A chunk into the dumps, from the fragments ``old`` kept under ``key`` if they fit; kept under ``key``."""
    spool.keep_fragments(key, dumps.write(chunk, old.fragments(key) if old is not None else None))


def _fallback(
    refused: Item,
    why: str,
    spool: Spool,
    checker: Checker,
    item: Callable[[Spooled], Item],
    reports: list[Report],
    summary: BuildSummary,
    work: Path,
) -> tuple[Item, Report | None] | None:
    """Quarantine ``refused`` and return the newest older copy of the study that passes, if any, with its
    validation report."""
    s = refused.study
    for older in spool.fallbacks(s.nct_id):
        candidate = item(older)
        verdicts = checker.one(candidate)
        reports.extend([verdicts.report] if verdicts.report is not None else [])
        problem = verdicts.refusal(candidate)
        if problem is None:
            spool.promote(s.nct_id, older.version.location, failed=s.version.location)
            _refuse(refused, f"{why}; the older copy {older.version.location} is published instead", summary, work)
            return candidate, verdicts.report
        spool.refused(s.nct_id, older.version.location)
        _refuse(candidate, f"{problem} (an older copy of {s.nct_id})", summary, work)
    _refuse(refused, why, summary, work)
    return None


def _refuse(item: Item, why: str, summary: BuildSummary, work: Path) -> None:
    s = item.study
    internal = why.startswith("internal error")
    quarantine(summary, work, s.version.location, s.nct_id, "validate", why, check_lines([item]), internal=internal)


def _batches(items: Iterable[Item]) -> Iterator[list[Item]]:
    """Batches of at most BATCH studies to validate (and MAX_BATCH in all), in order."""
    batch: list[Item] = []
    checking = 0
    for item in items:
        batch.append(item)
        checking += item.check
        if checking == BATCH or len(batch) == MAX_BATCH:
            yield batch
            batch, checking = [], 0
    if batch:
        yield batch
