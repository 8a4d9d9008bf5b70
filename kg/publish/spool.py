"""The build's on-disk spool: one row per study, the newest version wins, memory stays flat.

Records stream in from any number of inputs. Each is mapped at once (or its triples are taken from the
previous release, see :class:`Previous`) and parked here, compressed, keyed by NCT id, so that a study
that arrives twice (two formats, two versions) is published once, from its newest version, and the
output can be written in sorted order.

The spool is kept in the release as ``studies.sqlite``: per published study its own triples (as
mapped), its provenance triples, its shared triples, the content hash of its source record, the
build activity that converted it and its validation results. The next build reuses a study's row
instead of mapping (and validating) it again, its results going into the new validation report, when
the record's content hash is the same and so is the conversion (:func:`kg.publish.provenance.fingerprint`).
It keeps too the fragments of the dumps (:mod:`kg.publish.fragments`) that each published study and each
run of shared nodes was written as, which the next build copies when it writes the very same chunk.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

from kg.publish.fragments import Stored

#: When two versions have the same last-update date, the richer format wins.
FORMAT_RANK = {"api-v2-json": 3, "legacy-xml": 2, "page-text": 1}

_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE IF NOT EXISTS study (
    nct TEXT PRIMARY KEY, last_update TEXT, registry_version TEXT, format TEXT, location TEXT, sha256 TEXT,
    own BLOB, shared BLOB, prov BLOB, activity TEXT, converted INTEGER, validated INTEGER, published INTEGER DEFAULT 0,
    results BLOB);
CREATE TABLE IF NOT EXISTS fallback (
    nct TEXT, last_update TEXT, registry_version TEXT, format TEXT, location TEXT, sha256 TEXT,
    own BLOB, shared BLOB, prov BLOB, activity TEXT, converted INTEGER, validated INTEGER, published INTEGER DEFAULT 0,
    results BLOB);
CREATE INDEX IF NOT EXISTS fallback_nct ON fallback (nct);
CREATE TABLE IF NOT EXISTS shared (line TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS superseded (nct TEXT, location TEXT, format TEXT, last_update TEXT, winner TEXT);
CREATE TABLE IF NOT EXISTS activity (iri TEXT PRIMARY KEY, trialkg TEXT, started TEXT, ended TEXT, converted INTEGER);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS fragment (key TEXT PRIMARY KEY, digest TEXT, blob BLOB);
"""


@dataclass(frozen=True)
class Version:
    """What decides which copy of a study is newest, and where that copy came from."""

    last_update: str
    registry_version: str
    format: str
    location: str
    sha256: str = ""

    def key(self) -> tuple[str, str, int]:
        return (self.last_update, self.registry_version, FORMAT_RANK.get(self.format, 0))


@dataclass(frozen=True)
class Content:
    """A study's triples, packed, and who made them: ``activity`` None means "converted by this build"."""

    own: bytes
    shared: bytes
    activity: str | None = None
    validated: bool = False
    results: bytes | None = None  # kg.validation.results.Report.to_bytes: what validating it found

    @classmethod
    def mapped(cls, own: list[str], shared: list[str]) -> Content:
        return cls(pack(own), pack(shared))


@dataclass(frozen=True)
class Spooled:
    """A study as the spool holds it; its own triples (``packed``) are unpacked only when asked for: a study
    whose dump fragments are copied needs only their digest (:meth:`kg.publish.fragments.Chunk.of_study`)."""

    nct_id: str
    version: Version
    packed: bytes
    shared: list[str]
    activity: str | None = None
    validated: bool = False
    results: bytes | None = None

    @cached_property
    def own(self) -> list[str]:
        return unpack(self.packed)


@dataclass(frozen=True)
class Activity:
    """A build that converted studies: its IRI, the trialkg version, and when it ran (ISO times)."""

    iri: str
    trialkg: str
    started: str = ""
    ended: str = ""
    converted: int = 0


_COLUMNS = (
    "nct, last_update, registry_version, format, location, sha256, own, shared, prov, activity, converted, validated,"
    " published, results"
)
_SPOOLED = "nct, last_update, registry_version, format, location, sha256, own, shared, activity, validated, results"


def _spooled(row: tuple[str, str, str, str, str, str, bytes, bytes, str | None, int, bytes | None]) -> Spooled:
    nct, last_update, registry_version, fmt, location, sha, own, shared, activity, validated, results = row
    version = Version(last_update, registry_version, fmt, location, sha)
    return Spooled(nct, version, own, unpack(shared), activity, bool(validated), results)


def pack(lines: list[str]) -> bytes:
    return zlib.compress("\n".join(lines).encode(), 3)


def unpack(blob: bytes | None) -> list[str]:
    text = zlib.decompress(blob).decode() if blob else ""
    return text.split("\n") if text else []


class Spool:
    def __init__(self, path: str | Path) -> None:
        self.db = sqlite3.connect(str(path))
        self.db.executescript(_SCHEMA)

    def put(self, nct_id: str, version: Version, made: Content) -> bool:
        """Keep this version of a study unless a newer one is already here; return whether it was kept.

        The copy that is not kept is recorded as superseded, and its content stays in the spool as a
        fallback: should the newer copy fail validation, the newest valid one is published instead
        (:meth:`promote`)."""
        row = self.db.execute(
            "SELECT last_update, registry_version, format, location FROM study WHERE nct = ?", (nct_id,)
        ).fetchone()
        current = Version(*row) if row is not None else None
        if current is not None and version.key() <= current.key():
            self._store("fallback", nct_id, version, made)
            self._superseded(nct_id, version, current.location)
            return False
        if current is not None:
            self.db.execute(f"INSERT INTO fallback SELECT {_COLUMNS} FROM study WHERE nct = ?", (nct_id,))
            self._superseded(nct_id, current, version.location)
            self.db.execute("UPDATE superseded SET winner = ? WHERE nct = ?", (version.location, nct_id))
        self._store("study", nct_id, version, made)
        return True

    def _store(self, table: str, nct_id: str, version: Version, made: Content) -> None:
        self.db.execute(
            f"INSERT OR REPLACE INTO {table} (nct, last_update, registry_version, format, location, sha256, own,"
            " shared, activity, converted, validated, results) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                nct_id,
                version.last_update,
                version.registry_version,
                version.format,
                version.location,
                version.sha256,
                made.own,
                made.shared,
                made.activity,
                int(made.activity is None),
                int(made.validated),
                made.results,
            ),
        )

    def fallbacks(self, nct_id: str) -> list[Spooled]:
        """The other copies of a study, newest first."""
        rows = self.db.execute(f"SELECT {_SPOOLED} FROM fallback WHERE nct = ?", (nct_id,)).fetchall()
        return sorted(map(_spooled, rows), key=lambda s: s.version.key(), reverse=True)

    def promote(self, nct_id: str, location: str, failed: str) -> None:
        """Publish the fallback copy at ``location`` instead of the copy at ``failed``, which was refused."""
        self.db.execute("DELETE FROM study WHERE nct = ?", (nct_id,))
        self.db.execute(
            f"INSERT INTO study SELECT {_COLUMNS} FROM fallback WHERE nct = ? AND location = ?", (nct_id, location)
        )
        self.db.execute("DELETE FROM fallback WHERE nct = ? AND location = ?", (nct_id, location))
        self.db.execute("DELETE FROM superseded WHERE nct = ? AND location IN (?, ?)", (nct_id, location, failed))
        self.db.execute("UPDATE superseded SET winner = ? WHERE nct = ?", (location, nct_id))

    def refused(self, nct_id: str, location: str) -> None:
        """A fallback copy was refused as well: it is quarantined, not superseded."""
        self.db.execute("DELETE FROM fallback WHERE nct = ? AND location = ?", (nct_id, location))
        self.db.execute("DELETE FROM superseded WHERE nct = ? AND location = ?", (nct_id, location))

    def _superseded(self, nct_id: str, loser: Version, winner: str) -> None:
        self.db.execute(
            "INSERT INTO superseded VALUES (?, ?, ?, ?, ?)",
            (nct_id, loser.location, loser.format, loser.last_update, winner),
        )

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM study").fetchone()[0])

    def count_converted(self, published: bool = False) -> int:
        """Studies mapped by this build (rather than reused), of all kept or of the published ones."""
        where = "converted = 1 AND published = 1" if published else "converted = 1"
        return int(self.db.execute(f"SELECT COUNT(*) FROM study WHERE {where}").fetchone()[0])

    def inputs(self) -> Iterator[tuple[str, str]]:
        """(NCT id, content hash) of every kept study, in NCT id order."""
        yield from self.db.execute("SELECT nct, sha256 FROM study ORDER BY nct")

    def assign_activity(self, iri: str) -> None:
        """The studies converted by this build: this build's activity converted them."""
        self.db.execute("UPDATE study SET activity = ? WHERE activity IS NULL", (iri,))

    def studies(self) -> Iterator[Spooled]:
        """Every kept study, in NCT id order."""
        for row in self.db.execute(f"SELECT {_SPOOLED} FROM study ORDER BY nct"):
            yield _spooled(row)

    def published(self, nct_id: str, prov: list[str], validated: bool, results: bytes | None) -> None:
        """The study went into the release with these provenance triples and validation results."""
        self.db.execute(
            "UPDATE study SET published = 1, prov = ?, validated = ?, results = ? WHERE nct = ?",
            (pack(prov), int(validated), results, nct_id),
        )

    def publish_shared(self, lines: list[str]) -> None:
        """Remember the shared triples of a published study (each kept once)."""
        self.db.executemany("INSERT OR IGNORE INTO shared VALUES (?)", ((line,) for line in lines))

    def shared_lines(self) -> Iterator[str]:
        """The shared triples of all published studies, sorted, each once."""
        for (line,) in self.db.execute("SELECT line FROM shared ORDER BY line"):
            yield line

    def superseded(self) -> list[dict[str, str]]:
        rows = self.db.execute(
            "SELECT nct, location, format, last_update, winner FROM superseded ORDER BY nct, location"
        ).fetchall()
        return [
            dict(zip(("nct_id", "location", "format", "last_update", "published_from"), r, strict=True)) for r in rows
        ]

    def put_activity(self, activity: Activity) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO activity VALUES (?, ?, ?, ?, ?)",
            (activity.iri, activity.trialkg, activity.started, activity.ended, activity.converted),
        )

    def activities(self) -> list[Activity]:
        """The build activities known: this build's and those that converted the studies reused."""
        rows = self.db.execute("SELECT iri, trialkg, started, ended, converted FROM activity")
        return [Activity(*row) for row in rows]

    def set_meta(self, **values: str) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM meta").fetchall())

    def keep_fragments(self, key: str, stored: Stored) -> None:
        """The fragments a chunk was written as (key: the study's NCT id, or ``shared`` and the digest)."""
        self.db.execute("INSERT OR REPLACE INTO fragment VALUES (?, ?, ?)", (key, stored.digest, stored.blob))

    def finish(self) -> None:
        """Keep only what the release holds, compactly: the published studies and their activities."""
        self.db.execute("DELETE FROM study WHERE published = 0")
        self.db.execute("DELETE FROM fallback")
        self.db.execute("DELETE FROM activity WHERE iri NOT IN (SELECT activity FROM study)")
        self.db.commit()
        self.db.execute("VACUUM")

    def example(self) -> str | None:
        """The NCT id of one published study (the first)."""
        row = self.db.execute("SELECT MIN(nct) FROM study WHERE published = 1").fetchone()
        return str(row[0]) if row and row[0] else None

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        try:
            self.db.commit()
        except sqlite3.ProgrammingError:
            return  # closed already
        self.db.close()

    # -- issue 14, helper B: the digest of each input file's bytes, for the next build's unchanged files --
    _FILES = (
        "CREATE TABLE IF NOT EXISTS file (location TEXT PRIMARY KEY, digest TEXT) WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS study_location ON study (location)",
    )

    def put_file(self, location: str, digest: str) -> None:
        """The file at ``location`` was read with this digest: the next build takes a study read from that
        file alone without parsing the file again when its digest is the same (:meth:`Previous.unchanged`)."""
        for statement in self._FILES:
            self.db.execute(statement)
        self.db.execute("INSERT OR REPLACE INTO file VALUES (?, ?)", (location, digest))

    # -- end of issue 14, helper B --


class Previous:
    """The ``studies.sqlite`` of an earlier release, read-only: what can be reused, and what was there."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)
        self.meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        columns = {name for (_, name, *_) in self.db.execute("PRAGMA table_info(study)")}
        #: Whether its studies can be reused: they were converted (and validated) as this build would, and
        #: their validation results were kept (an older trialkg kept none).
        self.reusable = self.meta.get("fingerprint") == fingerprint and "results" in columns
        tables = {name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self._fragments = "fragment" in tables  # an older trialkg kept none

    def lookup(self, nct_id: str, sha256: str) -> Content | None:
        """The published content of this study from a record with this content hash, if reusable."""
        if not self.reusable or not sha256:
            return None
        row = self.db.execute(
            "SELECT own, shared, activity, validated, results FROM study"
            " WHERE nct = ? AND sha256 = ? AND published = 1",
            (nct_id, sha256),
        ).fetchone()
        return Content(row[0], row[1], row[2], bool(row[3]), row[4]) if row else None

    def fragments(self, key: str) -> Stored | None:
        """The fragments kept under ``key`` (see :meth:`Spool.keep_fragments`), whatever the conversion: they
        are copied only for a chunk of the same digest."""
        if not self._fragments:
            return None
        row = self.db.execute("SELECT digest, blob FROM fragment WHERE key = ?", (key,)).fetchone()
        return Stored(row[0], row[1]) if row else None

    def activity(self, iri: str) -> Activity | None:
        row = self.db.execute("SELECT iri, trialkg, started, ended, converted FROM activity WHERE iri = ?", (iri,))
        found = row.fetchone()
        return Activity(*found) if found else None

    def close(self) -> None:
        self.db.close()

    # -- issue 14, helper B: unchanged files, taken without parsing them (kg.publish.converting.unchanged) --
    def unchanged(self, location: str, digest: str) -> tuple[str, Version, Content] | None:
        """The published study read from the file at ``location`` alone (its record had the file's own
        location), when the file had this digest then, and its conversion is reusable: (NCT id, version,
        content). ``None`` otherwise, and for a release that kept no digests."""
        if not self.reusable:
            return None
        try:
            row = self.db.execute(
                "SELECT s.nct, s.last_update, s.registry_version, s.format, s.location, s.sha256, s.own, s.shared,"
                " s.activity, s.validated, s.results FROM file f JOIN study s ON s.location = f.location"
                " WHERE f.location = ? AND f.digest = ? AND s.published = 1",
                (location, digest),
            ).fetchone()
        except sqlite3.OperationalError:  # no file table: kept by an older trialkg
            return None
        if row is None:
            return None
        nct, last_update, registry_version, fmt, at, sha, own, shared, activity, validated, results = row
        version = Version(last_update, registry_version, fmt, at, sha)
        return nct, version, Content(own, shared, activity, bool(validated), results)

    # -- end of issue 14, helper B --
