"""The fetch directory: one ``NCT########.json`` per study, ``fetch.json``, and the state of a fetch under way.

Every file is written to a hidden temporary file beside it and renamed into place, so a reader (or a
build) never sees half a file. A study already present with the same ``lastUpdatePostDate`` is left as
it is. While a fetch runs, ``.fetch-state.json`` holds the parameters, the registry's data timestamp
and the token of the next page, and ``.fetch-ids.txt`` the NCT ids of the pages done: a fetch killed
halfway starts again from that page. Hidden files are not read by ``trialkg build``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.fetch import FetchError
from kg.fetch.paging import NCT, last_update, nct_of

MANIFEST = "fetch.json"
STATE = ".fetch-state.json"
SEEN = ".fetch-ids.txt"
BULK = "ctg-studies.json.zip"


_TEMPORARY = re.compile(r"\..+\.tmp-[0-9a-f]{8}")  # what write_atomically writes before the rename


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` into ``path``, all of it or nothing (a hidden temporary file renamed over it)."""
    tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    try:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def study_bytes(study: dict[str, Any]) -> bytes:
    """A study object as the file holds it: the API's object, unchanged, as compact UTF-8 JSON (as the API
    sends it; an indented dump would take the slow, pure-Python encoder)."""
    return (json.dumps(study, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


@dataclass
class State:
    """Where a fetch under way has got to (``.fetch-state.json``)."""

    key: dict[str, Any]  # what is being fetched: the parameters and the data timestamp
    token: str | None = None  # of the next page; None before the first
    total: int | None = None
    pages: int = 0
    chunk: int = 0  # for --ids: the filter.ids part under way
    done: bool = False


@dataclass
class Tally:
    written: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


class FetchDir:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FetchError(
                f"{self.path}: cannot create the directory ({exc.strerror}); choose another --out"
            ) from exc
        if (self.path / "build-report.json").exists():
            raise FetchError(f"{self.path}: is a trialkg release; fetch into a directory of its own")
        for left in self.path.iterdir():  # of a fetch killed while writing (one fetch at a time per directory)
            if _TEMPORARY.fullmatch(left.name):
                left.unlink(missing_ok=True)
        self.tally = Tally()

    def file(self, nct: str) -> Path:
        return self.path / f"{nct}.json"

    def put(self, study: dict[str, Any]) -> str:
        """Write the study unless the same version is here already; return its NCT id."""
        nct = nct_of(study)
        target = self.file(nct)
        if target.is_file() and _last_update_of(target) == last_update(study):
            self.tally.unchanged += 1
            return nct
        write_atomically(target, study_bytes(study))
        self.tally.written += 1
        return nct

    def present(self) -> set[str]:
        """The NCT ids of the study files here."""
        return {p.stem for p in self.path.glob("NCT*.json") if NCT.fullmatch(p.stem)}

    def remove(self, ids: Iterable[str]) -> None:
        for nct in sorted(ids):
            self.file(nct).unlink(missing_ok=True)
            self.tally.removed.append(nct)

    # the state of a fetch under way

    def state(self, key: dict[str, Any]) -> tuple[State, set[str]]:
        """The saved state of a fetch of ``key`` and the ids of its pages done; a fresh one otherwise."""
        try:
            saved = json.loads((self.path / STATE).read_text(encoding="utf-8"))
            state = State(**saved)
        except (OSError, ValueError, TypeError):
            state = None
        if state is None or state.key != key:
            self.forget()
            return State(key), set()
        try:
            seen = set((self.path / SEEN).read_text(encoding="ascii").split())
        except OSError:
            seen = set()
        return state, seen

    def save(self, state: State, ids: list[str]) -> None:
        """A page is done: its ids are recorded, then where the next page starts."""
        with open(self.path / SEEN, "a", encoding="ascii") as out:
            out.write("".join(f"{nct}\n" for nct in ids))
            out.flush()
            os.fsync(out.fileno())
        write_atomically(self.path / STATE, json.dumps(state.__dict__).encode())

    def forget(self) -> None:
        for name in (STATE, SEEN):
            (self.path / name).unlink(missing_ok=True)

    # the manifest

    def manifest(self) -> dict[str, Any] | None:
        return read_manifest(self.path)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        write_atomically(self.path / MANIFEST, text.encode("utf-8"))


def read_manifest(directory: str | Path) -> dict[str, Any] | None:
    """``fetch.json`` of a fetch directory, or None when there is none (or it is not ours)."""
    path = Path(directory) / MANIFEST
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("kind") == "trialkg-fetch":
            return data
    return None


def _last_update_of(path: Path) -> str | None:
    try:
        return last_update(json.loads(path.read_bytes()))
    except (OSError, ValueError, AttributeError):
        return None  # unreadable: written again
