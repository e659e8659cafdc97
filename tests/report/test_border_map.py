"""The whole-border outputs a planner reads: the map (every port and crossing, labels that do not
overlap, the footnote inside the image, no network) and the terminal table (a row for every port
and every crossing, counted right in the title). A synthetic border run stands in for the
simulation, so these take seconds."""

from __future__ import annotations

import re
import socket
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.text import Text

from smartborder import data
from smartborder.policy.studies import border
from smartborder.policy.studies.border import SUMMARY_COLUMNS, BorderRun
from smartborder.report.figures import border_map_figure, plot_border_map
from smartborder.vocabulary import short_name

YEAR = 2024


def _crossings() -> list[data.Crossing]:
    return [c for c in data.crossings().values() if c.first_month.year <= YEAR <= c.last_month.year]


@pytest.fixture(scope="module")
def run() -> BorderRun:
    """Every crossing with data in 2024, with made-up figures over four orders of magnitude."""
    rows = {}
    for i, crossing in enumerate(_crossings()):
        spread = (i * 0.618034) % 1.0
        trucks = 0.0 if i % 5 == 0 else 100.0 + 3000 * spread
        figures = dict.fromkeys(SUMMARY_COLUMNS, 10.0 + i)
        figures |= {
            "truck.throughput_per_day": trucks,
            "truck.wait_mean_min": np.nan if trucks == 0 else 20 * spread,
            "port.total_cost_usd": 10 ** (3.5 + 5 * spread),
            "vehicles": 1e5 * (1 + i),
        }
        rows[crossing.id] = {
            "port_code": crossing.port_code,
            "port": crossing.port.label,
            "name": crossing.label,
            "state": crossing.port.state,
            "latitude": crossing.lat,
            "longitude": crossing.lon,
            **figures,
        }
    return BorderRun(YEAR, 1, 0, pd.DataFrame.from_dict(rows, orient="index"), seconds=1.0)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("drawing the map tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _labels(fig: Figure, gid: str) -> list[Text]:
    return [t for t in fig.axes[0].texts if t.get_gid() == gid]


@pytest.mark.parametrize("table", ["ports", "crossings"])
def test_every_marker_is_labelled_and_no_labels_overlap(run: BorderRun, table: str, no_network: None) -> None:
    frame = run.by_port() if table == "ports" else run.summary()
    fig = border_map_figure(frame, "test")
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        labels = _labels(fig, "marker-label")
        assert len(labels) == len(frame) == (28 if table == "ports" else 44)
        names = [t.get_text().split("\n")[0] for t in labels]
        for expected in (
            "San Ysidro",
            "Calexico",
            "Calexico East",
            "Otay Mesa",
            "Laredo (4)" if table == "ports" else "World Trade",
            "Brownsville (4)" if table == "ports" else "B&M",
        ):
            assert expected in names
        axes = fig.axes[0].get_window_extent(renderer)
        boxes = [t.get_window_extent(renderer) for t in labels]
        for text, box in zip(labels, boxes, strict=True):
            assert axes.x0 <= box.x0 and box.x1 <= axes.x1 and axes.y0 <= box.y0 and box.y1 <= axes.y1, text.get_text()
        for (a, box_a), (b, box_b) in combinations(zip(names, boxes, strict=True), 2):
            assert not box_a.overlaps(box_b), (a, b)
        (footnote,) = _labels(fig, "footnote")
        assert "Natural Earth" in footnote.get_text()
        tight = fig.get_tightbbox(renderer)  # what bbox_inches="tight" saves, in inches
        note = footnote.get_window_extent(renderer).transformed(fig.dpi_scale_trans.inverted())
        assert tight.x0 <= note.x0 and note.x1 <= tight.x1 and tight.y0 <= note.y0  # not cut off
    finally:
        plt.close(fig)


def test_the_map_draws_the_shipped_geography(run: BorderRun, no_network: None) -> None:
    from smartborder.data.geography import border_region

    fig = border_map_figure(run.by_port(), "test")
    try:
        lines = fig.axes[0].get_lines()
        geo = border_region()
        boundary = [line for line in lines if line.get_linewidth() == max(x.get_linewidth() for x in lines)]
        assert len(boundary) == len(geo.boundary) == 1
        np.testing.assert_array_equal(boundary[0].get_xydata(), geo.boundary[0])
        assert len(lines) >= len(geo.lines)  # every state line and coast, plus leader lines
        x0, x1 = fig.axes[0].get_xlim()
        y0, y1 = fig.axes[0].get_ylim()
        assert x0 < -117.1 and x1 > -97.2 and y0 < 25.8 and y1 > 32.8  # every port in view
        # Equirectangular: a degree of longitude drawn cos(latitude) as long as a degree of latitude.
        assert fig.axes[0].get_aspect() == pytest.approx(1 / np.cos(np.radians((y0 + y1) / 2)))
    finally:
        plt.close(fig)


def test_the_map_saves_a_png_without_network(run: BorderRun, tmp_path: Path, no_network: None) -> None:
    path = plot_border_map(run.by_port(), tmp_path / "border_map.png", "US–Mexico land ports, 2024")
    with path.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 100_000


def _short(name: str) -> str:
    return short_name(name, keep_kind=False)  # the one rule (smartborder.vocabulary)


def test_border_table_has_a_row_for_every_port_and_crossing(
    run: BorderRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from smartborder.cli import main
    from smartborder.cli.output import console

    monkeypatch.setattr(border, "run_border", lambda *args, **kwargs: run)
    monkeypatch.setattr(console, "_width", 200)  # one line a row
    with pytest.raises(SystemExit) as info:
        main(["simulate", "--border", "mexico", "--year", str(YEAR), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert info.value.code in (0, None)
    assert (tmp_path / "border_map.png").exists()

    ports = run.by_port()
    crossings = _crossings()
    assert len(ports) == 28 and len(crossings) == 44
    title = re.search(r"US–Mexico border 2024: (\d+) ports, (\d+) crossings", out)
    assert title is not None and (int(title[1]), int(title[2])) == (len(ports), len(crossings))

    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if "────" in line)
    indent = lines[rule].index("─")
    rows: list[tuple[bool, list[str]]] = []  # (a crossing's row, its cells)
    for line in lines[rule + 1 :]:
        if not line.strip():
            break
        text = line[indent:].rstrip()
        cells = re.split(r"\s{2,}", text.strip())
        if len(cells) == 1:  # a long name folded onto a second line
            rows[-1][1][0] += " " + cells[0]
        else:
            assert not text.startswith(" ") or text.startswith("  "), text
            rows.append((text.startswith("  "), cells))
    port_rows = [cells[0] for crossing, cells in rows if not crossing]
    crossing_rows = [cells[0] for crossing, cells in rows if crossing]
    # Every port once; every crossing once: its own row, or its port's when the port is one crossing.
    assert sorted(port_rows) == sorted(ports["port"])
    multi = {code for code, n in ports["crossings"].items() if n > 1}
    assert len(crossing_rows) + (len(ports) - len(multi)) == len(crossings)
    assert sorted(crossing_rows) == sorted(_short(c.label) for c in crossings if c.port_code in multi)
    # ... each under its own port.
    code = ""
    for crossing, cells in rows:
        if not crossing:
            code = str(ports.index[list(ports["port"]).index(cells[0])])
        else:
            assert cells[0] in {_short(c.label) for c in data.crossings_of(code)}, (cells[0], code)
    for expected in ("San Ysidro, CA (2504)", "Calexico, CA (2503)", "Calexico East, CA (2507)"):
        assert expected in port_rows
