"""The delta between two releases: ``delta/added.nt.gz`` and ``delta/removed.nt.gz`` (sorted triples) and a
changelog of the studies added, changed (their record), restated (same record, other triples: the input
moved, or the conversion changed) and withdrawn (``delta/changelog.json`` and ``.md``).

Both releases keep their studies in ``studies.sqlite`` (own and provenance triples per study, shared
triples once), so the delta is worked out study by study, comparing the compressed blobs first and
the triples only where they differ, and the shared triples by a set difference in SQLite; nothing
is re-read from the dumps. ``previous ∪ added − removed = new`` holds exactly as sets of triples: a
triple that moved between graphs is in neither file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kg.publish import release as layout
from kg.publish.dumps import NTriplesWriter
from kg.publish.spool import unpack


@dataclass
class Changelog:
    previous_version: str
    version: str
    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    restated: list[dict[str, Any]] = field(default_factory=list)
    withdrawn: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    triples_added: int = 0
    triples_removed: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "restated": len(self.restated),
            "withdrawn": len(self.withdrawn),
            "unchanged": self.unchanged,
            "triples_added": self.triples_added,
            "triples_removed": self.triples_removed,
        }


_STUDIES = "SELECT nct, sha256, last_update, own, prov FROM {db}.study WHERE published = 1 ORDER BY nct"


def write_delta(
    previous: Path, current: Path, work: Path, versions: tuple[str, str], quarantined: dict[str, str]
) -> Changelog:
    """Compare the ``studies.sqlite`` files ``previous`` and ``current``; write the delta under ``work``.

    ``quarantined`` maps the NCT ids quarantined by this build to why (a reason for withdrawing them).
    """
    (work / layout.DELTA).mkdir(exist_ok=True)
    scratch = work / layout.DELTA / ".delta.sqlite"
    db = sqlite3.connect(str(scratch), uri=True)
    try:
        db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE plus (line TEXT PRIMARY KEY) WITHOUT ROWID;"
            "CREATE TABLE minus (line TEXT PRIMARY KEY) WITHOUT ROWID;"
        )
        db.execute("ATTACH DATABASE ? AS old", (f"file:{quote(str(previous))}?mode=ro&immutable=1",))
        db.execute("ATTACH DATABASE ? AS new", (f"file:{quote(str(current))}?mode=ro",))
        log = Changelog(*versions)
        _studies(db, log, quarantined)
        for into, this, other in (("plus", "new", "old"), ("minus", "old", "new")):
            db.execute(
                f"INSERT OR IGNORE INTO {into} SELECT line FROM {this}.shared EXCEPT SELECT line FROM {other}.shared"
            )
        # A triple in both (it moved from one graph to another) is in the union before and after.
        db.execute("CREATE TEMP TABLE moved AS SELECT line FROM plus INTERSECT SELECT line FROM minus")
        for table in ("plus", "minus"):
            db.execute(f"DELETE FROM {table} WHERE line IN (SELECT line FROM moved)")
        log.triples_added = _write(db, "plus", work / layout.DELTA_ADDED)
        log.triples_removed = _write(db, "minus", work / layout.DELTA_REMOVED)
    finally:
        db.close()
        scratch.unlink(missing_ok=True)
    _write_changelog(work, log)
    return log


def _studies(db: sqlite3.Connection, log: Changelog, quarantined: dict[str, str]) -> None:
    for old, new in _merge(db.execute(_STUDIES.format(db="old")), db.cursor().execute(_STUDIES.format(db="new"))):
        if old is None:
            assert new is not None
            lines = unpack(new[3]) + unpack(new[4])
            _insert(db, "plus", lines)
            log.added.append({"nct_id": new[0], "sha256": new[1], "last_update": new[2], "triples": len(lines)})
        elif new is None:
            lines = unpack(old[3]) + unpack(old[4])
            _insert(db, "minus", lines)
            reason = f"quarantined: {quarantined[old[0]]}" if old[0] in quarantined else "not in the inputs"
            log.withdrawn.append({"nct_id": old[0], "reason": reason, "triples": len(lines)})
        elif old[3:] == new[3:]:
            log.unchanged += 1
        else:
            before, after = set(unpack(old[3]) + unpack(old[4])), set(unpack(new[3]) + unpack(new[4]))
            _insert(db, "plus", after - before)
            _insert(db, "minus", before - after)
            (log.changed if old[1] != new[1] else log.restated).append(
                {
                    "nct_id": new[0],
                    "previous_sha256": old[1],
                    "sha256": new[1],
                    "previous_last_update": old[2],
                    "last_update": new[2],
                    "triples_added": len(after - before),
                    "triples_removed": len(before - after),
                }
            )


Row = tuple[Any, ...]


def _merge(old: Iterator[Row], new: Iterator[Row]) -> Iterator[tuple[Row | None, Row | None]]:
    """Pairs of rows with the same NCT id (either side None where missing), from two ordered cursors."""
    a, b = next(old, None), next(new, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            yield a, None
            a = next(old, None)
        elif a is None or b[0] < a[0]:
            yield None, b
            b = next(new, None)
        else:
            yield a, b
            a, b = next(old, None), next(new, None)


def _insert(db: sqlite3.Connection, table: str, lines: Any) -> None:
    db.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?)", ((line,) for line in lines))


def _write(db: sqlite3.Connection, table: str, path: Path) -> int:
    writer = NTriplesWriter(str(path))
    try:
        writer.write(line for (line,) in db.execute(f"SELECT line FROM {table} ORDER BY line"))
    finally:
        writer.close()
    return writer.triples


def _write_changelog(work: Path, log: Changelog) -> None:
    data = {
        "previous_version": log.previous_version,
        "version": log.version,
        "summary": log.summary(),
        "added": log.added,
        "changed": log.changed,
        "restated": log.restated,
        "withdrawn": log.withdrawn,
    }
    (work / layout.CHANGELOG_JSON).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (work / layout.CHANGELOG_MD).write_text(_markdown(log), encoding="utf-8")


def _markdown(log: Changelog) -> str:
    s = log.summary()
    lines = [
        f"# trialkg {log.version}: changes since {log.previous_version}",
        "",
        f"{s['added']} studies added, {s['changed']} changed, {s['restated']} restated, {s['withdrawn']} withdrawn, "
        f"{s['unchanged']} unchanged; "
        f"{s['triples_added']} triples added and {s['triples_removed']} removed "
        "(`delta/added.nt.gz`, `delta/removed.nt.gz`).",
    ]
    sections: list[tuple[str, str, list[dict[str, Any]], str]] = [
        ("Added", "", log.added, "{nct_id}: {triples} triples (record last updated {last_update})"),
        (
            "Changed",
            "The record changed.",
            log.changed,
            "{nct_id}: +{triples_added} / −{triples_removed} triples (record last updated {previous_last_update} → "
            "{last_update})",
        ),
        (
            "Restated",
            "The same record, other triples: the input moved, or trialkg, its lexicons or shapes changed.",
            log.restated,
            "{nct_id}: +{triples_added} / −{triples_removed} triples",
        ),
        ("Withdrawn", "", log.withdrawn, "{nct_id}: {reason}"),
    ]
    for title, note, entries, template in sections:
        lines += ["", f"## {title} ({len(entries)})", ""] + ([note, ""] if note and entries else [])
        lines += [f"- {template.format(**entry)}" for entry in entries] or ["None."]
    return "\n".join(lines) + "\n"
