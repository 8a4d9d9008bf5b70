"""``trialkg fetch``: the studies a query selects, one file each, plus ``fetch.json``; resumable.

:func:`collect` walks the pages of a query (part by part for ``--ids``), writes each study through
:class:`~kg.fetch.writer.FetchDir` and records each page done, so that a fetch killed halfway goes on
from the page it had reached. NCT ids asked for with ``--ids`` that no page returned are looked up one
by one: a 404 is reported missing, a redirect (the id is an alias of another study) gives that study.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tqdm import tqdm

from kg import __version__
from kg.fetch import FetchError
from kg.fetch.client import ApiClient
from kg.fetch.paging import PAGE_SIZE, Query, aliases, nct_of, pages
from kg.fetch.writer import FetchDir


@dataclass
class Collected:
    ids: set[str]  # the NCT ids of the studies fetched
    total: int | None
    missing: list[str] = field(default_factory=list)  # --ids the registry does not know
    aliases: dict[str, str] = field(default_factory=dict)  # --ids that are aliases: id -> the study's id


def data_version(api: ApiClient) -> tuple[str, str]:
    """(API version, data timestamp) from ``/version``."""
    answer = api.get_json("version")
    stamp = answer.get("dataTimestamp") if isinstance(answer, dict) else None
    if not isinstance(stamp, str) or not stamp:
        raise FetchError(f"GET {api.url('version')}: no dataTimestamp in the answer; check --api-url")
    return str(answer.get("apiVersion") or ""), stamp


def collect(
    api: ApiClient,
    out: FetchDir,
    query: Query,
    stamp: str,
    *,
    progress: bool = True,
    page_size: int = PAGE_SIZE,
    desc: str = "fetch",
) -> Collected:
    """Fetch the studies ``query`` selects into ``out`` (resuming a fetch of the same query and data)."""
    size = min(page_size, query.max) if query.max else page_size
    state, seen = out.state({"query": query.recorded(), "data_timestamp": stamp, "page_size": size})
    chunks = query.id_chunks()
    if query.ids:
        state.total = len(set(query.ids)) if query.max is None else min(query.max, len(set(query.ids)))
    bar = tqdm(total=state.total, initial=len(seen), desc=desc, unit=" studies", disable=not progress)
    try:
        while not state.done and state.chunk < len(chunks):
            for page in pages(api, query.params(chunks[state.chunk]), size, state.token):
                if state.total is None and page.total is not None:
                    state.total = min(page.total, query.max) if query.max else page.total
                    bar.total = state.total
                new = _keep(out, page.studies, seen, query.max)
                state.token, state.pages = page.token, state.pages + 1
                if page.token is None or not page.studies:
                    state.chunk, state.token = state.chunk + 1, None
                state.done = state.chunk >= len(chunks) or (query.max is not None and len(seen) >= query.max)
                out.save(state, new)
                bar.update(len(new))
                if state.done or state.token is None:
                    break
    finally:
        bar.close()
    found = Collected(seen, state.total)
    if query.ids:
        _resolve(api, out, query, found)
    return found


def _keep(out: FetchDir, studies: list[dict[str, Any]], seen: set[str], most: int | None) -> list[str]:
    """Write the studies of a page not seen before (up to ``most`` in all); return their ids."""
    new: list[str] = []
    for study in studies:
        if most is not None and len(seen) >= most:
            break
        nct = nct_of(study)
        if nct in seen:
            continue  # the same study on two pages (the data moved under the paging): once
        out.put(study)
        seen.add(nct)
        new.append(nct)
    return new


def _resolve(api: ApiClient, out: FetchDir, query: Query, found: Collected) -> None:
    """The ids asked for that no page gave: each looked up alone (404: missing; another id: an alias)."""
    known = set(found.ids)
    for nct in found.ids:
        known.update(aliases(_study(out, nct)))
    for nct in sorted(set(query.ids) - known):
        if query.max is not None and len(found.ids) >= query.max:
            break
        study = api.get_json(f"studies/{nct}", {"format": "json"}, missing_ok=True)
        if study is None:
            found.missing.append(nct)
            continue
        actual = out.put(study)
        found.ids.add(actual)
        if actual != nct:
            found.aliases[nct] = actual


def _study(out: FetchDir, nct: str) -> dict[str, Any]:
    import json

    try:
        data = json.loads(out.file(nct).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class FetchResult:
    directory: str
    manifest: dict[str, Any]
    seconds: float
    note: str = ""

    def lines(self) -> list[str]:
        m = self.manifest
        lines = [
            f"registry       {m['api_url']} (API {m['api_version']}, data of {m['data_timestamp']})",
            f"studies        {m['count']:,}" + (f" of {m['total']:,} selected" if m.get("total") is not None else ""),
            f"written        {m['written']:,}  ({m['unchanged']:,} already here with the same last update)",
        ]
        if m.get("missing"):
            lines.append(
                f"missing        {len(m['missing'])}: {', '.join(m['missing'][:10])} (unknown to the registry)"
            )
        for old, new in sorted(m.get("aliases", {}).items())[:10]:
            lines.append(f"alias          {old} is now {new}")
        lines.append(f"requests       {m['requests']} ({m['retries']} retried) in {self.seconds:.1f} s")
        if self.note:
            lines.append(f"note           {self.note}")
        return [*lines, f"directory      {self.directory}"]


def fetch(api: ApiClient, out: str, query: Query, *, progress: bool = True, page_size: int = PAGE_SIZE) -> FetchResult:
    """``trialkg fetch`` without ``--all``: the studies ``query`` selects, into ``out``."""
    started = time.monotonic()
    directory = FetchDir(out)
    api_version, stamp = data_version(api)
    found = collect(api, directory, query, stamp, progress=progress, page_size=page_size)
    manifest = new_manifest(api, api_version, stamp, query)
    manifest.update(
        count=len(found.ids),
        total=found.total,
        missing=found.missing,
        aliases=found.aliases,
        written=directory.tally.written,
        unchanged=directory.tally.unchanged,
    )
    return finish(api, directory, manifest, started)


def new_manifest(api: ApiClient, api_version: str, stamp: str, query: Query | None) -> dict[str, Any]:
    params = {k: v for k, v in (query.params() if query else {}).items() if k != "filter.ids"}
    return {
        "kind": "trialkg-fetch",
        "trialkg": __version__,
        "api_url": api.base,
        "api_version": api_version,
        "data_timestamp": stamp,
        "all": query is None,
        "query": query.recorded() if query else None,
        "parameters": params,
    }


def finish(api: ApiClient, directory: FetchDir, manifest: dict[str, Any], started: float) -> FetchResult:
    """Check the data did not change meanwhile, write ``fetch.json``, forget the state under way."""
    _, now = data_version(api)
    note = ""
    if now != manifest["data_timestamp"]:
        note = (
            f"the registry published new data ({now}) during the fetch; fetch.json keeps the earlier time, so "
            "`trialkg update` fetches what changed since then"
        )
    manifest.update(
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        requests=api.requests + 0,
        retries=api.retries,
    )
    manifest.setdefault("written", directory.tally.written)
    manifest.setdefault("unchanged", directory.tally.unchanged)
    directory.write_manifest(manifest)
    directory.forget()
    return FetchResult(str(directory.path), manifest, time.monotonic() - started, note)
