"""``report.html``: one page that puts an analysis together: what was analysed, the networks' sizes, the
plots (PNG, each linked to its SVG), the top-k tables and the files, all by relative paths so the
output directory can be moved or served as it is."""

from __future__ import annotations

from html import escape
from pathlib import Path

from kg.analytics.export import tops
from kg.analytics.graphs import NETWORKS
from kg.analytics.metrics import NetworkMetrics

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0 2rem; } figure img { max-width: 100%; border: 1px solid #eee; }
code { font-size: .85rem; } .muted { color: #666; }
"""

_CAPTIONS = {
    "top-sponsors-network": "Collaboration among the organisations with the most studies with partners.",
    "degree-distribution": "How many nodes have each degree, per network (log-log).",
    "studies-per-phase": "The analysed studies per phase (a study in two phases counts once, under the combined "
    "phase).",
    "studies-per-year": "The analysed studies per start year.",
}


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f'<td class="n">{value:.6g}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(columns: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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
    covered = "; ".join(filters) or "none (every study)"
    parts = [f"<h1>trialkg analytics</h1><p>Source: <code>{escape(source)}</code>. "
             f"{studies:,} studies analysed; filters: {escape(covered)}.</p>"]  # fmt: skip
    parts.append("<h2>Networks</h2>")
    parts.append(_table(
        ["network", "what", "nodes", "edges", "components", "largest component", "communities", "modularity"],
        [[name, NETWORKS[name], m.nodes, m.edges, m.components, m.largest_component, m.communities, m.modularity]
         for name, m in metrics.items()],
    ))  # fmt: skip
    parts.append("<h2>Pictures</h2>")
    for stem in (p[: -len(".png")] for p in plots if p.endswith(".png")):
        name, caption = escape(stem), escape(_CAPTIONS.get(stem, stem))
        parts.append(
            f'<figure><a href="{name}.svg"><img src="{name}.png" alt="{caption}"></a>'
            f'<figcaption>{caption} (<a href="{name}.svg">SVG</a>)</figcaption></figure>'
        )
    parts.append(f"<h2>Top {top}</h2>")
    for stem, table in tops(metrics, top).items():
        rows: list[dict[str, object]] = table["rows"]  # type: ignore[assignment]
        by = str(table["by"])
        parts.append(f'<h3 id="{escape(stem)}">{escape(str(table["title"]))}</h3>')
        parts.append(f'<p class="muted"><a href="{escape(stem)}.csv">{escape(stem)}.csv</a></p>')
        parts.append(_table(
            ["#", "name", "kind", by, "degree", "community"],
            [[i, r["name"], r["kind"], r[by], r["degree"], r["community"]] for i, r in enumerate(rows, start=1)],
        ))  # fmt: skip
    parts.append("<h2>Files</h2><ul>")
    parts += [f'<li><a href="{escape(f)}">{escape(f)}</a></li>' for f in files]
    parts.append("</ul>")
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>trialkg analytics</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
