"""Dump fragments (kg.publish.fragments): a dump is its chunks' self-contained fragments, end to end; the
gzip dumps are series of members that every reader reads whole; a build copies the fragments the previous
release kept for the very same chunk and makes the others, and the dumps come out byte for byte as if all
were made anew; the shared nodes are cut into runs by content, so that a new node changes one run."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import subprocess
import zlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.publish import release as layout
from kg.publish.build import BuildSummary, build
from kg.publish.dumps import Dumps
from kg.publish.fragments import MAX_RUN, Chunk, Fragments, Stored, runs
from tests.fixtures import api_study, write_json
from tests.load.conftest import oxigraph_command
from tests.publish.dumpcheck import rdflib_jsonld, triple_digests

BASE = "https://w3id.org/trialkg/"
STUDIES = [f"NCT0000000{i}" for i in range(1, 7)]


def _line(s: str, p: str, o: str) -> str:
    return f"<{BASE}{s}> <{BASE}p/{p}> {o} ."


CHUNKS = [  # (graph, sorted lines): two studies and the shared nodes
    (f"{BASE}trial/NCT1", sorted([_line("trial/NCT1", "title", '"Un essai"@fr'), _line("trial/NCT1", "n", '"3"')])),
    (f"{BASE}trial/NCT2", [_line("trial/NCT2", "sponsor", f"<{BASE}org/acme>")]),
    (f"{BASE}graph/shared", [_line("org/acme", "name", '"Acme \\"Pharma\\""')]),
]


def _write(folder: Path, stored: Sequence[Stored | None], base: str = BASE) -> tuple[Dumps, list[Stored]]:
    folder.mkdir()
    dumps = Dumps(folder, base)
    chunks = [Chunk.of_lines(base, graph, lines) for graph, lines in CHUNKS]
    written = [dumps.write(chunk, kept) for chunk, kept in zip(chunks, stored, strict=True)]
    dumps.close()
    return dumps, written


def _members(path: Path) -> int:
    data, count = path.read_bytes(), 0
    while data:
        member = zlib.decompressobj(wbits=31)
        member.decompress(data)
        assert member.eof, f"{path}: a truncated gzip member"
        data, count = member.unused_data, count + 1
    return count


def _quads(path: Path, fmt: ox.RdfFormat) -> set[ox.Quad]:
    return set(ox.parse(gzip.decompress(path.read_bytes()), format=fmt))


def test_a_dump_is_its_chunks_fragments_and_every_reader_reads_it_whole(tmp_path: Path) -> None:
    made, _ = _write(tmp_path / "made", [None] * 3)
    assert made.copied == 0 and made.tally.triples == 4
    expected = {q for _, lines in CHUNKS for q in ox.parse("\n".join(lines), format=ox.RdfFormat.N_TRIPLES)}
    nt, nq = tmp_path / "made" / layout.NTRIPLES, tmp_path / "made" / layout.NQUADS
    assert _members(nt) == _members(nq) == 3  # one gzip member a chunk
    assert _quads(nt, ox.RdfFormat.N_TRIPLES) == expected
    graphs = {(q.graph_name.value, q.triple) for q in _quads(nq, ox.RdfFormat.N_QUADS)}  # type: ignore[union-attr]
    assert graphs == {
        (g, q.triple) for g, lines in CHUNKS for q in ox.parse("\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
    }
    assert subprocess.run(["gzip", "-dc", str(nt)], capture_output=True, check=True).stdout == gzip.decompress(
        nt.read_bytes()
    )
    turtle = ox.parse(path=str(tmp_path / "made" / layout.TURTLE), format=ox.RdfFormat.TURTLE)
    assert set(turtle) == expected
    assert rdflib_jsonld(tmp_path / "made" / layout.JSONLD) == triple_digests(iter(expected))


def test_an_empty_dump_is_still_gzip(tmp_path: Path) -> None:
    Dumps(tmp_path, BASE).close()
    assert gzip.decompress((tmp_path / layout.NTRIPLES).read_bytes()) == b""
    assert json.loads((tmp_path / layout.JSONLD).read_text(encoding="utf-8"))["@graph"] == []


def test_fragments_are_copied_for_the_same_chunk_only_and_give_the_same_bytes(tmp_path: Path) -> None:
    _, stored = _write(tmp_path / "one", [None] * 3)
    copied, again = _write(tmp_path / "two", stored)
    assert copied.copied == 3 and again == stored
    for name in layout.DUMPS:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    # fragments of another chunk (another study's, another base's) are never copied
    swapped, _ = _write(tmp_path / "three", [stored[1], stored[0], stored[2]])
    assert swapped.copied == 1
    other, _ = _write(tmp_path / "four", stored, base="https://example.org/kg/")
    assert other.copied == 0
    for name in layout.DUMPS:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "three" / name).read_bytes(), name


def test_the_oxigraph_bulk_loader_reads_every_member(tmp_path: Path) -> None:
    """The README's offline load: ``oxigraph load --file trialkg.nq.gz`` (a Rust gzip reader)."""
    binary = oxigraph_command()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install 'trialkg[dev]' brings it)")
    _write(tmp_path / "made", [None] * 3)
    for name, fmt in ((layout.NTRIPLES, ox.RdfFormat.N_TRIPLES), (layout.NQUADS, ox.RdfFormat.N_QUADS)):
        location = tmp_path / f"store-{name}"
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(tmp_path / "made" / name)], check=True
        )
        dumped = subprocess.run(
            [binary, "dump", "--location", str(location), "--format", "nq"], capture_output=True, check=True
        )
        assert set(ox.parse(dumped.stdout, format=ox.RdfFormat.N_QUADS)) == _quads(tmp_path / "made" / name, fmt), name


# -- builds ---------------------------------------------------------------------------------------------------


def _inputs(folder: Path, changed: dict[str, dict[str, object]] | None = None) -> Path:
    for nct in STUDIES:
        write_json(folder / f"{nct}.json", api_study(nct, **(changed or {}).get(nct, {})))
    return folder


def _build(inputs: Path, out: Path, previous: Path | None = None) -> BuildSummary:
    return build([str(inputs)], str(out), validate=False, progress=False, previous=str(previous) if previous else None)


def _kept(release: Path) -> dict[str, str]:
    with sqlite3.connect(release / layout.STUDIES) as db:
        return dict(db.execute("SELECT key, digest FROM fragment"))


def _same_dumps(a: Path, b: Path) -> None:
    for name in layout.DUMPS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_an_update_copies_the_unchanged_studies_fragments_and_writes_the_same_bytes(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    first = _build(inputs, tmp_path / "v1")
    assert first.fragments_reused == 0
    kept = _kept(tmp_path / "v1")
    assert set(STUDIES) <= set(kept) and any(key.startswith("shared <") for key in kept)
    _inputs(inputs, {"NCT00000003": {"overallStatus": "TERMINATED"}})
    second = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1")
    # the five unchanged studies copied; the changed one made, and the shared run (it names the new build)
    assert (second.reused, second.fragments_reused) == (5, 5)
    report = json.loads((tmp_path / "v2" / layout.REPORT).read_text(encoding="utf-8"))
    assert report["fragments_reused"] == 5
    # the same build against a previous release that kept no fragments (an older trialkg's) makes them all
    shutil.copytree(tmp_path / "v1", tmp_path / "v1-old")
    with sqlite3.connect(tmp_path / "v1-old" / layout.STUDIES) as db:
        db.execute("DROP TABLE fragment")
    remade = _build(inputs, tmp_path / "v2-remade", previous=tmp_path / "v1-old")
    assert (remade.reused, remade.fragments_reused) == (5, 0)
    _same_dumps(tmp_path / "v2", tmp_path / "v2-remade")
    changed = _kept(tmp_path / "v2")
    assert {k for k in kept if kept[k] != changed.get(k)} <= {
        "NCT00000003",
        *(k for k in kept if k.startswith("shared")),
    }
    # and nothing changed: every fragment copied, and the bytes of the release it was built against
    third = _build(inputs, tmp_path / "v3", previous=tmp_path / "v2")
    assert third.fragments_reused == len(changed) and _kept(tmp_path / "v3") == changed
    _same_dumps(tmp_path / "v2", tmp_path / "v3")


def test_what_is_copied_is_the_bytes_kept(tmp_path: Path) -> None:
    """Copied, not made again: a previous release whose kept JSON-LD of a study says something else (under
    the right digest) gives that to the next build's dump."""
    inputs = _inputs(tmp_path / "in")
    _build(inputs, tmp_path / "v1")
    with sqlite3.connect(tmp_path / "v1" / layout.STUDIES) as db:
        (blob,) = db.execute("SELECT blob FROM fragment WHERE key = 'NCT00000002'").fetchone()
        kept = Fragments.unpack(blob)
        assert b'"@id": "trial:NCT00000002"' in kept.jsonld
        forged = replace(kept, jsonld=kept.jsonld.replace(b'"trial:NCT00000002"', b'"trial:FORGED"', 1))
        db.execute("UPDATE fragment SET blob = ? WHERE key = 'NCT00000002'", (forged.pack(),))
    _build(inputs, tmp_path / "v2", previous=tmp_path / "v1")
    ids = {node["@id"] for node in json.loads((tmp_path / "v2" / layout.JSONLD).read_bytes())["@graph"]}
    assert "trial:FORGED" in ids and "trial:NCT00000002" not in ids


def test_a_fresh_build_and_a_build_that_copies_everything_are_byte_identical(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    _build(inputs, tmp_path / "fresh")
    again = _build(inputs, tmp_path / "again", previous=tmp_path / "fresh")
    assert again.fragments_reused == len(_kept(tmp_path / "fresh"))
    _same_dumps(tmp_path / "fresh", tmp_path / "again")


# -- runs of shared nodes -------------------------------------------------------------------------------------


def _shared(subjects: range, extra: tuple[str, ...] = ()) -> list[str]:
    lines = [_line(f"org/{i:06d}", p, f'"{i}"') for i in subjects for p in ("a", "b", "c")]
    return sorted([*lines, *extra])


def test_shared_runs_end_by_content_so_a_new_node_changes_one_run() -> None:
    before = _shared(range(0, 60_000, 2))
    found = list(runs(before))
    assert [line for run in found for line in run] == before and 5 < len(found) < 200
    assert all(len(run) <= MAX_RUN for run in found)
    starts = [run[0].split(" ")[0] for run in found[1:]]
    ends = [run[-1].split(" ")[0] for run in found[:-1]]
    assert all(a != b for a, b in zip(starts, ends, strict=True))  # no subject is cut in two
    after = list(runs(_shared(range(0, 60_000, 2), (_line("org/030001", "a", '"new"'),))))
    assert 1 <= len({tuple(r) for r in after} - {tuple(r) for r in found}) <= 2  # two if the new node starts a run


def test_a_run_is_cut_at_the_longest() -> None:
    lines = sorted(_line("org/one", "p", f'"{i:06d}"') for i in range(MAX_RUN + 10))
    assert [len(run) for run in runs(lines)] == [MAX_RUN, 10]
