"""``build --previous``: unchanged records are reused by content hash, only new or changed ones converted;
the delta and the changelog say what changed, and previous + added - removed = new as sets of triples."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import ReleaseError
from kg.publish import release as layout
from kg.publish.build import BuildSummary, build
from tests.fixtures import api_study, write_json

STUDIES = [f"NCT0000000{i}" for i in range(1, 7)]
BASE = "https://w3id.org/trialkg/"


def _inputs(folder: Path, changed: dict[str, dict[str, object]] | None = None, ids: list[str] = STUDIES) -> Path:
    """One file per study; ``changed`` overrides statusModule fields of some."""
    for old in folder.glob("*.json"):
        old.unlink()
    for nct in ids:
        write_json(folder / f"{nct}.json", api_study(nct, **(changed or {}).get(nct, {})))
    return folder


def _build(inputs: Path, out: Path, previous: Path | None = None, **kwargs: object) -> BuildSummary:
    return build(
        [str(inputs)],
        str(out),
        previous=str(previous) if previous else None,
        validate=kwargs.pop("validate", False),  # type: ignore[arg-type]
        progress=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _triples(path: Path) -> set[ox.Triple]:
    """The triples of an ``.nt.gz`` file, parsed."""
    with gzip.open(path, "rb") as dump:
        return {quad.triple for quad in ox.parse(dump, format=ox.RdfFormat.N_TRIPLES)}


def _delta(release: Path) -> tuple[set[ox.Triple], set[ox.Triple]]:
    return _triples(release / layout.DELTA_ADDED), _triples(release / layout.DELTA_REMOVED)


def _holds(old: Path, new: Path) -> None:
    """previous + added - removed = new, exactly, as sets of triples; and the delta is minimal."""
    before, after = _triples(old / layout.NTRIPLES), _triples(new / layout.NTRIPLES)
    added, removed = _delta(new)
    assert (before | added) - removed == after
    assert added == after - before and removed == before - after


def _changelog(release: Path) -> dict[str, object]:
    return json.loads((release / layout.CHANGELOG_JSON).read_text(encoding="utf-8"))


def test_changing_one_record_converts_one_and_the_delta_applies(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    first = _build(inputs, tmp_path / "v1")
    assert (first.converted, first.reused) == (6, 0)
    _inputs(inputs, {"NCT00000003": {"overallStatus": "TERMINATED", "whyStopped": "Funding ended"}})
    second = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1")
    assert (second.published, second.converted, second.reused) == (6, 1, 5)
    _holds(tmp_path / "v1", tmp_path / "v2")
    log = _changelog(tmp_path / "v2")
    assert [c["nct_id"] for c in log["changed"]] == ["NCT00000003"]  # type: ignore[index,union-attr]
    assert log["added"] == [] and log["withdrawn"] == [] and log["restated"] == []
    assert log["summary"] == second.delta and second.delta["unchanged"] == 5  # type: ignore[index]
    added, removed = _delta(tmp_path / "v2")
    study = f"{BASE}trial/NCT00000003"
    about = {t.subject.value for t in added | removed}  # the study and its nodes, and the new build activity
    assert all(s == study or s.startswith((f"{study}/", f"{BASE}build/")) for s in about), about
    status = ox.NamedNode("https://w3id.org/trialkg/ontology#overallStatus")
    vocab = f"{BASE}vocab/status/"
    assert ox.Triple(ox.NamedNode(study), status, ox.NamedNode(f"{vocab}TERMINATED")) in added
    assert ox.Triple(ox.NamedNode(study), status, ox.NamedNode(f"{vocab}COMPLETED")) in removed
    lines = _raw_lines(tmp_path / "v2" / layout.DELTA_ADDED)
    assert lines == sorted(set(lines)) and len(lines) == len(added)  # the file's order: sorted, each triple once
    markdown = (tmp_path / "v2" / layout.CHANGELOG_MD).read_text(encoding="utf-8").splitlines()
    assert "## Changed (1)" in markdown and any("NCT00000003" in line for line in markdown)


def test_added_and_withdrawn_studies(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    _build(inputs, tmp_path / "v1")
    _inputs(inputs, ids=[*STUDIES[1:], "NCT00000009"])
    summary = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1")
    assert (summary.converted, summary.reused) == (1, 5)
    log = _changelog(tmp_path / "v2")
    assert [a["nct_id"] for a in log["added"]] == ["NCT00000009"]  # type: ignore[index,union-attr]
    assert [(w["nct_id"], w["reason"]) for w in log["withdrawn"]] == [("NCT00000001", "not in the inputs")]  # type: ignore[index,union-attr]
    _holds(tmp_path / "v1", tmp_path / "v2")


def test_nothing_changed_nothing_converted_and_the_dumps_stay_the_same(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    _build(inputs, tmp_path / "v1")
    summary = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1", validate=True)  # no validator needed
    assert (summary.converted, summary.reused) == (0, 6)
    assert summary.fragments_reused == 7  # the dumps are copied: six studies' fragments and the shared nodes' run
    assert _delta(tmp_path / "v2") == (set(), set())
    for name in layout.DUMPS:
        assert (tmp_path / "v1" / name).read_bytes() == (tmp_path / "v2" / name).read_bytes(), name


def test_out_may_be_the_previous_release(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    _build(inputs, tmp_path / "rel")
    before = _triples(tmp_path / "rel" / layout.NTRIPLES)
    _inputs(inputs, {"NCT00000006": {"overallStatus": "WITHDRAWN"}})
    summary = _build(inputs, tmp_path / "rel", previous=tmp_path / "rel")
    assert (summary.converted, summary.reused) == (1, 5)
    added, removed = _delta(tmp_path / "rel")
    assert (before | added) - removed == _triples(tmp_path / "rel" / layout.NTRIPLES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "rel"]


def test_the_changed_study_alone_is_validated(tmp_path: Path) -> None:
    from kg.validation.engine import Validator

    seen: list[str] = []

    class Watching(Validator):  # type: ignore[misc]
        def validate_ntriples(self, lines: list[str]):  # noqa: ANN202
            subjects = {q.subject.value for q in ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)}
            seen.extend(s.removeprefix(f"{BASE}trial/")[:11] for s in subjects if s.startswith(f"{BASE}trial/"))
            return super().validate_ntriples(lines)

    inputs = _inputs(tmp_path / "in", ids=STUDIES[:3])
    _build(inputs, tmp_path / "v1", validate=True, validator_factory=Watching)
    assert sorted(set(seen)) == STUDIES[:3]
    seen.clear()
    _inputs(inputs, {"NCT00000002": {"overallStatus": "SUSPENDED"}}, ids=STUDIES[:3])
    summary = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1", validate=True, validator_factory=Watching)
    assert sorted(set(seen)) == ["NCT00000002"] and summary.converted == 1
    _holds(tmp_path / "v1", tmp_path / "v2")


def test_a_previous_release_converted_differently_is_not_reused(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in", ids=STUDIES[:2])
    _build(inputs, tmp_path / "v1", base="https://example.org/kg/")
    summary = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1")
    assert (summary.converted, summary.reused) == (2, 0) and "converted differently" in summary.reuse
    _holds(tmp_path / "v1", tmp_path / "v2")
    log = _changelog(tmp_path / "v2")
    assert log["changed"] == [] and [r["nct_id"] for r in log["restated"]] == STUDIES[:2]  # type: ignore[union-attr,index]


def test_previous_must_be_a_release(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in", ids=STUDIES[:1])
    (tmp_path / "nothing").mkdir()
    with pytest.raises(ReleaseError, match="not a trialkg release"):
        _build(inputs, tmp_path / "v2", previous=tmp_path / "nothing")
    assert not (tmp_path / "v2").exists()


def _raw_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as dump:
        return [line.rstrip("\n") for line in dump]


def test_a_study_quarantined_now_is_withdrawn_with_the_reason(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in", ids=STUDIES[:3])
    _build(inputs, tmp_path / "v1")
    _inputs(inputs, {"NCT00000002": {"startDateStruct": {"date": "sometime in 2020"}}}, ids=STUDIES[:3])
    summary = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1")
    assert (summary.published, summary.quarantined, summary.reused) == (2, 1, 2)
    withdrawn = _changelog(tmp_path / "v2")["withdrawn"]
    assert [w["nct_id"] for w in withdrawn] == ["NCT00000002"]  # type: ignore[index,union-attr]
    assert withdrawn[0]["reason"].startswith("quarantined: parse: start_date")  # type: ignore[index]
    _holds(tmp_path / "v1", tmp_path / "v2")


def test_a_lexicon_given_to_the_build_is_part_of_the_fingerprint(tmp_path: Path) -> None:
    from kg.linking.lexicon import DEFAULTS

    lexicon = sorted(DEFAULTS.glob("*.tsv"))[0]
    inputs = _inputs(tmp_path / "in", ids=STUDIES[:2])
    _build(inputs, tmp_path / "v1")
    summary = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1", lexicons=[str(lexicon)])
    assert (summary.converted, summary.reused) == (2, 0) and "converted differently" in summary.reuse
    again = _build(inputs, tmp_path / "v3", previous=tmp_path / "v2", lexicons=[str(lexicon)])
    assert (again.converted, again.reused) == (0, 2)


def _report_graph(release: Path) -> object:
    from rdflib import Graph
    from rdflib.compare import to_isomorphic

    return to_isomorphic(Graph().parse(release / layout.VALIDATION / "report.ttl"))


def test_the_validation_report_of_an_update_is_that_of_a_fresh_build(corpus: Path, tmp_path: Path) -> None:
    """The studies reused unvalidated bring the results an earlier build found, so the report is whole."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    files = sorted((corpus / "ctgov-json").glob("NCT*.json"))[:40]
    for path in files:
        (inputs / path.name).write_bytes(path.read_bytes())
    first = _build(inputs, tmp_path / "v1", validate=True)
    changed = json.loads((inputs / files[0].name).read_text(encoding="utf-8"))
    changed["protocolSection"]["identificationModule"]["briefTitle"] += " (revised)"
    write_json(inputs / files[0].name, changed)
    update = _build(inputs, tmp_path / "v2", previous=tmp_path / "v1", validate=True)
    fresh = _build(inputs, tmp_path / "v3", validate=True)
    assert update.converted == 1 and update.reused == first.published - 1
    assert first.warnings > 0 and update.warnings == fresh.warnings
    assert _report_graph(tmp_path / "v2") == _report_graph(tmp_path / "v3")
    unvalidated = _build(inputs, tmp_path / "v4", previous=tmp_path / "v2")  # --no-validate: no report at all
    assert unvalidated.reused == first.published and unvalidated.warnings == 0
    assert not (tmp_path / "v4" / layout.VALIDATION).exists()
