"""What a build does once the dumps are written: the delta against the previous release, the query index
and the statistics (both from the previous release's and the delta, when they can be), ``void.ttl``, the
vocabularies and ``build-report.json``."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__
from kg.fetch.recorded import retrieval, sources
from kg.iris import Iris
from kg.packaged import ONTOLOGY_DIR, SHAPES_DIR
from kg.publish import release as layout
from kg.publish.delta import write_delta
from kg.publish.index import Indexed, make_index
from kg.publish.provenance import file_digest
from kg.publish.spool import Activity, Previous, Spool
from kg.publish.statistics import Statistics, Tally, statistics, tallied, updated
from kg.publish.void import ReleaseInfo, version_iri, write_void

_VOID = "_void"  # in describe's metadata: what write_report writes void.ttl from


@dataclass
class Options:
    """What the caller of a build says about the release (everything optional)."""

    endpoint_url: str | None = None
    release_version: str | None = None
    download_url: str | None = None
    publisher: str | None = None


def describe(
    work: Path,
    spool: Spool,
    old: Previous | None,
    summary: Any,
    current: Activity,
    fingerprint: str,
    options: Options,
    started: datetime,
    base: str,
    tally: Tally,
) -> dict[str, Any]:
    """Compare, index, count and describe the release in ``work``, whose dumps counted ``tally``; fill
    ``summary``; return the metadata of the build report (statistics, how the index was made, dumps).

    The delta against ``old`` comes first: the index and the statistics are worked out from the previous
    release's and the delta when they can be (:mod:`kg.publish.index`), else the statistics are the
    tally, checked against the index, or, failing the check, counted in full."""
    content = file_digest(work / layout.NTRIPLES)[:8]
    summary.version = options.release_version or f"{started.date().isoformat()}-{content}"
    this_version = version_iri(base, summary.version)
    spool.set_meta(
        fingerprint=fingerprint, base=base, trialkg=__version__, version=summary.version, version_iri=this_version
    )
    spool.commit()
    previous_version = None
    if old is not None:
        with summary.stage("delta"):
            quarantined = {q["nct_id"]: f"{q['stage']}: {q['reason']}" for q in summary.quarantine if q["nct_id"]}
            versions = (old.meta.get("version", "?"), summary.version)
            summary.delta = write_delta(old.path, work / layout.STUDIES, work, versions, quarantined).summary()
        previous_version = old.meta.get("version_iri")
    before = _previous_statistics(old, base)
    with summary.stage("index"):
        previous = old.path.parent if old is not None else None
        indexed = make_index(work, previous, before.triples if before else None, summary.triples)
    with summary.stage("statistics"):
        stats, counted = _statistics(work, indexed, before, tally, base)
    spool.set_meta(statistics=stats.to_json())  # for the next update (kg.publish.statistics.updated)
    spool.commit()
    summary.ended = datetime.now(UTC).isoformat(timespec="seconds")
    done = Activity(current.iri, current.trialkg, current.started, summary.ended, current.converted)
    others = sorted((a for a in spool.activities() if a.iri != done.iri), key=lambda a: (a.started, a.iri))
    spool.put_activity(done)
    example = spool.example()
    info = ReleaseInfo(
        base=base,
        version=summary.version,
        issued=started,
        studies=summary.published,
        activities=[done, *reversed(others)],
        publisher=options.publisher or ReleaseInfo.publisher,
        endpoint_url=options.endpoint_url,
        download_url=options.download_url,
        previous_version=previous_version if previous_version != this_version else None,
        example=Iris(base).study(example) if example else None,
    )
    copy_vocabularies(work)
    index = indexed.as_dict() | {"statistics": counted}
    # void.ttl: by write_report, which knows the inputs
    return {"statistics": stats.as_dict(), "index": index, _VOID: (info, stats)}


def _previous_statistics(old: Previous | None, base: str) -> Statistics | None:
    """The complete statistics the previous release kept, if it kept them for the same base IRI."""
    if old is None or old.meta.get("base") != base or "statistics" not in old.meta:
        return None
    try:
        return Statistics.from_json(old.meta["statistics"])
    except (ValueError, TypeError):  # kept by another trialkg: count them again
        return None


def _statistics(
    work: Path, indexed: Indexed, before: Statistics | None, tally: Tally, base: str
) -> tuple[Statistics, str]:
    """The statistics, and how they were had: ``by delta`` from the previous release's, ``tallied`` while
    the dumps were written, or ``counted`` over the index."""
    if indexed.change is not None and before is not None:
        try:
            return updated(before, indexed.change, base), "by delta"
        except ValueError:
            pass  # the previous statistics were wrong: count
    store = ox.Store.read_only(str(work / layout.STORE))
    stats = tallied(store, tally)
    if stats is not None:
        return stats, "tallied"
    return statistics(store, base), "counted"


def copy_vocabularies(work: Path) -> None:
    shutil.copytree(ONTOLOGY_DIR, work / "ontology", dirs_exist_ok=True)
    shutil.copytree(SHAPES_DIR, work / "shapes", dirs_exist_ok=True)


def write_report(work: Path, inputs: list[str], summary: Any, base: str, metadata: dict[str, Any]) -> None:
    """``void.ttl`` (with the registry's data timestamp when the inputs were fetched) and ``build-report.json``
    (with the fetches it was built from: what ``trialkg update`` reads)."""
    found = sources(inputs)
    fetched = retrieval(found)
    if _VOID in metadata:
        info, stats = metadata.pop(_VOID)
        info.retrieval = fetched
        metadata["dumps"] = write_void(work, info, stats)
    metadata |= {"sources": found, "data_timestamp": fetched.data_timestamp if fetched else None}
    report = {"trialkg": __version__, "base": base, "inputs": inputs, **asdict(summary), **metadata}
    (work / layout.REPORT).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
