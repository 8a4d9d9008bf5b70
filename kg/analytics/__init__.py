"""Graph analytics on a release: the networks of sponsors, interventions, conditions and studies.

:func:`analyze` reads a :class:`kg.query.Source` (a release's store or a remote endpoint) through SPARQL
(:mod:`.extract`), builds networkx graphs (:mod:`.graphs`, :mod:`.similarity`), measures them
(:mod:`.metrics`) and writes, into one output directory, exports for other tools (:mod:`.export`), the
analysis as RDF in an analytics named graph (:mod:`.rdf`), plots (:mod:`.plots`) and an HTML report
(:mod:`.report`). The directory is written beside its target and swapped in when complete.
"""

from __future__ import annotations

import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kg.analytics import export, graphs, metrics, plots, rdf, report, similarity
from kg.analytics.extract import Extract, Filters, extract
from kg.analytics.metrics import NetworkMetrics
from kg.analytics.similarity import Similar
from kg.errors import AnalyticsError
from kg.publish import release as layout
from kg.publish.release import base_of
from kg.query import Source

__all__ = ["Analysis", "Filters", "analyze", "base_of"]

MARKER = "metrics.json"  # what tells an analytics output directory, which a new analysis may replace


@dataclass
class Analysis:
    data: Extract
    graphs: dict[str, nx.Graph]
    metrics: dict[str, NetworkMetrics]
    similar: dict[str, list[Similar]]
    files: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """A short summary for the terminal."""
        out = [f"studies        {len(self.data.studies):,}"]
        for line in self.data.filters.describe():
            out.append(f"filter         {line}")
        for name, m in self.metrics.items():
            out.append(
                f"{name:24} {m.nodes:>7,} nodes {m.edges:>9,} edges {m.components:>6,} components "
                f"{m.communities:>6,} communities"
            )
        stages = "  ".join(f"{k} {v:.2f}" for k, v in self.seconds.items())
        out.append(f"seconds        {stages}")
        return out


def _check_output(target: str) -> Path:
    """``target`` resolved, if an analysis may write there: nothing, an empty directory or an earlier analysis."""
    path = Path(target).resolve()
    if path.exists() and (
        not path.is_dir() or (any(path.iterdir()) and not (path / MARKER).is_file()) or (path / layout.REPORT).exists()
    ):
        raise AnalyticsError(f"{target}: exists and is not an analytics output; choose an empty or new --out")
    return path


@contextmanager
def _output(target: str) -> Iterator[Path]:
    """A fresh directory beside ``target``; on success it replaces ``target`` (see :func:`_check_output`)."""
    path = _check_output(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    work = path.with_name(f".{path.name}.analyze-{secrets.token_hex(6)}")
    work.mkdir()
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    old = work.with_name(work.name + ".old")
    if path.exists():
        path.rename(old)
    work.rename(path)
    shutil.rmtree(old, ignore_errors=True)


def analyze(
    source: Source,
    out: str,
    *,
    base: str,
    filters: Filters | None = None,
    top: int = 20,
    similar_k: int = 10,
    draw: bool = True,
    label: str = "",
    progress: Callable[[str], None] | None = None,
) -> Analysis:
    """Analyse ``source`` (filtered) and write everything into ``out``; see the module docstring."""
    _check_output(out)  # before the work, not after it
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 3)
        clock = now
        if progress:
            progress(f"{name} done in {seconds[name]:.2f} s")

    data = extract(source, filters)
    stage("extract")
    built = graphs.build_all(data)
    stage("graphs")
    similar = similarity.most_similar(data, k=similar_k)
    built["similarity"] = similarity.similarity_graph(data, similar)
    stage("similarity")
    measured = {name: metrics.measure(graph) for name, graph in built.items()}
    for name, graph in built.items():
        metrics.annotate(graph, measured[name])
    stage("metrics")
    analysis = Analysis(data, built, measured, similar, seconds=seconds)
    with _output(out) as work:
        written: list[Path] = []
        for name, graph in built.items():
            written += export.write_graph(graph, work)
            written.append(export.write_nodes(measured[name], work))
        written.append(export.write_similar(data, similar, work))
        written += rdf.write(work, base, rdf.quads(base, data, measured, similar))
        summary = {
            "source": label,
            "base": base,
            "studies": len(data.studies),
            "filters": data.filters.describe(),
            "analytics_graph": rdf.analytics_graph(base),
        }
        written += export.write_tables(measured, top, work, summary)
        stage("exports")
        pictures = plots.plot_all(data, built, measured, work) if draw else []
        stage("plots")
        names = sorted(p.name for p in written + pictures)
        written.append(
            report.write_report(
                work,
                source=label,
                filters=data.filters.describe(),
                studies=len(data.studies),
                metrics=measured,
                plots=[p.name for p in pictures],
                files=names,
                top=top,
            )
        )
        stage("report")
        analysis.files = sorted(p.name for p in written + pictures)
    return analysis
