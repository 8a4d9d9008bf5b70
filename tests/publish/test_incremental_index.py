"""``build --previous`` in proportion to the change: the query index made from the previous release's and
the delta, the VoID statistics worked out from the previous release's, and the files read unchanged not
parsed again; each checked against what a build from scratch counts and loads."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.publish import release as layout
from kg.publish.build import BuildSummary, build
from kg.publish.index import load_store
from kg.publish.statistics import Statistics, statistics
from tests.fixtures import api_study, write_json

STUDIES = [f"NCT0000000{i}" for i in range(1, 7)]
BASE = "https://w3id.org/trialkg/"


def _inputs(folder: Path, ids: list[str], changed: dict[str, dict[str, object]] | None = None) -> Path:
    """One file per study (``changed`` overrides statusModule fields of some; the sixth study has a drug of
    its own), and one file of two studies."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    for nct in ids:
        study = api_study(nct, **(changed or {}).get(nct, {}))
        if nct == STUDIES[5]:  # a drug of its own: a MeSH subject and object no other study has
            drugs = study["derivedSection"]["interventionBrowseModule"]["meshes"]
            drugs.append({"id": "C000999999", "term": "Testinib"})
        write_json(folder / f"{nct}.json", study)
    write_json(folder / "pair.json", [api_study("NCT00000011"), api_study("NCT00000012")])
    return folder


def _build(inputs: Path, out: Path, previous: Path | None = None) -> BuildSummary:
    return build([str(inputs)], str(out), previous=str(previous) if previous else None, validate=False, progress=False)


def _quads(store: Path) -> set[ox.Quad]:
    return set(ox.Store.read_only(str(store)))


def _dump(release: Path) -> set[ox.Quad]:
    """The N-Triples dump's triples, as the index holds them: in the default graph."""
    with gzip.open(release / layout.NTRIPLES, "rb") as dump:
        return set(ox.parse(dump, format=ox.RdfFormat.N_TRIPLES))


def _report(release: Path) -> dict[str, object]:
    return json.loads((release / layout.REPORT).read_text(encoding="utf-8"))


def _kept(release: Path) -> Statistics:
    """The complete statistics the release keeps for the next update."""
    with sqlite3.connect(release / layout.STUDIES) as db:
        return Statistics.from_json(db.execute("SELECT value FROM meta WHERE key = 'statistics'").fetchone()[0])


def _fresh(release: Path, tmp: Path) -> Path:
    """The release's dump loaded in full into a new index (what a build without --previous does)."""
    work = tmp / f"fresh-{release.name}"
    work.mkdir()
    shutil.copy(release / layout.NTRIPLES, work / layout.NTRIPLES)
    load_store(work)
    return work / layout.STORE


def _update(tmp: Path) -> tuple[Path, Path]:
    """v1, then v2: one study changed, one added, one withdrawn."""
    inputs = _inputs(tmp / "in", STUDIES[:5])
    _build(inputs, tmp / "v1")
    _inputs(inputs, [*STUDIES[1:5], STUDIES[5]], {"NCT00000003": {"overallStatus": "TERMINATED"}})
    _build(inputs, tmp / "v2", previous=tmp / "v1")
    return tmp / "v1", tmp / "v2"


def test_the_index_of_an_update_is_the_index_of_its_dump_loaded_from_scratch(tmp_path: Path) -> None:
    v1, v2 = _update(tmp_path)
    v1_before = _dump(v1)
    assert _report(v2)["index"] == {"method": "by delta", "statistics": "by delta"}
    assert _report(v1)["index"] == {"method": "in full", "why": "no previous release", "statistics": "tallied"}
    updated, fresh = _quads(v2 / layout.STORE), _quads(_fresh(v2, tmp_path))
    assert updated == fresh == _dump(v2)
    assert updated != _quads(v1 / layout.STORE)  # the change is in it
    assert _quads(v1 / layout.STORE) == v1_before  # and the previous release's index is as it was


def test_the_statistics_of_an_update_are_those_counted_from_scratch(tmp_path: Path) -> None:
    v1, v2 = _update(tmp_path)
    reference = statistics(ox.Store.read_only(str(_fresh(v2, tmp_path))), BASE)
    assert _kept(v2) == reference
    assert _kept(v2) != _kept(v1)
    assert _report(v2)["statistics"] == reference.as_dict()
    assert reference.triples == _report(v2)["triples"]


def test_an_update_in_place_indexes_by_delta_and_a_release_without_statistics_in_full(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in", STUDIES[:3])
    _build(inputs, tmp_path / "rel")
    _inputs(inputs, STUDIES[:3], {"NCT00000001": {"overallStatus": "WITHDRAWN"}})
    _build(inputs, tmp_path / "rel", previous=tmp_path / "rel")  # what `trialkg update` does
    assert _report(tmp_path / "rel")["index"] == {"method": "by delta", "statistics": "by delta"}
    assert _quads(tmp_path / "rel" / layout.STORE) == _dump(tmp_path / "rel")
    with sqlite3.connect(tmp_path / "rel" / layout.STUDIES) as db:
        db.execute("DELETE FROM meta WHERE key = 'statistics'")  # as an older trialkg kept it
    _inputs(inputs, STUDIES[:3], {"NCT00000001": {"overallStatus": "COMPLETED"}})
    _build(inputs, tmp_path / "rel", previous=tmp_path / "rel")
    index = _report(tmp_path / "rel")["index"]
    assert index == {"method": "in full", "why": _WHY_OLD, "statistics": "tallied"}
    assert _quads(tmp_path / "rel" / layout.STORE) == _dump(tmp_path / "rel")
    assert _kept(tmp_path / "rel") == statistics(ox.Store.read_only(str(tmp_path / "rel" / layout.STORE)), BASE)


_WHY_OLD = "the previous release kept no statistics (built by an older trialkg)"


def test_an_index_that_does_not_hold_the_previous_dump_is_loaded_in_full(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in", STUDIES[:3])
    _build(inputs, tmp_path / "v1")
    store = ox.Store(str(tmp_path / "v1" / layout.STORE))  # someone added a triple to the previous index
    store.add(ox.Quad(ox.NamedNode(f"{BASE}stray"), ox.NamedNode(f"{BASE}p"), ox.Literal("x")))
    store.flush()
    del store
    _inputs(inputs, STUDIES[:3], {"NCT00000002": {"overallStatus": "SUSPENDED"}})
    _build(inputs, tmp_path / "v2", previous=tmp_path / "v1")
    index = _report(tmp_path / "v2")["index"]
    assert isinstance(index, dict) and index["method"] == "in full" and index["statistics"] == "tallied"
    held = re.search(r"the index holds (\d+) triples, not the dump's (\d+)", index["why"])
    assert held is not None and int(held[1]) == int(held[2]) + 1, index["why"]
    assert _quads(tmp_path / "v2" / layout.STORE) == _dump(tmp_path / "v2")
    assert _kept(tmp_path / "v2") == statistics(ox.Store.read_only(str(tmp_path / "v2" / layout.STORE)), BASE)


def _watch_parsers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the build parses (the real parsers, watched)."""
    import kg.sources

    parsed: list[str] = []
    real = kg.sources.parser

    def watched(fmt: str):  # noqa: ANN202
        parse = real(fmt)

        def watching(entry):  # noqa: ANN001, ANN202
            parsed.append(Path(entry.location).name)
            return parse(entry)

        return watching

    monkeypatch.setattr(kg.sources, "parser", watched)
    return parsed


def test_files_read_unchanged_are_not_parsed_and_the_release_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = _inputs(tmp_path / "in", STUDIES[:4])
    _build(inputs, tmp_path / "v1")
    shutil.copytree(tmp_path / "v1", tmp_path / "v1-no-digests")
    with sqlite3.connect(tmp_path / "v1-no-digests" / layout.STUDIES) as db:
        db.execute("DROP TABLE file")  # as an older trialkg kept it: every file is parsed
    _inputs(inputs, STUDIES[:4], {"NCT00000004": {"overallStatus": "TERMINATED"}})
    parsed = _watch_parsers(monkeypatch)
    skipping = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1")
    assert sorted(parsed) == ["NCT00000004.json", "pair.json"]  # the changed file, and one of two records
    parsed.clear()
    parsing = _build(inputs, tmp_path / "v2-parsed", previous=tmp_path / "v1-no-digests")
    assert len(parsed) == 5
    assert (skipping.records_read, skipping.published, skipping.converted) == (6, 6, 1)
    assert (parsing.records_read, parsing.published, parsing.converted) == (6, 6, 1)
    for name in layout.DUMPS:
        assert (tmp_path / "v2" / name).read_bytes() == (tmp_path / "v2-parsed" / name).read_bytes(), name
    with (
        sqlite3.connect(tmp_path / "v2" / layout.STUDIES) as a,
        sqlite3.connect(tmp_path / "v2-parsed" / layout.STUDIES) as b,
    ):
        columns = "nct, last_update, registry_version, format, location, sha256, own, shared, prov, activity"
        query = f"SELECT {columns} FROM study ORDER BY nct"
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
