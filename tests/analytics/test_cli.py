"""`trialkg analyze`: on a release, on a remote endpoint (a real `trialkg serve`), and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.analytics.graphs import NETWORKS
from kg.cli import main


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["analyze", *args])
    return result.exit_code, result.stdout, result.stderr


def test_analyze_a_release_with_filters(known: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = _run(
        str(known), "--out", str(out), "--sponsor-class", "INDUSTRY", "--phase", "PHASE1", "--no-plots", "--quiet"
    )
    assert code == 0, stdout
    document = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert document["studies"] == 1  # NCT00000003: Acme Pharma (industry) alone, phase 1
    assert document["networks"]["collaboration"]["nodes"] == 1
    assert document["networks"]["sponsor-intervention"]["edges"] == 2  # Vaccine X, Aspirin
    assert not (out / "top-sponsors-network.png").exists()
    lines = {line.split()[0]: line for line in stdout.splitlines()}
    assert lines["studies"].split()[-1] == "1" and "lead sponsor class: INDUSTRY" in stdout
    # a second analysis replaces the first
    code, _, _ = _run(str(known), "--out", str(out), "--quiet")
    assert code == 0 and json.loads((out / "metrics.json").read_text(encoding="utf-8"))["studies"] == 5
    assert (out / "top-sponsors-network.png").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "OUT"], "give a release directory DATA or --endpoint URL"),
        (["RELEASE", "--out", "OUT", "--phase", "PHASE9"], "unknown phase code(s) PHASE9"),
        (["RELEASE", "--out", "OUT", "--condition", "asthma"], "MeSH descriptor UI"),
        (["RELEASE", "--out", "RELEASE"], "is not an analytics output"),
        (["RELEASE", "--out", "OUT", "--token", "x"], "go with --endpoint"),
    ],
)
def test_errors_are_one_clear_line(known: Path, tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(known) if a == "RELEASE" else str(tmp_path / "o") if a == "OUT" else a for a in args]
    code, _, stderr = _run(*args, "--quiet")
    assert code == 2 and stderr.startswith("trialkg: ") and message in stderr and len(stderr.splitlines()) == 1
    assert (known / "build-report.json").is_file()  # the release is untouched


def test_analyze_a_remote_endpoint_gives_the_same_graphs(known: Path, tmp_path: Path) -> None:
    pytest.importorskip("kg.remote")
    from tests.serve.conftest import Server

    server = Server(known, "--workers", "1")
    try:
        code, stdout, stderr = _run(
            "--endpoint",
            f"{server.url}/sparql",
            "--store",
            "sparql",
            "--out",
            str(tmp_path / "remote"),
            "--no-plots",
            "--quiet",
        )
    finally:
        server.stop()
    assert code == 0, stdout + stderr
    code, _, _ = _run(str(known), "--out", str(tmp_path / "local"), "--no-plots", "--quiet")
    assert code == 0
    for name in NETWORKS:
        remote = nx.read_graphml(tmp_path / "remote" / f"{name}.graphml")
        local = nx.read_graphml(tmp_path / "local" / f"{name}.graphml")
        assert remote.number_of_nodes() > 0
        assert nx.utils.nodes_equal(remote.nodes(data=True), local.nodes(data=True)), name
        assert nx.utils.edges_equal(remote.edges(data=True), local.edges(data=True)), name
