"""Pictures of an analysis, each as PNG and SVG (matplotlib, Agg backend: no display needed).

* ``top-sponsors-network`` -- the collaboration network among the organisations with the most studies
  with partners: node size = studies with partners, edge width = studies together, colour = community;
* ``degree-distribution`` -- how many nodes have each degree, per network (log-log);
* ``studies-per-phase`` and ``studies-per-year`` -- the filtered studies by phase and by start year.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402

from kg.analytics.extract import Extract  # noqa: E402
from kg.analytics.metrics import NetworkMetrics  # noqa: E402

PLOTS = ("top-sponsors-network", "degree-distribution", "studies-per-phase", "studies-per-year")
_DEGREE_NETWORKS = ("collaboration", "sponsor-intervention", "condition-intervention", "similarity")


def _save(fig: plt.Figure, out: Path, stem: str) -> list[Path]:
    paths = [out / f"{stem}.png", out / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=110, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def top_sponsors_network(graph: nx.Graph, metrics: NetworkMetrics, out: Path, top: int = 25) -> list[Path]:
    chosen = [str(row["iri"]) for row in metrics.top(top) if float(row["weighted_degree"]) > 0]  # type: ignore[arg-type]
    sub = graph.subgraph(chosen)
    fig, ax = plt.subplots(figsize=(11, 8.5))
    if sub.number_of_nodes():
        pos = nx.spring_layout(sub, weight="weight", seed=7, k=1.6 / max(1, sub.number_of_nodes()) ** 0.5)
        strength = [float(sub.degree(n, weight="weight")) for n in sub]
        biggest = max(strength) or 1.0
        widths = [
            0.6 + 4.0 * w / max(1, max((w for *_, w in sub.edges(data="weight")), default=1))
            for *_, w in sub.edges(data="weight")
        ]
        nx.draw_networkx_edges(sub, pos, ax=ax, width=widths, edge_color="#8a8a8a", alpha=0.55)
        nx.draw_networkx_nodes(
            sub,
            pos,
            ax=ax,
            node_size=[120 + 1400 * s / biggest for s in strength],
            node_color=[metrics.table[n]["community"] for n in sub],
            cmap="tab10",
            vmin=0,
            vmax=9,
            edgecolors="#333333",
            linewidths=0.6,
        )
        nx.draw_networkx_labels(sub, pos, ax=ax, labels={n: _short(sub.nodes[n]["name"]) for n in sub}, font_size=7)
    else:
        ax.text(0.5, 0.5, "no organisation sponsors a study with a partner", ha="center", transform=ax.transAxes)
    ax.set_title(
        f"Collaboration among the top {sub.number_of_nodes()} organisations "
        "(size: studies with partners; colour: community)"
    )
    ax.set_axis_off()
    return _save(fig, out, "top-sponsors-network")


def degree_distribution(graphs: dict[str, nx.Graph], out: Path) -> list[Path]:
    names = [n for n in _DEGREE_NETWORKS if n in graphs]
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names), 3.4), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        counts = Counter(d for _, d in graphs[name].degree())
        degrees = sorted(d for d in counts if d > 0)
        ax.loglog(degrees, [counts[d] for d in degrees], "o", markersize=4, color="#1f77b4")
        ax.set_title(f"{name}\n{graphs[name].number_of_nodes():,} nodes, {counts.get(0, 0):,} isolated")
        ax.set_xlabel("degree")
        ax.set_ylabel("nodes")
        ax.grid(True, which="major", alpha=0.3)
    fig.suptitle("Degree distributions")
    fig.tight_layout()
    return _save(fig, out, "degree-distribution")


def _bars(out: Path, stem: str, title: str, xlabel: str, counts: dict[str, int], rotate: int) -> list[Path]:
    fig, ax = plt.subplots(figsize=(max(6.0, 0.32 * len(counts) + 2), 4))
    bars = ax.bar(list(counts), list(counts.values()), color="#2a7fb8")
    ax.bar_label(bars, fontsize=7)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("studies")
    ax.tick_params(axis="x", labelrotation=rotate)
    fig.tight_layout()
    return _save(fig, out, stem)


def phase_counts(data: Extract) -> dict[str, int]:
    counts = Counter(s.phases or "none given" for s in data.studies.values())
    return dict(sorted(counts.items(), key=lambda kv: (kv[0] in ("NA", "none given"), kv[0])))


def year_counts(data: Extract) -> dict[str, int]:
    counts = Counter(s.start_date[:4] for s in data.studies.values() if s.start_date)
    return dict(sorted(counts.items()))


def plot_all(data: Extract, graphs: dict[str, nx.Graph], metrics: dict[str, NetworkMetrics], out: Path) -> list[Path]:
    with plt.rc_context({"svg.hashsalt": "trialkg", "font.size": 9}):  # SVG ids without randomness
        paths = top_sponsors_network(graphs["collaboration"], metrics["collaboration"], out)
        paths += degree_distribution(graphs, out)
        paths += _bars(out, "studies-per-phase", "Studies per phase", "phase", phase_counts(data), rotate=30)
        paths += _bars(out, "studies-per-year", "Studies per start year", "start year", year_counts(data), rotate=90)
    return paths
