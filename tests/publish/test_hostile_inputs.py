"""A build of broken and hostile records beside good ones: it exits 0, publishes every good record and none
of the broken ones, balances its books, prints no traceback and keeps its memory bounded."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.publish import release as layout
from tests import memory
from tests.publish import hostile

GOOD_JSON = 12  # real API v2 records
GOOD_XML = 4  # real legacy XML records
PEAK = int(1.5 * (1 << 30))
TRIAL = "https://w3id.org/trialkg/trial/"


@dataclass(frozen=True)
class Built:
    out: Path
    stdout: str
    stderr: str
    returncode: int
    peak: int
    cases: list[hostile.Case]
    good: set[str]
    secret: Path


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("hostile")
    good_dir, bad_dir = root / "good", root / "bad"
    good_dir.mkdir()
    sources = sorted((corpus / "ctgov-json").glob("*.json"))[:GOOD_JSON]
    sources += sorted((corpus / "ctgov-xml").glob("*.xml"))[:GOOD_XML]
    for path in sources:
        shutil.copy(path, good_dir)
    secret = root / "secret.txt"
    secret.write_text(hostile.SECRET, encoding="utf-8")
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in sources[:2])
    cases = hostile.cases(first, second, secret)
    hostile.write(cases, bad_dir)
    os.mkfifo(bad_dir / "a-fifo")
    args = [sys.executable, "-m", "kg", "build", str(good_dir), str(bad_dir), "--out", str(root / "out"), "--quiet"]
    done, peak = memory.run_measured(args, timeout=600)
    return Built(
        root / "out", done.stdout, done.stderr, done.returncode, peak, cases, {p.stem for p in sources}, secret
    )


def _published(out: Path) -> set[str]:
    with gzip.open(out / "trialkg.nt.gz") as dump:
        triples = ox.parse(dump, ox.RdfFormat.N_TRIPLES)
        return {
            t.subject.value.removeprefix(TRIAL)
            for t in triples
            if t.predicate.value == "http://purl.org/dc/terms/identifier"
            and t.subject.value.startswith(TRIAL)
            and "/" not in t.subject.value.removeprefix(TRIAL)
        }


def _report(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / layout.REPORT).read_text(encoding="utf-8"))


def test_the_build_exits_0_without_a_traceback(built: Built) -> None:
    assert built.returncode == 0, built.stderr[-2000:]
    assert "Traceback" not in built.stderr and "Traceback" not in built.stdout
    assert "Error" not in built.stderr, built.stderr[-2000:]


def test_every_good_record_is_published_and_no_broken_one(built: Built) -> None:
    expected = built.good | {c.nct_id for c in built.cases if c.published and c.nct_id}
    assert _published(built.out) == expected


def test_the_books_balance(built: Built) -> None:
    report = _report(built.out)
    assert report["records_read"] == report["published"] + report["quarantined"] + report["superseded"]
    files = {Path(q["location"].split("!")[0]).name for q in report["quarantine"]}
    newer = next(c.file for c in built.cases if c.name == "newer-invalid-copy")
    assert files == {c.file for c in built.cases if not c.published} | {"a-fifo", newer}
    assert report["quarantined"] == len(report["quarantine"])
    assert report["internal_errors"] == 0


def test_each_broken_record_is_quarantined_with_its_reason(built: Built) -> None:
    quarantine = _report(built.out)["quarantine"]
    missing = []
    for case in built.cases:
        entries = [q for q in quarantine if Path(q["location"].split("!")[0]).name == case.file]
        if case.reason and not any(case.reason in q["reason"] for q in entries):
            missing.append((case.name, [q["reason"] for q in entries]))
    assert not missing


def test_a_fifo_is_left_out_not_waited_on(built: Built) -> None:
    (entry,) = [q for q in _report(built.out)["quarantine"] if q["location"].endswith("a-fifo")]
    assert "not a regular file" in entry["reason"]


def test_a_newer_invalid_copy_leaves_the_valid_study_published(built: Built) -> None:
    case = next(c for c in built.cases if c.name == "newer-invalid-copy")
    (entry,) = [q for q in _report(built.out)["quarantine"] if q["location"].endswith(case.file)]
    assert entry["nct_id"] == case.nct_id and "is published instead" in entry["reason"]
    assert case.nct_id in _published(built.out)


def test_no_local_file_reaches_the_release(built: Built) -> None:
    for path in built.out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            text = gzip.decompress(data) if path.suffix == ".gz" else data
            assert hostile.SECRET.encode() not in text, path


def test_peak_memory_of_the_whole_build_is_bounded(built: Built) -> None:
    if not memory.available():
        pytest.skip("no /proc/PID/task/TID/children on this system: the process tree cannot be measured")
    assert 0 < built.peak < PEAK, f"peak resident memory {built.peak / (1 << 20):.0f} MiB"
