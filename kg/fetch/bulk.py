"""``trialkg fetch --all``: the registry's bulk file, ``ctg-studies.json.zip``, saved whole and verified.

The file (``GET /studies/download?format=json.zip``, no filters) holds one API v2 study per member in
100 folders named by the NCT id's last two digits. It is streamed to a hidden ``.part`` file; a download
cut short shows as a corrupt zip, so the zip is checked (central directory, every member's CRC) before
it is renamed into place, and downloaded again (with backoff) when the check fails. ``trialkg build``
reads the saved zip as it is.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import zipfile
from pathlib import Path

from tqdm import tqdm

from kg.fetch.client import ApiClient, Transient
from kg.fetch.fetch import FetchResult, data_version, finish, new_manifest
from kg.fetch.writer import BULK, FetchDir

MEMBER = re.compile(r"(?:.*/)?NCT\d{8}\.json")


def fetch_all(api: ApiClient, out: str, *, progress: bool = True) -> FetchResult:
    started = time.monotonic()
    directory = FetchDir(out)
    api_version, stamp = data_version(api)
    target = directory.path / BULK
    members, digest = api.retried("studies/download", lambda: _download(api, target, progress))
    manifest = new_manifest(api, api_version, stamp, None)
    manifest.update(
        file=BULK,
        count=members,
        total=members,
        bytes=target.stat().st_size,
        sha256=digest,
        written=members,
        unchanged=0,
    )
    return finish(api, directory, manifest, started)


def _download(api: ApiClient, target: Path, progress: bool) -> tuple[int, str]:
    """One attempt: stream the zip to ``.part``, check it, rename it; (studies in it, SHA-256)."""
    part = target.with_name(f".{target.name}.part")
    digest = hashlib.sha256()
    try:
        with api.stream("studies/download", {"format": "json.zip"}) as response:
            size = int(response.headers.get("Content-Length") or 0) or None
            bar = tqdm(total=size, desc="download", unit="B", unit_scale=True, disable=not progress)
            with open(part, "wb") as file, bar:
                for block in response.iter_bytes(1 << 20):
                    file.write(block)
                    digest.update(block)
                    bar.update(len(block))
                file.flush()
                os.fsync(file.fileno())
        members = verify(part)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return members, digest.hexdigest()


def verify(path: Path) -> int:
    """The number of study members of a complete zip; :class:`Transient` when it is cut short or corrupt."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise Transient(f"the bulk file is corrupt (member {bad}): the download was cut short")
            return sum(1 for name in archive.namelist() if MEMBER.fullmatch(name))
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise Transient(f"the bulk file is not a complete zip ({exc}): the download was cut short") from exc
