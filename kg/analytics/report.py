"""``report.html``: one page that puts an analysis together: what was analysed, the networks' sizes, the
plots (PNG, each linked to its SVG), the top-k tables and the files, all by relative paths so the
output directory can be moved or served as it is."""

from __future__ import annotations

from pathlib import Path

from kg.analytics.export import tops
from kg.analytics.graphs import NETWORKS
from kg.analytics.metrics import NetworkMetrics
from kg.templates import render

_CAPTIONS = {
    "top-sponsors-network": "Collaboration among the organisations with the most studies with partners.",
    "degree-distribution": "How many nodes have each degree, per network (log-log).",
    "studies-per-phase": "The analysed studies per phase (a study in two phases counts once, under the combined "
    "phase).",
    "studies-per-year": "The analysed studies per start year.",
}


Cell = str | tuple[str, str]  # text, or (text, class): numbers are right-aligned


def _cell(value: object) -> Cell:
    if isinstance(value, float):
        return f"{value:.6g}", "n"
    if isinstance(value, int):
        return f"{value:,}", "n"
    return str(value)


def _table(columns: list[str], rows: list[list[object]]) -> dict[str, object]:
    return {"columns": columns, "rows": [[_cell(v) for v in row] for row in rows]}


def write_report(
    out: Path,
    *,
    source: str,
    filters: list[str],
    studies: int,
    metrics: dict[str, NetworkMetrics],
    plots: list[str],
    files: list[str],
    top: int,
) -> Path:
    """Write ``report.html`` in ``out``; ``plots`` and ``files`` are names relative to ``out``."""
    networks = _table(
        ["network", "what", "nodes", "edges", "components", "largest component", "communities", "modularity"],
        [
            [name, NETWORKS[name], m.nodes, m.edges, m.components, m.largest_component, m.communities, m.modularity]
            for name, m in metrics.items()
        ],
    )
    pictures = [
        {"stem": stem, "caption": _CAPTIONS.get(stem, stem)}
        for stem in (p[: -len(".png")] for p in plots if p.endswith(".png"))
    ]
    tables = []
    for stem, table in tops(metrics, top).items():
        rows: list[dict[str, object]] = table["rows"]  # type: ignore[assignment]
        by = str(table["by"])
        shown = _table(
            ["#", "name", "kind", by, "degree", "community"],
            [[i, r["name"], r["kind"], r[by], r["degree"], r["community"]] for i, r in enumerate(rows, start=1)],
        )
        tables.append({"stem": stem, "title": str(table["title"]), **shown})
    page = render(
        "analytics/report.html",
        source=source,
        studies=studies,
        filters="; ".join(filters) or "none (every study)",
        networks=networks,
        pictures=pictures,
        top=top,
        tops=tables,
        files=files,
    )
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
