"""PNG figures. The non-interactive Agg backend is used so that plots work on servers and CI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.lines import Line2D

from smartborder.numbers import money
from smartborder.vocabulary import short_name

if TYPE_CHECKING:  # results are read, never computed here (tests/report/test_reads_results.py)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from smartborder.twin import LeanResult, SimulationResult


def plot_monthly(series: pd.Series, title: str, path: Path) -> Path:
    """Line chart of a monthly series with its 12-month rolling mean; returns *path*."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    x = series.index.to_timestamp()
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    ax.plot(x, series.to_numpy(), lw=1.0, color="#4a78b0", label="monthly")
    if len(series) >= 12:
        ax.plot(x, series.rolling(12).mean().to_numpy(), lw=2.0, color="#c0392b", label="12-month mean")
    ax.set_title(title)
    ax.set_ylabel(str(series.name))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    ax.annotate(
        "Source: U.S. DOT BTS, Border Crossing/Entry Data",
        (0.99, 0.01),
        xycoords="figure fraction",
        ha="right",
        fontsize=7,
        color="grey",
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _by_hour_of_day(values: np.ndarray, arrival: np.ndarray, start_hour: int) -> np.ndarray:
    hours = ((arrival // 60 + start_hour) % 24).astype(int)
    sums = np.bincount(hours, weights=values, minlength=24)
    counts = np.bincount(hours, minlength=24)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def plot_hourly_waits(result: SimulationResult, path: Path) -> Path:
    """Mean wait to primary by hour of arrival, one line per class and lane."""
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    for flow in result.model.flows:
        trace = result.flows[flow.name]
        inside = trace.arrival < result.horizon
        if inside.sum() < 24:
            continue
        k = flow.primary_step  # a chain's trucks join CBP's line after Mexico and the bridge
        wait = trace.start[inside, k] - (trace.reach[inside, k] if k else trace.arrival[inside])
        ax.plot(
            range(24),
            _by_hour_of_day(wait, trace.arrival[inside], result.start_hour),
            marker="o",
            ms=3,
            label=flow.name,
        )
    return _finish_day_axes(
        ax, fig, path, "mean wait to primary (min)", "Wait by hour of day", "hour of arrival (local time)"
    )


def plot_hourly_lanes(
    hourly: dict[str, dict[str, dict[str, list[float | None]]]],
    staffing: dict[str, dict[str, dict[str, list[float]]]],
    path: Path,
    title: str,
) -> Path:
    """Per class, weekday mean wait by hour of arrival for each lane type (lines) and the lanes
    staffed (steps, right axis): the shape CBP publishes, beside the staffing that makes it."""
    classes = [v for v in hourly if v in staffing] or list(hourly)
    fig, axes = plt.subplots(
        len(classes), 1, figsize=(10, 3.2 * max(len(classes), 1)), layout="constrained", squeeze=False
    )
    for ax, vehicle in zip(axes[:, 0], classes, strict=True):
        lanes_ax = ax.twinx()
        for k, (lane, days) in enumerate(sorted(hourly[vehicle].items())):
            colour = f"C{k}"
            values = [np.nan if v is None else v for v in days["weekday"]]
            ax.plot(range(24), values, marker="o", ms=3, color=colour, label=f"{lane} wait")
            staffed = staffing.get(vehicle, {}).get(lane, {}).get("weekday")
            if staffed is not None:
                lanes_ax.step(range(24), staffed, where="mid", color=colour, alpha=0.35, lw=2, label=f"{lane} lanes")
        ax.set_title(f"{vehicle}: weekday wait to primary by hour of arrival, and lanes staffed", fontsize=10)
        ax.set_ylabel("mean wait (min)")
        lanes_ax.set_ylabel("lanes staffed")
        lanes_ax.set_ylim(bottom=0)
        ax.set_xticks(range(0, 24, 2))
        ax.grid(alpha=0.3)
        lines, labels = ax.get_legend_handles_labels()
        more, more_labels = lanes_ax.get_legend_handles_labels()
        ax.legend(lines + more, labels + more_labels, fontsize=7, ncol=4, loc="upper left")
    axes[-1, 0].set_xlabel("hour of day (local time)")
    fig.suptitle(title)
    return _save(fig, path)


def plot_wait_distribution(result: SimulationResult | LeanResult, path: Path) -> Path:
    """Complementary CDF of waits per class: the share of vehicles waiting longer than x."""
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    by_vehicle: dict[str, list[np.ndarray]] = {}
    for flow in result.model.flows:
        trace = result.flows[flow.name]
        inside = trace.arrival < result.horizon
        by_vehicle.setdefault(flow.vehicle, []).append(trace.start[inside, 0] - trace.arrival[inside])
    for vehicle, parts in by_vehicle.items():
        waits = np.sort(np.concatenate(parts))
        if waits.size == 0:
            continue
        step = max(1, waits.size // 2000)
        share = 1.0 - np.arange(waits.size) / waits.size
        ax.plot(waits[::step], share[::step], label=vehicle)
    ax.set_yscale("log")
    ax.set_xlabel("wait to primary (min)")
    ax.set_ylabel("share of vehicles waiting longer")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    ax.set_title("Wait distribution")
    return _save(fig, path)


def plot_queue_typical_day(result: SimulationResult | LeanResult, path: Path) -> Path:
    """Average number waiting at each primary station by hour of day."""
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    for name, profile in result.queue_profile().items():
        ax.plot(range(24), profile, marker="o", ms=3, label=name)
    return _finish_day_axes(
        ax, fig, path, "vehicles waiting (hourly average)", "Queue over a typical day", "hour of day (local time)"
    )


def _finish_day_axes(ax: Axes, fig: Figure, path: Path, ylabel: str, title: str, xlabel: str) -> Path:
    """Shared look of the hour-of-day charts, then save."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xticks(range(0, 24, 2))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=3)
    ax.set_title(title)
    return _save(fig, path)


def _save(fig: Figure, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


#: Resolution of the border map: its labels are placed for it.
MAP_DPI = 150
#: A box in display coordinates: x0, y0, x1, y1.
Box = tuple[float, float, float, float]
#: Map colours: sea, land, state lines, coast, international boundary.
_SEA, _LAND, _STATE, _COAST, _BOUNDARY = "#e3edf6", "#fbfaf6", "#b9b9b9", "#7b9cc0", "#303030"


def _draw_geography(ax: Axes) -> None:
    """Land on sea, state lines, coasts and the international boundary (bold), from the
    geography shipped with the package."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    from smartborder.data.geography import border_region

    geo = border_region()
    ax.set_facecolor(_SEA)
    for land in geo.land:
        for polygon in land.polygons:
            path = MplPath.make_compound_path(*[MplPath(ring, closed=True) for ring in polygon])
            ax.add_patch(PathPatch(path, facecolor=_LAND, edgecolor="none", zorder=0.5))
    style = {"state": (_STATE, 0.7, 1), "coast": (_COAST, 0.8, 2), "boundary": (_BOUNDARY, 2.0, 3)}
    for line in geo.lines:
        colour, width, z = style[line.kind]
        ax.plot(line.lon, line.lat, color=colour, lw=width, zorder=z, solid_capstyle="round")


def _overlaps(box: Box, others: list[Box]) -> int:
    x0, y0, x1, y1 = box
    return sum(1 for a0, b0, a1, b1 in others if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1)


def _circle_hits(box: Box, circles: np.ndarray) -> int:
    """How many circles (rows x, y, r in pixels) the box touches."""
    if circles.size == 0:
        return 0
    x0, y0, x1, y1 = box
    nx = np.clip(circles[:, 0], x0, x1)
    ny = np.clip(circles[:, 1], y0, y1)
    return int(((circles[:, 0] - nx) ** 2 + (circles[:, 1] - ny) ** 2 < circles[:, 2] ** 2).sum())


def _map_key(ax: Axes, max_area: float, top: float, show_no_trucks: bool, show_dots: bool) -> Artist:
    """The map's key, lower left: nested bubbles for the delay cost, then the other symbols."""
    from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, HPacker, TextArea, VPacker
    from matplotlib.patches import Circle
    from matplotlib.text import Text

    font: dict[str, Any] = {"fontsize": 7.5, "color": "0.15"}
    # Round amounts (1-2-5) near the largest bubble, a quarter of it and a twentieth.
    series = [k * 10.0**e for e in range(13) for k in (1, 2, 5)]
    first = max([v for v in series if v <= top * 1.05] or [top])
    references = [first, *[max([v for v in series if v <= first / d] or [first / d]) for d in (4, 20)]]
    radii = [np.sqrt(max_area * r / top / np.pi) for r in references]
    big = radii[0]
    sizes = DrawingArea(2 * big + 62, 2 * big + 4)
    for reference, radius in zip(references, radii, strict=True):
        sizes.add_artist(Circle((big, radius + 1), radius, facecolor="none", edgecolor="#333333", lw=0.8))
        y = 2 * radius + 1
        sizes.add_artist(Line2D([big, 2 * big + 6], [y, y], color="0.5", lw=0.5, ls=(0, (2, 1.5))))
        sizes.add_artist(Text(2 * big + 8, y, money(reference), va="center", **font))
    rows: list[Any] = [TextArea("Annual delay cost (bubble area)", textprops=font), sizes]

    def row(symbol: Artist, text: str) -> HPacker:
        area = DrawingArea(18, 10)
        area.add_artist(symbol)
        return HPacker(children=[area, TextArea(text, textprops=font)], align="center", pad=0, sep=4)

    if show_no_trucks:
        rows.append(row(Circle((9, 5), 4.5, facecolor="white", edgecolor="#333333", lw=0.8), "no trucks"))
    if show_dots:
        rows.append(row(Circle((9, 5), 1.4, facecolor="black", edgecolor="none"), "a crossing"))
    rows.append(row(Line2D([1, 17], [5, 5], color=_BOUNDARY, lw=2.0), "international boundary"))
    rows.append(row(Line2D([1, 17], [5, 5], color=_COAST, lw=0.8), "coast"))
    rows.append(row(Line2D([1, 17], [5, 5], color=_STATE, lw=0.7), "state line"))
    box = AnchoredOffsetbox(
        loc="lower left", child=VPacker(children=rows, align="left", pad=0, sep=5), pad=0.6, borderpad=0.6, frameon=True
    )
    box.patch.set(facecolor="white", alpha=0.92, edgecolor="0.7", boxstyle="round,pad=0.2")
    box.set_zorder(8)
    ax.add_artist(box)
    return box


def _crosses(p: np.ndarray, q: np.ndarray, r: np.ndarray, s: np.ndarray) -> bool:
    """Whether segments p–q and r–s cross."""

    def turn(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
        return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    return turn(p, q, r) * turn(p, q, s) < 0 and turn(r, s, p) * turn(r, s, q) < 0


def _near_segment(p: np.ndarray, q: np.ndarray, circles: np.ndarray) -> int:
    """How many circles (x, y, r; r plus 8 px) the segment p–q passes by."""
    if circles.size == 0 or np.allclose(p, q):
        return 0
    d = q - p
    t = np.clip(((circles[:, :2] - p) @ d) / (d @ d), 0.0, 1.0)
    nearest = p + t[:, None] * d
    far_from_start = np.hypot(*(circles[:, :2] - p).T) > circles[:, 2] + 8
    close = np.hypot(*(circles[:, :2] - nearest).T) < circles[:, 2] + 8
    return int((close & far_from_start).sum())


def _place_labels(ax: Axes, points: np.ndarray, radii: np.ndarray, texts: list[str], obstacles: list[Box]) -> None:
    """Greedy label placement: each label (in the given order, most important first) takes the
    cheapest spot around its marker — inside the axes, clear of the labels already placed, the
    markers and *obstacles* (display boxes), its leader line crossing no other — nearest first.
    A label set off its marker gets a leader line from the marker's centre."""
    import matplotlib.patheffects as pe

    fig = ax.figure
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    scale = fig.dpi / 72.0
    xy = ax.transData.transform(points)
    circles = np.column_stack([xy, radii * scale])
    frame = ax.get_window_extent(renderer)
    placed = list(obstacles)
    leaders: list[tuple[np.ndarray, np.ndarray]] = []
    halo = [pe.withStroke(linewidth=2.6, foreground="white")]
    # Directions (degrees) in order of preference: straight up or down first, then the diagonals.
    angles = (
        90,
        270,
        60,
        120,
        300,
        240,
        30,
        150,
        330,
        210,
        0,
        180,
        75,
        105,
        285,
        255,
        45,
        135,
        315,
        225,
        15,
        165,
        345,
        195,
    )
    inverse = ax.transData.inverted()
    for i, text in enumerate(texts):
        artist = ax.text(
            0,
            0,
            text,
            fontsize=7.2,
            linespacing=1.05,
            zorder=7,
            path_effects=halo,
            ha="center",
            va="center",
            gid="marker-label",
        )
        extent = artist.get_window_extent(renderer)
        width, height = extent.width + 3, extent.height + 2
        centre = xy[i]
        others = np.delete(circles, i, axis=0)
        others[:, 2] += 3 * scale  # a label right beside another marker reads as that marker's
        best: tuple[float, Box, np.ndarray] | None = None
        for gap in (2, 8, 16, 26, 38, 52, 68, 86, 106, 130, 160, 200):
            for k, angle in enumerate(angles):
                dx, dy = np.cos(np.radians(angle)), np.sin(np.radians(angle))
                distance = circles[i, 2] + gap * scale
                # The box's side facing the marker touches the circle of radius *distance*.
                cx = centre[0] + dx * (distance + width / 2 * abs(round(dx, 6)) ** 0.5)
                cy = centre[1] + dy * (distance + height / 2 * abs(round(dy, 6)) ** 0.5)
                box = (float(cx - width / 2), float(cy - height / 2), float(cx + width / 2), float(cy + height / 2))
                inside = (
                    frame.x0 + 2 <= box[0]
                    and box[2] <= frame.x1 - 2
                    and frame.y0 + 2 <= box[1]
                    and box[3] <= frame.y1 - 2
                )
                end = np.array([np.clip(centre[0], box[0], box[2]), np.clip(centre[1], box[1], box[3])])
                crossings = sum(_crosses(centre, end, a, b) for a, b in leaders)
                along = [centre + (end - centre) * t for t in np.linspace(0.15, 0.95, 8)]
                through = sum(1 for x0, y0, x1, y1 in placed if any(x0 < px < x1 and y0 < py < y1 for px, py in along))
                # A leader that ends beside another marker reads as that marker's.
                through += _near_segment(centre, end, others)
                cost = (
                    (0 if inside else 1000)
                    + 500 * _overlaps(box, placed)
                    + 150 * _circle_hits(box, others)
                    + 150 * _circle_hits(box, circles[i : i + 1])
                    + 45 * crossings
                    + 45 * through
                    + gap
                    + k * 0.25
                )
                if best is None or cost < best[0]:
                    best = (cost, box, end)
            if best is not None and best[0] < gap + 8:
                break
        assert best is not None
        _, box, end = best
        placed.append(box)
        x, y = inverse.transform(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
        artist.set_position((float(x), float(y)))
        if np.hypot(*(end - centre)) > circles[i, 2] + 5 * scale:
            leaders.append((centre, end))
            (ex, ey), (lx, ly) = inverse.transform(centre), inverse.transform(end)
            ax.plot([ex, lx], [ey, ly], color="0.2", lw=0.6, zorder=6, solid_capstyle="round")


def _map_extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """(west, east, south, north): every point with room for labels (more west, over the
    Pacific), at least 8° by 5°."""
    west, east = points[:, 0].min() - 2.2, points[:, 0].max() + 1.4
    south, north = points[:, 1].min() - 1.5, points[:, 1].max() + 1.3
    if east - west < 8:
        middle = (east + west) / 2
        west, east = middle - 4, middle + 4
    if north - south < 5:
        middle = (north + south) / 2
        south, north = middle - 2.5, middle + 2.5
    return float(west), float(east), float(south), float(north)


def _extents(artist: Artist, renderer: Any) -> Box:
    x0, y0, x1, y1 = artist.get_window_extent(renderer).extents
    return float(x0), float(y0), float(x1), float(y1)


def _draw_state_names(ax: Axes, renderer: Any, circles: np.ndarray, obstacles: list[Box]) -> None:
    """State names, light, where they fit inside the map clear of markers and *obstacles*
    (which the names placed join)."""
    import matplotlib.patheffects as pe

    from smartborder.data.geography import border_region

    frame = _extents(ax, renderer)
    for label in border_region().labels:
        artist = ax.text(
            label.lon,
            label.lat,
            label.name.upper(),
            fontsize=6.5,
            color="0.55",
            ha="center",
            va="center",
            zorder=1.5,
            fontstyle="italic",
            path_effects=[pe.withStroke(linewidth=2, foreground=_LAND)],
        )
        box = _extents(artist, renderer)
        inside = frame[0] < box[0] and box[2] < frame[2] and frame[1] < box[1] and box[3] < frame[3]
        if not inside or _overlaps(box, obstacles) or _circle_hits(box, circles):
            artist.remove()
        else:
            obstacles.append(box)


def plot_border_map(summary: pd.DataFrame, path: Path, title: str) -> Path:
    """Ports (or crossings) on a map of the border region: bubble area ∝ annual delay cost,
    colour = mean truck wait (white: no trucks), a dot at every crossing, every marker labelled.

    *summary* is ``BorderRun.by_port()`` (labels in ``port``, rows keyed by port code) or
    ``summary()`` (labels in ``name``). The boundary, coasts and states are the geography shipped
    with the package (``smartborder.data.geography``): drawing needs no network."""
    fig = border_map_figure(summary, title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The tight bounding box takes in the footnote below the axes.
    fig.savefig(path, dpi=MAP_DPI, bbox_inches="tight", pad_inches=0.15)
    plt.close(fig)
    return path


def border_map_figure(summary: pd.DataFrame, title: str) -> Figure:
    """The figure ``plot_border_map`` saves (drawn at ``MAP_DPI``); port labels have the gid
    ``"marker-label"``, the footnote ``"footnote"``."""
    from matplotlib.colors import Normalize

    from smartborder import data

    table = summary.dropna(subset=["latitude", "longitude"]).sort_values("delay_cost_usd", ascending=False)
    points = table[["longitude", "latitude"]].to_numpy(dtype=float)
    by_port = "port_code" not in table.columns
    crossings = [c for code in table.index for c in data.crossings_of(str(code))] if by_port else []
    dots = np.array([(c.lon, c.lat) for c in crossings], dtype=float).reshape(-1, 2)
    west, east, south, north = _map_extent(np.vstack([points, dots]))
    mid_lat = (south + north) / 2

    fig = plt.figure(figsize=(13, 7.4), dpi=MAP_DPI)
    ax = fig.add_axes((0.05, 0.07, 0.93, 0.86))
    _draw_geography(ax)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    # Equirectangular, true to scale at the middle latitude.
    ax.set_aspect(1 / np.cos(np.radians(mid_lat)), adjustable="box")

    cost = table["delay_cost_usd"].fillna(0).to_numpy(dtype=float)
    top = float(cost.max()) if cost.max() > 0 else 1.0
    max_area = 1600.0  # points², the largest bubble
    area = np.maximum(max_area * cost / top, 14.0)  # area ∝ cost; the smallest still visible
    wait = table["truck_wait_min"].to_numpy(dtype=float)
    trucks = table["trucks_per_day"].fillna(0).to_numpy(dtype=float) if "trucks_per_day" in table else wait
    has_trucks = np.isfinite(wait) & (trucks > 0)
    norm = Normalize(0, max(5.0, float(np.ceil(wait[has_trucks].max() / 5) * 5)) if has_trucks.any() else 5.0)
    cmap = plt.get_cmap("YlOrRd")
    faces = [cmap(norm(w)) if ok else (1.0, 1.0, 1.0, 1.0) for w, ok in zip(wait, has_trucks, strict=True)]
    ax.scatter(points[:, 0], points[:, 1], s=area, c=faces, edgecolors="#333333", linewidths=0.7, alpha=0.88, zorder=4)
    if dots.size:
        ax.scatter(dots[:, 0], dots[:, 1], s=5, color="black", zorder=5, linewidths=0)

    # Degrees on the axes, a light graticule.
    ax.xaxis.set_major_locator(matplotlib.ticker.MultipleLocator(2))
    ax.yaxis.set_major_locator(matplotlib.ticker.MultipleLocator(2))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(v):.0f}°W"))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.0f}°N"))
    ax.tick_params(labelsize=8, length=3, color="0.5", labelcolor="0.35")
    ax.grid(color="white", lw=0.5, alpha=0.9, zorder=0.6)
    for spine in ax.spines.values():
        spine.set_edgecolor("0.6")
    ax.set_title(title, loc="left", fontsize=12)

    key = _map_key(ax, max_area, top, show_no_trucks=bool((~has_trucks).any()), show_dots=bool(dots.size))
    cax = ax.inset_axes((0.70, 0.93, 0.26, 0.022))
    colourbar = fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
    colourbar.set_label("mean truck wait to primary (min)", fontsize=7.5, labelpad=2)
    colourbar.ax.tick_params(labelsize=7)
    colourbar.ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5, integer=True))
    cax.xaxis.set_label_position("top")

    fig.canvas.draw()  # the final transforms and text extents, which the labels are placed by
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    obstacles = [_extents(key, renderer), _extents(cax, renderer)]
    obstacles[-1] = (obstacles[-1][0], obstacles[-1][1] - 14, obstacles[-1][2], obstacles[-1][3] + 14)  # tick text
    radii = np.sqrt(area / np.pi)
    circles = np.column_stack([ax.transData.transform(points), radii * fig.dpi / 72])
    _draw_state_names(ax, renderer, circles, obstacles)

    names = table["port"] if by_port and "port" in table.columns else table["name"]
    count = table["crossings"] if "crossings" in table.columns else pd.Series(1, index=table.index)
    texts = [
        f"{short_name(str(n), keep_kind=False)}{f' ({int(k)})' if k > 1 else ''}\n{money(c)}"
        for n, k, c in zip(names, count, cost, strict=True)
    ]
    _place_labels(ax, points, radii, texts, obstacles)

    what = "port" if by_port else "crossing"
    note = (
        f"Bubble area: annual delay cost of each {what} (value of travellers' time + idling fuel); "
        f"{len(table)} {what}s"
        + (f", {len(dots)} crossings (dots); (n): crossings at the port." if dots.size else ".")
        + "\nVolumes: U.S. DOT BTS Border Crossing/Entry Data, CBP counts by bridge. Map: Natural Earth, "
        f"U.S. Census Bureau (public domain); equirectangular, true to scale at {mid_lat:.0f}°N."
    )
    ax.annotate(
        note,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -22),
        textcoords="offset points",
        va="top",
        ha="left",
        fontsize=7.5,
        color="0.35",
        gid="footnote",
    )
    return fig


def plot_permit_projection(table: pd.DataFrame, path: Path) -> Path:
    """Permits issued, waiting list and holders by year."""
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    table = table.assign(issued=table["issued"] + table.get("issued_outside_cap", 0))  # within the cap or not
    for column, label in (
        ("issued", "new permits issued"),
        ("waiting", "waiting list"),
        ("holders", "permit holders"),
        ("eligible_for_residency", "to residency"),
    ):
        ax.plot(table.index, table[column], marker="o", ms=3, label=label)
    ax.set_xlabel("year")
    ax.set_ylabel("persons")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Temporary work permit program projection (seed 004 rules)")
    return _save(fig, path)
