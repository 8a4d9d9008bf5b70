"""The pictures are real images of the real data, and the HTML report references them (and the tables)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

from kg.analytics import Analysis
from kg.analytics.plots import PLOTS, phase_counts, year_counts


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img" and a.get("src"):
            self.images.append(str(a["src"]))
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        self._in_cell = tag == "td"

    def handle_endtag(self, tag: str) -> None:
        self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells.append(data)


def _parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("stem", PLOTS)
def test_plots_are_real_pictures(analysed: tuple[Analysis, Path], stem: str) -> None:
    png, svg = analysed[1] / f"{stem}.png", analysed[1] / f"{stem}.svg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    pixels = image.imread(png)
    height, width = pixels.shape[:2]
    assert width >= 400 and height >= 250
    colours = np.unique((pixels[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 20  # text, bars, nodes: not a blank or one-colour picture
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml") and svg.stat().st_size > 5_000


def test_pictures_show_the_data(analysed: tuple[Analysis, Path]) -> None:
    """The bar charts are drawn from these counts (hand-checked against the records)."""
    data = analysed[0].data
    assert phase_counts(data) == {"PHASE1": 2, "PHASE2": 1, "PHASE2|PHASE3": 1, "none given": 1}
    assert year_counts(data) == {"2020": 2, "2021": 2, "2022": 1}
    svg = (analysed[1] / "top-sponsors-network.svg").read_text(encoding="utf-8")
    for name in ("Acme Pharma", "Beta Biotech", "Example University Hospital"):
        assert name in svg  # the network's labels are the organisations' names


def test_report_references_the_pictures_and_tables(analysed: tuple[Analysis, Path]) -> None:
    report = _parse(analysed[1] / "report.html")
    assert sorted(report.images) == sorted(f"{stem}.png" for stem in PLOTS)
    for ref in report.images + report.links:
        assert not ref.startswith(("/", "http")) and (analysed[1] / ref).is_file(), ref
    assert {f"{stem}.svg" for stem in PLOTS} <= set(report.links)
    files = {"metrics.json", "collaboration.graphml", "similar-studies.csv", "analytics.nq.gz", "analytics.trig"}
    assert files <= set(report.links)
    assert "Acme Pharma" in report.cells and "Asthma" in report.cells
