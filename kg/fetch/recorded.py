"""What a release records of the fetches it was built from: each input that is a fetch directory (or the
bulk zip in one) with its ``fetch.json``, and the registry's data timestamp of the whole release.

The build report keeps these as ``sources`` and ``data_timestamp``; ``void.ttl`` states the timestamp
(``dcterms:modified``) and the time of the fetch (``pav:retrievedOn``); ``trialkg update`` reads them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.fetch.writer import BULK, read_manifest


@dataclass(frozen=True)
class Retrieval:
    """When the release's data was published by the registry and fetched, and from where."""

    data_timestamp: str
    retrieved_on: str
    api_url: str


def sources(inputs: list[str]) -> list[dict[str, Any]]:
    """The inputs that are fetch directories (or a fetched bulk zip), each with its manifest."""
    found: list[dict[str, Any]] = []
    for given in inputs:
        path = Path(given)
        directory = path if path.is_dir() else path.parent if path.name == BULK else None
        manifest = read_manifest(directory) if directory is not None else None
        if manifest is not None:
            found.append({"input": given, "path": str(path.resolve()), "cwd": os.getcwd(), "fetch": manifest})
    return found


def retrieval(found: list[dict[str, Any]]) -> Retrieval | None:
    """The oldest data among the fetched sources (all of the release is at least that fresh)."""
    manifests = [s["fetch"] for s in found if s["fetch"].get("data_timestamp")]
    if not manifests:
        return None
    oldest = min(manifests, key=lambda m: (m["data_timestamp"], m.get("fetched_at", "")))
    return Retrieval(oldest["data_timestamp"], str(oldest.get("fetched_at") or ""), str(oldest.get("api_url") or ""))
