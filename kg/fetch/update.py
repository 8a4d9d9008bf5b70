"""``trialkg update RELEASE``: fetch what changed since the release's data timestamp, rebuild incrementally.

For each input of the release that is a fetch directory (its ``build-report.json`` records them, with
their ``fetch.json``), the studies of the recorded query updated on or after the day of the release's
data timestamp are fetched into that directory, and the NCT ids the query selects today are listed
(``fields=NCTId``, a thousand a page): a study file the registry no longer returns for the query is
removed, each with its reason (gone from the registry, an alias of another study now, or no longer
selected), so that the rebuild withdraws it. A bulk-zip input is downloaded again (the bulk file takes no
filters). Then the release is rebuilt from its recorded inputs against itself (``--previous``): only the
changed studies are converted and validated, the delta and changelog are written, and the new release
replaces the old one atomically. Nothing changed: no rebuild.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kg.fetch import FetchError
from kg.fetch.bulk import fetch_all
from kg.fetch.client import ApiClient
from kg.fetch.fetch import collect, data_version
from kg.fetch.paging import PAGE_SIZE, Query, nct_of, pages
from kg.fetch.writer import FetchDir
from kg.publish.build import build
from kg.publish.release import read_report
from kg.transport import Retry

LOOKUPS = 1000  # ids no longer selected that are looked up one by one for a reason, at most


@dataclass
class Withdrawn:
    nct_id: str
    reason: str


@dataclass
class UpdateResult:
    release: str
    since: str  # the release's data timestamp before
    data_timestamp: str  # the registry's now
    changed: int = 0  # studies fetched as updated since
    written: int = 0  # of them, new or newer than the file held
    withdrawn: list[Withdrawn] = field(default_factory=list)
    summary: Any = None  # the rebuild's BuildSummary; None when nothing changed
    seconds: dict[str, float] = field(default_factory=dict)
    requests: int = 0

    def lines(self) -> list[str]:
        lines = [
            f"release        {self.release}: data of {self.since}",
            f"registry       data of {self.data_timestamp}",
            f"changed        {self.changed:,} studies updated since {self.since[:10]}, {self.written:,} newer here",
            f"withdrawn      {len(self.withdrawn):,}",
        ]
        lines += [f"               {w.nct_id}: {w.reason}" for w in self.withdrawn[:20]]
        if self.summary is None:
            lines.append("rebuild        none: nothing changed, the release is as it was")
        else:
            lines += self.summary.lines()
        timings = "  ".join(f"{k} {v:.1f}" for k, v in self.seconds.items())
        return [*lines, f"requests       {self.requests}", f"seconds        {timings}"]


def update(
    release: str,
    *,
    api_url: str | None = None,
    rate: float = 3.0,
    retry: Retry | None = None,
    progress: bool = True,
    page_size: int = PAGE_SIZE,
    lexicons: list[str] | None = None,
    validate: bool = True,
) -> UpdateResult:
    report = read_report(release)
    fetched = [s for s in report.get("sources") or [] if s.get("fetch")]
    since = report.get("data_timestamp")
    if not fetched or not since:
        raise FetchError(
            f"{release}: was not built from a fetch (no fetch.json in its inputs {report.get('inputs')}); build it "
            "from a directory written by `trialkg fetch --out DIR`, then update it"
        )
    clock = time.monotonic()
    url = api_url or fetched[0]["fetch"].get("api_url")
    with ApiClient(url, rate=rate, retry=retry) as api:
        _, now = data_version(api)
        result = UpdateResult(release, since, now)
        if now > since:
            for source in fetched:
                _refresh(api, source, result, progress, page_size)
        result.requests = api.requests
    result.seconds["fetch"] = time.monotonic() - clock
    if result.written or result.withdrawn:
        clock = time.monotonic()
        result.summary = _rebuild(release, report, fetched, progress, lexicons, validate)
        result.seconds["build"] = time.monotonic() - clock
    return result


def _refresh(api: ApiClient, source: dict[str, Any], result: UpdateResult, progress: bool, page_size: int) -> None:
    """Bring one fetch directory up to the registry's data of now."""
    directory = FetchDir(_where(source))
    manifest = dict(source["fetch"])
    if manifest.get("all"):
        done = fetch_all(api, str(directory.path), progress=progress)
        result.changed += done.manifest["count"]
        result.written += done.manifest["count"]
        return
    query = Query.from_record(manifest["query"] or {})
    changes = collect(
        api,
        directory,
        query.later(result.since[:10]),
        result.data_timestamp,
        progress=progress,
        page_size=page_size,
        desc="changes",
    )
    selected = selection(api, query.everything(), page_size)
    gone = sorted(directory.present() - selected - changes.ids)
    withdrawn = [_why(api, directory, nct, len(gone) <= LOOKUPS) for nct in gone]
    directory.remove(gone)
    result.changed += len(changes.ids)
    result.written += directory.tally.written
    result.withdrawn += withdrawn
    manifest.update(
        data_timestamp=result.data_timestamp,
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        count=len(directory.present()),
        total=len(selected),
        updated={
            "since": result.since,
            "changed": len(changes.ids),
            "written": directory.tally.written,
            "withdrawn": [w.__dict__ for w in withdrawn],
        },
    )
    directory.write_manifest(manifest)
    directory.forget()


def selection(api: ApiClient, query: Query, page_size: int = PAGE_SIZE) -> set[str]:
    """The NCT ids the registry returns for ``query`` today (only the ids are asked for)."""
    ids: set[str] = set()
    for chunk in query.id_chunks():
        for page in pages(api, {**query.params(chunk), "fields": "NCTId"}, page_size):
            ids.update(nct_of(study) for study in page.studies)
    return ids


def _why(api: ApiClient, directory: FetchDir, nct: str, look: bool) -> Withdrawn:
    """Why a study is no longer selected: asked of the registry (``GET /studies/{id}``) when ``look``."""
    if not look:
        return Withdrawn(nct, "no longer returned by the registry for the release's query")
    study = api.get_json(f"studies/{nct}", {"format": "json"}, missing_ok=True)
    if study is None:
        return Withdrawn(nct, "no longer in the registry (404)")
    actual = nct_of(study)
    if actual != nct:
        return Withdrawn(nct, f"now an alias of {actual}")
    return Withdrawn(nct, "no longer selected by the release's query")


def _where(source: dict[str, Any]) -> Path:
    """The fetch directory of a recorded source (the input as given, from where the build ran)."""
    given = Path(source["input"])
    cwd = source.get("cwd")
    path = given if given.is_absolute() else Path(cwd) / given if cwd else Path(source["path"])
    return path if path.is_dir() else path.parent


def _rebuild(
    release: str,
    report: dict[str, Any],
    fetched: list[dict[str, Any]],
    progress: bool,
    lexicons: list[str] | None,
    validate: bool,
) -> Any:
    """The release built again from its recorded inputs, against itself, from where it was first built (the
    inputs' locations are part of each study's provenance, so they must read the same)."""
    out = os.path.abspath(release)
    cwd = next((s.get("cwd") for s in fetched if s.get("cwd")), None)
    place = contextlib.chdir(cwd) if cwd and Path(cwd).is_dir() else contextlib.nullcontext()
    with place:
        return build(
            list(report["inputs"]),
            out,
            previous=out,
            base=report.get("base") or "https://w3id.org/trialkg/",
            progress=progress,
            lexicons=lexicons,
            validate=validate,
        )
