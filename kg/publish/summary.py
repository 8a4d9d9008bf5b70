"""What a build did, in numbers (:class:`BuildSummary`, also ``build-report.json``), and its quarantine.

The books always balance: every record read is published, quarantined (with its reason, in
``quarantine/quarantine.jsonl``) or superseded by a newer copy of the same study.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.publish import release as layout
from kg.sources.checks import NCT_ID

_REASON = 1000  # characters of a quarantine reason at most: an exception may quote a whole record


@dataclass
class BuildSummary:
    records_read: int = 0
    published: int = 0
    quarantined: int = 0
    internal_errors: int = 0  # of the quarantined: a bug of ours met on that record, not the record's fault
    superseded: int = 0
    converted: int = 0  # published studies mapped by this build
    reused: int = 0  # published studies taken unchanged from the previous release
    fragments_reused: int = 0  # chunks of the dumps (studies, runs of shared nodes) copied, not made again
    triples: int = 0
    warnings: int = 0
    violations: int = 0  # all in quarantined studies: a published study has none
    seconds: float = 0.0
    version: str = ""
    started: str = ""
    ended: str = ""
    activity: str = ""
    previous: str | None = None
    reuse: str = ""  # why nothing could be reused, if so
    delta: dict[str, int] | None = None
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage (bench/bench_scale.py reads them)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time what runs inside as the stage ``name`` (added up, when a stage runs more than once)."""
        clock = time.monotonic()
        try:
            yield
        finally:
            self.stages[name] = round(self.stages.get(name, 0.0) + time.monotonic() - clock, 2)

    def reconciles(self) -> bool:
        return self.records_read == self.published + self.quarantined + self.superseded

    def lines(self) -> list[str]:
        lines = [
            f"records read   {self.records_read}",
            f"published      {self.published}  ({self.converted} converted, {self.reused} reused from --previous)",
            f"quarantined    {self.quarantined}"
            + (f"  ({self.internal_errors} for an internal error: see quarantine/)" if self.internal_errors else ""),
            f"superseded     {self.superseded}  (older copies of a study published from a newer input)",
            f"check          {self.records_read} read = {self.published} published + {self.quarantined} "
            f"quarantined + {self.superseded} superseded: {'ok' if self.reconciles() else 'MISMATCH'}",
            f"triples        {self.triples}",
            f"SHACL          {self.violations} violations (their studies quarantined), {self.warnings} warnings",
        ]
        if self.reuse:
            lines.append(f"reuse          none: {self.reuse}")
        if self.delta is not None:
            d = self.delta
            lines.append(
                f"delta          {d['added']} studies added, {d['changed']} changed, {d['restated']} restated, "
                f"{d['withdrawn']} withdrawn; "
                f"+{d['triples_added']} / -{d['triples_removed']} triples"
            )
        return [*lines, f"version        {self.version}", f"seconds        {self.seconds:.1f}"]


def quarantine(
    summary: BuildSummary,
    work: Path,
    location: str,
    nct_id: str | None,
    stage: str,
    reason: str,
    triples: list[str] | None = None,
    *,
    internal: bool = False,
) -> None:
    reason = reason if len(reason) <= _REASON else reason[:_REASON] + "..."
    entry: dict[str, Any] = {"location": location, "nct_id": nct_id, "stage": stage, "reason": reason}
    if internal:
        entry["internal"] = True
        summary.internal_errors += 1
    summary.quarantined += 1
    summary.quarantine.append(entry)
    with open(work / layout.QUARANTINE / "quarantine.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    if triples and nct_id and NCT_ID.fullmatch(nct_id):  # an id names a file: never a path
        (work / layout.QUARANTINE / f"{nct_id}.nt").write_text("\n".join(triples) + "\n", encoding="utf-8")
