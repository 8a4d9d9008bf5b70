"""Zip inputs (the registry's bulk files): opened once, members in sorted order, each read once, bounded.

A member becomes an :class:`~kg.sources.records.Entry` over its bytes, read into memory once (so that
format detection and parsing do not inflate it twice), and never more than the record limit: a member
that declares more, or inflates to more than it declares, is refused while streaming, before the memory
is spent (a zip bomb). Members that no extraction should trust are quarantined by name, not read:
absolute or ``..`` names, symbolic links, encrypted members and names that occur twice. A zip whose
directory cannot be read (a truncated download) is read from its members' local headers (stream-unzip)
up to the damage, and then is one rejected record naming the file.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath

from stream_unzip import UnzipError as StreamUnzipError
from stream_unzip import stream_unzip

from kg.sources.records import Entry, Limits, Rejected, memory_entry

_READ = 1 << 20  # bytes inflated at a time


def members(path: str, limits: Limits) -> Iterator[Entry | Rejected]:
    """Every file member of the zip at ``path``, sorted by name; refused members as :class:`Rejected`."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        yield from _salvaged(path, limits)
        return
    with archive:
        infos = sorted((i for i in archive.infolist() if not i.is_dir()), key=lambda i: i.filename)
        counts = Counter(i.filename for i in infos)
        for info in infos:
            if os.path.basename(info.filename).startswith("."):
                continue
            location = f"{path}!{info.filename}"
            problem = _refusal(info, counts[info.filename], limits)
            if problem is not None:
                yield Rejected(location, problem)
                continue
            try:
                data = _read(archive, info, limits)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                yield Rejected(location, f"a corrupt zip member: {exc}")
                continue
            if data is None:
                yield Rejected(location, f"inflates to more than the record limit of {limits.record_bytes} bytes")
                continue
            yield memory_entry(location, data, limits)


def _refusal(info: zipfile.ZipInfo, copies: int, limits: Limits) -> str | None:
    """Why a member is not to be read at all, or ``None``."""
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts:
        return f"an unsafe member name {name!r} (absolute or with '..'): refused"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link, not a file: refused"
    if copies > 1:
        return f"the zip holds {copies} members named {name!r}: which one is the record cannot be told"
    if info.flag_bits & 0x1:
        return "an encrypted member: cannot be read"
    if info.file_size > limits.record_bytes:
        return f"declares {info.file_size} bytes, more than the record limit of {limits.record_bytes}"
    return None


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes | None:
    """The member's bytes, or ``None`` as soon as more than the record limit came out."""
    chunks: list[bytes] = []
    total = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_READ):
            total += len(chunk)
            if total > limits.record_bytes:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _salvaged(path: str, limits: Limits) -> Iterator[Entry | Rejected]:
    """The members of a zip whose directory cannot be read (a truncated download), from its local headers,
    in file order, up to the damage; then one rejected record naming the file."""
    seen: set[str] = set()
    count = 0
    try:
        with open(path, "rb") as stream:
            for raw_name, _, chunks in stream_unzip(iter(lambda: stream.read(_READ), b"")):
                name = raw_name.decode("utf-8", "replace")
                location = f"{path}!{name}"
                data, total = [], 0
                for chunk in chunks:  # every chunk is consumed, kept only up to the limit
                    total += len(chunk)
                    if total <= limits.record_bytes:
                        data.append(chunk)
                count += 1
                problem = _refusal(_info(name, total), 2 if name in seen else 1, limits)
                seen.add(name)
                if name.endswith("/") or os.path.basename(name).startswith("."):
                    continue
                yield Rejected(location, problem) if problem else memory_entry(location, b"".join(data), limits)
    except (StreamUnzipError, OSError, zlib.error, ValueError) as exc:
        what = type(exc).__name__
        yield Rejected(path, f"a truncated or corrupt zip ({what}) after {count} members; download it again")
        return
    yield Rejected(path, f"a zip without a readable directory; its {count} members were read from their headers")


def _info(name: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size = size
    return info
