"""The build's on-disk spool: one row per study, the newest version wins, memory stays flat.

Records stream in from any number of inputs. Each is mapped at once and its triples are parked
here, compressed, keyed by NCT id, so that a study that arrives twice (two formats, two versions)
is published once, from its newest version, and the output can be written in sorted order.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

#: When two versions have the same last-update date, the richer format wins.
FORMAT_RANK = {"api-v2-json": 3, "legacy-xml": 2, "page-text": 1}


@dataclass(frozen=True)
class Version:
    """What decides which copy of a study is newest, and where that copy came from."""

    last_update: str
    registry_version: str
    format: str
    location: str

    def key(self) -> tuple[str, str, int]:
        return (self.last_update, self.registry_version, FORMAT_RANK.get(self.format, 0))


@dataclass(frozen=True)
class Spooled:
    nct_id: str
    version: Version
    own: list[str]
    shared: list[str]


def _pack(lines: list[str]) -> bytes:
    return zlib.compress("\n".join(lines).encode(), 3)


def _unpack(blob: bytes) -> list[str]:
    text = zlib.decompress(blob).decode()
    return text.split("\n") if text else []


class Spool:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE IF NOT EXISTS study (
                nct TEXT PRIMARY KEY, last_update TEXT, registry_version TEXT, format TEXT,
                location TEXT, own BLOB, shared BLOB);
            CREATE TABLE IF NOT EXISTS shared (line TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS superseded (nct TEXT, location TEXT, format TEXT, last_update TEXT,
                winner TEXT);
            """
        )

    def put(self, nct_id: str, version: Version, own: list[str], shared: list[str]) -> None:
        """Keep this version of a study unless a newer one is already here; record the loser."""
        row = self.db.execute(
            "SELECT last_update, registry_version, format, location FROM study WHERE nct = ?", (nct_id,)
        ).fetchone()
        if row is not None:
            current = Version(*row)
            if version.key() <= current.key():
                self._superseded(nct_id, version, current.location)
                return
            self._superseded(nct_id, current, version.location)
            self.db.execute("UPDATE superseded SET winner = ? WHERE nct = ?", (version.location, nct_id))
        self.db.execute(
            "INSERT OR REPLACE INTO study VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                nct_id,
                version.last_update,
                version.registry_version,
                version.format,
                version.location,
                _pack(own),
                _pack(shared),
            ),
        )

    def _superseded(self, nct_id: str, loser: Version, winner: str) -> None:
        self.db.execute(
            "INSERT INTO superseded VALUES (?, ?, ?, ?, ?)",
            (nct_id, loser.location, loser.format, loser.last_update, winner),
        )

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM study").fetchone()[0])

    def studies(self) -> Iterator[Spooled]:
        """Every kept study, in NCT id order."""
        cursor = self.db.execute(
            "SELECT nct, last_update, registry_version, format, location, own, shared FROM study ORDER BY nct"
        )
        for nct, last_update, registry_version, fmt, location, own, shared in cursor:
            yield Spooled(nct, Version(last_update, registry_version, fmt, location), _unpack(own), _unpack(shared))

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

    def close(self) -> None:
        self.db.close()
