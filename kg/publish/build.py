"""``trialkg build``: parse -> map -> (dedupe) -> validate -> write, streaming, into an atomic release."""

from __future__ import annotations

import gzip
import itertools
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from tqdm import tqdm

from kg import __version__
from kg.mapping.namespaces import DEFAULT_BASE
from kg.mapping.rdf import Mapper
from kg.model import Study
from kg.publish import release as layout
from kg.publish.dumps import NTriplesWriter, TurtleWriter
from kg.publish.spool import Spool, Spooled, Version
from kg.sources import Rejected, read

STORE_CHUNK = 200_000  # N-Triples lines per bulk load into the query index
BATCH = 150  # studies validated together: big enough for pySHACL to be efficient, small enough to stream


@dataclass
class BuildSummary:
    records_read: int = 0
    published: int = 0
    quarantined: int = 0
    superseded: int = 0
    triples: int = 0
    warnings: int = 0
    seconds: float = 0.0
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)

    def reconciles(self) -> bool:
        return self.records_read == self.published + self.quarantined + self.superseded

    def lines(self) -> list[str]:
        return [
            f"records read   {self.records_read}",
            f"published      {self.published}",
            f"quarantined    {self.quarantined}",
            f"superseded     {self.superseded}  (older copies of a study published from a newer input)",
            f"check          {self.records_read} read = {self.published} published + {self.quarantined} "
            f"quarantined + {self.superseded} superseded: {'ok' if self.reconciles() else 'MISMATCH'}",
            f"triples        {self.triples}",
            f"SHACL warnings {self.warnings}",
            f"seconds        {self.seconds:.1f}",
        ]


def build(
    inputs: list[str],
    out: str,
    *,
    fmt: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    progress: bool = True,
    validator_factory: Callable[[], Any] | None = None,
) -> BuildSummary:
    """Build a release of ``inputs`` into ``out`` and return the summary (also in build-report.json)."""
    started = time.monotonic()
    summary = BuildSummary()
    mapper = Mapper(base)
    with layout.atomic_directory(out) as work:
        (work / layout.QUARANTINE).mkdir()
        spool = Spool(str(work / "spool.sqlite"))
        try:
            _ingest(read(inputs, fmt), mapper, spool, summary, work, progress)
            summary.duplicates = spool.superseded()
            summary.superseded = len(summary.duplicates)
            validator = (validator_factory or _default_validator)() if validate else None
            _publish(spool, validator, summary, work, mapper.base, progress)
        finally:
            spool.close()
            (work / "spool.sqlite").unlink(missing_ok=True)
        _load_store(work)
        _copy_vocabularies(work)
        summary.seconds = time.monotonic() - started
        _write_report(work, inputs, summary, base)
    return summary


def _ingest(
    records: Iterable[Study | Rejected], mapper: Mapper, spool: Spool, summary: BuildSummary, work: Path, progress: bool
) -> None:
    for record in tqdm(records, desc="reading", unit=" records", disable=not progress):
        summary.records_read += 1
        if isinstance(record, Rejected):
            _quarantine(summary, work, record.location, record.nct_id, "parse", record.reason)
            continue
        try:
            triples = mapper.map(record)
        except ValueError as exc:
            location = record.source.location if record.source else "?"
            _quarantine(summary, work, location, record.nct_id, "map", str(exc))
            continue
        source = record.source
        version = Version(
            record.last_update,
            record.version_holder or "",
            source.format if source else "",
            source.location if source else "",
        )
        spool.put(record.nct_id, version, _lines(triples.own), _lines(triples.shared))


def _lines(triples: Iterable[ox.Triple]) -> list[str]:
    return sorted(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


def _publish(spool: Spool, validator: Any, summary: BuildSummary, work: Path, base: str, progress: bool) -> None:
    nt = NTriplesWriter(str(work / layout.NTRIPLES))
    ttl = TurtleWriter(str(work / layout.TURTLE), base)
    reports = []
    batch: list[Spooled] = []
    bar = tqdm(total=spool.count(), desc="validating and writing", unit=" studies", disable=not progress)

    def flush() -> None:
        failing: set[str] = set()
        if validator is not None:
            report = validator.validate_ntriples(line for s in batch for line in (*s.own, *s.shared))
            reports.append(report)
            failing = set(report.studies_with_violations())
        for spooled in batch:
            iri = f"{base}trial/{spooled.nct_id}"
            if iri in failing:
                _quarantine(
                    summary,
                    work,
                    spooled.version.location,
                    spooled.nct_id,
                    "validate",
                    "SHACL violations: see validation/report.txt",
                    spooled.own + spooled.shared,
                )
                continue
            nt.write(spooled.own)
            ttl.write(spooled.own)
            spool.publish_shared(spooled.shared)
            summary.published += 1
        bar.update(len(batch))
        batch.clear()

    for spooled in spool.studies():
        batch.append(spooled)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    bar.close()
    for chunk in _chunks(spool.shared_lines(), 20_000):
        nt.write(chunk)
        ttl.write(chunk)
    nt.close()
    ttl.close()
    summary.triples = nt.triples
    if validator is not None:
        from kg.validation.report import merge, write_reports

        merged = merge(reports)
        summary.warnings = merged.warning_count()
        write_reports(merged, work / layout.VALIDATION)


def _chunks(lines: Iterable[str], size: int) -> Iterable[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
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


def _default_validator() -> Any:
    from kg.validation.engine import Validator

    return Validator()


def _load_store(work: Path) -> None:
    """The pyoxigraph index that `query` and `serve` open (built once per release).

    Loaded in chunks: one ``bulk_load`` of a whole dump holds memory in proportion to its size.
    """
    store = ox.Store(str(work / layout.STORE))
    with gzip.open(work / layout.NTRIPLES, "rb") as dump:
        while chunk := list(itertools.islice(dump, STORE_CHUNK)):
            store.bulk_load(b"".join(chunk), format=ox.RdfFormat.N_TRIPLES)
    store.optimize()
    store.flush()
    del store


def _copy_vocabularies(work: Path) -> None:
    shutil.copytree(layout.ONTOLOGY_DIR, work / "ontology", dirs_exist_ok=True)
    shutil.copytree(layout.SHAPES_DIR, work / "shapes", dirs_exist_ok=True)


def _write_report(work: Path, inputs: list[str], summary: BuildSummary, base: str) -> None:
    report = {"trialkg": __version__, "base": base, "inputs": inputs, **asdict(summary)}
    (work / layout.REPORT).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
