"""Charts as plotly figure dicts (``{"data": [...], "layout": {...}}``), built here and drawn
in the browser by plotly.js, which the app serves from the plotly package. Maps are plain x/y
line and marker traces over the shipped geography (``geo``), so no map tiles or topojson are
ever fetched."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from smartborder import vocabulary
from smartborder.service.dashboard.geo import KINDS
from smartborder.vocabulary import ALL_LANES, class_title, short_name

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12, "color": "#1f2933"}
#: One colour per lane type, the same on every chart.
LANE_COLOURS = {
    "standard": "#3b6ea5",
    "FAST": "#d9822b",
    "SENTRI": "#2e8b57",
    "Ready": "#8e44ad",
    "pre_inspected": "#c0392b",
}
CLASS_NAMES = {vehicle: class_title(vehicle) for vehicle in vocabulary.CLASS_NAMES}
LINE_STYLES = {
    "state": {"color": "#b8c0cc", "width": 0.8, "dash": "dot"},
    "coast": {"color": "#6b9ac4", "width": 1.1},
    "boundary": {"color": "#4a5563", "width": 1.8},
}
#: Degrees of longitude per degree of latitude at the border (~29.5° N): keeps the map's shape.
ASPECT = 1 / math.cos(math.radians(29.5))


def base_layout(**changes: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": FONT,
        "margin": {"l": 56, "r": 16, "t": 28, "b": 44},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT["family"]}},
        "legend": {"orientation": "h", "y": -0.22, "x": 0},
    }
    layout.update(changes)
    return layout


LAND_COLOURS = {"United States": "#f4f1ea", "Mexico": "#efece4"}
SEA = "#dfeaf3"


def geography_traces(geo: dict[str, Any], labels: bool = True) -> list[dict[str, Any]]:
    """Land (filled), then state lines, coasts and the boundary (one trace per kind, gaps
    between polylines), then the state names, under whatever a map shows."""
    traces: list[dict[str, Any]] = []
    for land in geo.get("land", []):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in land["rings"]:
            xs += [*ring["lon"], None]
            ys += [*ring["lat"], None]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "fill": "toself",
                "fillcolor": LAND_COLOURS.get(land["name"], "#f2f0ea"),
                "line": {"width": 0},
                "name": land["name"],
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    for kind in KINDS:
        xs, ys = [], []
        for line in geo["lines"]:
            if line["kind"] == kind:
                xs += [*line["lon"], None]
                ys += [*line["lat"], None]
        if xs:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": ys,
                    "name": kind,
                    "line": LINE_STYLES[kind],
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
    if labels and geo.get("labels"):
        traces.append(
            {
                "type": "scatter",
                "mode": "text",
                "x": [label["at"][0] for label in geo["labels"]],
                "y": [label["at"][1] for label in geo["labels"]],
                "text": [label["name"].upper() for label in geo["labels"]],
                "textfont": {"size": 9, "color": "#9aa3ae"},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    return traces


def _map_axes(xrange: Sequence[float], yrange: Sequence[float]) -> dict[str, Any]:
    axis = {
        "showgrid": False,
        "zeroline": False,
        "showticklabels": False,
        "ticks": "",
        "fixedrange": False,
        "showline": False,
    }
    # The ranges grow to fill the plot at the map's aspect (plotly's default "range" constraint).
    return {
        "xaxis": {**axis, "range": list(xrange)},
        "yaxis": {**axis, "range": list(yrange), "scaleanchor": "x", "scaleratio": ASPECT},
    }


def border_map(
    rows: list[dict[str, Any]],
    key: str,
    label: str,
    unit: str,
    colours: list[list[Any]],
    geo: dict[str, Any],
    text: list[str],
) -> dict[str, Any]:
    """Ports (or crossings) at their coordinates over the border: marker area ∝ the KPI, colour
    the KPI; those without a figure as small grey dots. *text* is each row's formatted value."""
    values = [r.get(key) for r in rows]
    have = [i for i, v in enumerate(values) if v is not None]
    top = max((float(values[i]) for i in have), default=0.0)  # type: ignore[arg-type]
    traces = geography_traces(geo)
    missing = [i for i, v in enumerate(values) if v is None]
    if missing:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "no figure",
                "x": [rows[i]["lon"] for i in missing],
                "y": [rows[i]["lat"] for i in missing],
                "customdata": [[rows[i]["url"], "no figure", rows[i]["label"]] for i in missing],
                "marker": {"size": 6, "color": "#c3c9d2", "line": {"color": "#8a94a3", "width": 0.5}},
                "hovertemplate": "<b>%{customdata[2]}</b><br>" + label + ": none<extra></extra>",
                "showlegend": False,
            }
        )
    order = sorted(have, key=lambda i: -float(values[i]))  # type: ignore[arg-type]  # big ones drawn first
    sizes = [8 + 40 * math.sqrt(max(float(values[i]), 0.0) / top) if top > 0 else 8 for i in order]  # type: ignore[arg-type]
    labelled: list[int] = []  # the biggest, but none too close to one already labelled
    for i in order:
        if len(labelled) == 6:
            break
        if all(
            abs(rows[i]["lon"] - rows[j]["lon"]) > 1.2 or abs(rows[i]["lat"] - rows[j]["lat"]) > 0.6 for j in labelled
        ):
            labelled.append(i)
    traces.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": label,
            "x": [rows[i]["lon"] for i in order],
            "y": [rows[i]["lat"] for i in order],
            "text": [short_name(rows[i]["name"]) if i in labelled else "" for i in order],
            "textposition": "top center",
            "textfont": {"size": 11, "color": "#1f2933"},
            "customdata": [[rows[i]["url"], text[i], rows[i]["label"]] for i in order],
            "marker": {
                "size": sizes,
                "color": [values[i] for i in order],
                "colorscale": colours,
                "cmin": 0,
                "opacity": 0.85,
                "line": {"color": "#1f2933", "width": 0.6},
                "colorbar": {
                    "title": {"text": unit, "side": "right"},
                    "thickness": 12,
                    "len": 0.8,
                    "tickformat": "~s",
                    "x": 1.0,
                    "xpad": 4,
                },
            },
            "hovertemplate": "<b>%{customdata[2]}</b><br>" + label + ": %{customdata[1]}<extra></extra>",
            "showlegend": False,
        }
    )
    layout = base_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        dragmode="pan",
        plot_bgcolor=SEA,
        **_map_axes((-118.7, -96.4), (24.6, 33.8)),
    )
    return {"data": traces, "layout": layout}


#: Colours of the lines of a port's crossings (the port's own total is navy).
SERIES_COLOURS = ("#14213d", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#17a2b8")


def volume_chart(
    series: dict[str, tuple[list[str], list[float]]], title: str, colours: dict[str, str] | None = None
) -> dict[str, Any]:
    """Monthly counts of one measure, a line per source (the port's BTS total, each bridge)."""
    traces = []
    for k, (name, (months, values)) in enumerate(series.items()):
        colour = (colours or {}).get(name, SERIES_COLOURS[k % len(SERIES_COLOURS)])
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": months,
                "y": values,
                "line": {"width": 2 if k == 0 else 1.1, "color": colour},
                "hovertemplate": "%{x|%b %Y}: %{y:,.0f}<extra>" + name + "</extra>",
            }
        )
    layout = base_layout(
        title={"text": title, "x": 0, "font": {"size": 13}},
        margin={"l": 48, "r": 12, "t": 32, "b": 28},
        height=220,
        showlegend=False,
        yaxis={"tickformat": "~s", "gridcolor": "#eef1f4", "rangemode": "tozero"},
        xaxis={"gridcolor": "#eef1f4", "type": "date"},
    )
    return {"data": traces, "layout": layout}


def hourly_chart(
    vehicle: str,
    day: str,
    simulated: dict[str, dict[str, list[float | None]]],
    staffed: dict[str, dict[str, list[float]]],
    observed: dict[str, dict[str, list[float | None]]],
) -> dict[str, Any]:
    """Mean wait to primary by hour of arrival for each lane type on a *day* type (solid),
    CBP's observed waits beside them (dotted diamonds), and lanes staffed (shaded steps, right
    axis); one legend entry per lane type toggles all three."""
    hours = list(range(24))
    traces: list[dict[str, Any]] = []
    lanes = list(dict.fromkeys([*simulated, *staffed, *observed]))
    for lane in lanes:
        colour = LANE_COLOURS.get(lane, "#555")
        first = True
        if lane in staffed:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": hours,
                    "y": staffed[lane][day],
                    "name": lane,
                    "legendgroup": lane,
                    "showlegend": False,
                    "yaxis": "y2",
                    "line": {"color": colour, "width": 6, "shape": "hvh"},
                    "opacity": 0.22,
                    "hovertemplate": "%{x}:00 %{y} lanes staffed<extra>" + lane + "</extra>",
                }
            )
        if lane in simulated:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": hours,
                    "y": simulated[lane][day],
                    "name": lane,
                    "legendgroup": lane,
                    "showlegend": first,
                    "line": {"color": colour, "width": 2.4},
                    "marker": {"size": 4},
                    "connectgaps": False,
                    "hovertemplate": "%{x}:00 %{y:.1f} min simulated<extra>" + lane + "</extra>",
                }
            )
            first = False
        if lane in observed:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": hours,
                    "y": observed[lane][day],
                    "name": lane,
                    "legendgroup": lane,
                    "showlegend": first,
                    "line": {"color": colour, "width": 1.3, "dash": "dot"},
                    "marker": {"size": 6, "symbol": "diamond-open"},
                    "connectgaps": False,
                    "hovertemplate": "%{x}:00 %{y:.1f} min observed by CBP<extra>" + lane + "</extra>",
                }
            )
    title = f"{CLASS_NAMES.get(vehicle, vehicle)} — {day}s"
    layout = base_layout(
        title={"text": title, "x": 0, "font": {"size": 14}},
        height=300,
        margin={"l": 52, "r": 48, "t": 34, "b": 40},
        xaxis={"title": {"text": "hour of arrival (local)"}, "dtick": 3, "range": [-0.5, 23.5], "gridcolor": "#eef1f4"},
        yaxis={"title": {"text": "min to primary"}, "rangemode": "tozero", "gridcolor": "#eef1f4"},
        yaxis2={
            "title": {"text": "lanes staffed"},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            "tickmode": "auto",
            "nticks": 6,
            "tickformat": "~g",
        },
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.13, "font": {"size": 11}},
    )
    return {"data": traces, "layout": layout}


def comparison_chart(rows: list[dict[str, Any]], headline: str) -> dict[str, Any]:
    """Change in mean wait per class (and, at the *headline* place, per lane type) with its 95 %
    interval: red where the scenario makes a wait materially longer, green where significantly
    shorter, grey where neither."""
    chosen = [
        r
        for r in rows
        if r["figure"] == "mean wait"
        and r.get("change") is not None
        and (r["place"] == headline or r["lane"] == ALL_LANES)
    ]
    chosen.sort(key=lambda r: r["place"] != headline)  # stable: the headline place first
    chosen.reverse()  # plotly draws categories bottom-up
    labels = [f"{r['place']} · {CLASS_NAMES.get(r['class'], r['class'])} · {r['lane']}" for r in chosen]
    colours = [
        "#c0392b"
        if r.get("worse")
        else "#2e8b57"
        if r.get("verdict") in ("yes", "small") and r["change"] < 0
        else "#8a94a3"
        for r in chosen
    ]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "x": [r["change"] for r in chosen],
        "marker": {"color": colours},
        "error_x": {
            "type": "data",
            "array": [r.get("ci95") or 0 for r in chosen],
            "color": "#1f2933",
            "thickness": 1.2,
            "width": 4,
        },
        "hovertemplate": "%{y}<br>change %{x:+.2f} min<extra></extra>",
    }
    layout = base_layout(
        height=max(220, 26 * len(chosen) + 90),
        margin={"l": 260, "r": 20, "t": 10, "b": 44},
        xaxis={
            "title": {"text": "change in mean wait, min (± 95 % CI)"},
            "zeroline": True,
            "zerolinecolor": "#1f2933",
            "gridcolor": "#eef1f4",
        },
        yaxis={"automargin": True},
        showlegend=False,
    )
    return {"data": [trace], "layout": layout}


def track_map(
    geo: dict[str, Any],
    route: list[list[float]],
    pings: list[dict[str, Any]],
    events: list[dict[str, Any]],
    anomalies: list[dict[str, Any]],
    origin: dict[str, Any],
    port: dict[str, Any] | None,
) -> dict[str, Any]:
    """A shipment's planned route, its GPS pings and custody events, and each finding where it
    happened, over the border."""
    traces = geography_traces(geo, labels=False)
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "planned route",
            "x": [p[0] for p in route],
            "y": [p[1] for p in route],
            "line": {"color": "#3b6ea5", "width": 3},
            "opacity": 0.5,
            "hoverinfo": "skip",
        }
    )
    if pings:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "GPS pings",
                "x": [p["lon"] for p in pings],
                "y": [p["lat"] for p in pings],
                "text": [p["at"] for p in pings],
                "line": {"color": "#1f2933", "width": 1},
                "marker": {"size": 4, "color": "#1f2933"},
                "hovertemplate": "ping %{text}<extra></extra>",
            }
        )
    located = [e for e in events if e.get("lat") is not None]
    if located:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "custody events",
                "x": [e["lon"] for e in located],
                "y": [e["lat"] for e in located],
                "text": [f"{e['biz_step']} {e['at']}" for e in located],
                "marker": {"size": 10, "symbol": "square", "color": "#d9822b"},
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    placed = [a for a in anomalies if a.get("lat") is not None]
    if placed:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "findings",
                "x": [a["lon"] for a in placed],
                "y": [a["lat"] for a in placed],
                "text": [f"{a['kind']} ({a['severity']}) {a['at']}" for a in placed],
                "marker": {"size": 14, "symbol": "x", "color": "#c0392b", "line": {"width": 1}},
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    ends = [("origin", origin, "#2e8b57")] + ([("port of entry", port, "#8e44ad")] if port else [])
    traces.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "origin and port",
            "x": [p["lon"] for _, p, _ in ends],
            "y": [p["lat"] for _, p, _ in ends],
            "text": [p["name"] for _, p, _ in ends],
            "textposition": "middle right",
            "marker": {"size": 12, "symbol": "star", "color": [c for _, _, c in ends]},
            "hovertemplate": "%{text}<extra></extra>",
        }
    )
    xs = [p[0] for p in route] + [p["lon"] for p in pings] + [p["lon"] for _, p, _ in ends]
    ys = [p[1] for p in route] + [p["lat"] for p in pings] + [p["lat"] for _, p, _ in ends]
    pad_x = max(0.3, (max(xs) - min(xs)) * 0.25)
    pad_y = max(0.3, (max(ys) - min(ys)) * 0.15)
    layout = base_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=420,
        dragmode="pan",
        plot_bgcolor=SEA,
        legend={"orientation": "h", "y": 0, "x": 0, "bgcolor": "rgba(255,255,255,0.8)"},
        **_map_axes((min(xs) - pad_x, max(xs) + pad_x), (min(ys) - pad_y, max(ys) + pad_y)),
    )
    return {"data": traces, "layout": layout}


def targeting_chart(stats: dict[str, Any]) -> dict[str, Any]:
    """Hit rates of targeted, random and other inspections, with how many each rests on."""
    groups = [("targeted", "targeted (red channel)"), ("random", "random selection"), ("other", "other outcomes")]
    rates = [stats[g].get("hit_rate") for g, _ in groups]
    counts = [stats[g].get("inspections_recorded", 0) for g, _ in groups]
    trace = {
        "type": "bar",
        "x": [label for _, label in groups],
        "y": [r if r is not None else 0 for r in rates],
        "text": [f"{(r or 0):.0%} of {n:,}" if n else "no outcomes" for r, n in zip(rates, counts, strict=True)],
        "textposition": "outside",
        "marker": {"color": ["#c0392b", "#3b6ea5", "#8a94a3"]},
        "hovertemplate": "%{x}: %{text}<extra></extra>",
    }
    layout = base_layout(
        height=300,
        yaxis={"tickformat": ".0%", "rangemode": "tozero", "gridcolor": "#eef1f4", "title": {"text": "hit rate"}},
        margin={"l": 56, "r": 16, "t": 16, "b": 40},
        showlegend=False,
    )
    return {"data": [trace], "layout": layout}


def channels_chart(channels: dict[str, int]) -> dict[str, Any]:
    colours = {"red": "#c0392b", "yellow": "#e1b12c", "green": "#2e8b57", "blue": "#3b6ea5"}
    names = sorted(channels, key=lambda c: list(colours).index(c) if c in colours else 9)
    trace = {
        "type": "bar",
        "x": names,
        "y": [channels[n] for n in names],
        "marker": {"color": [colours.get(n, "#8a94a3") for n in names]},
        "hovertemplate": "%{x}: %{y:,}<extra></extra>",
    }
    layout = base_layout(
        height=300,
        yaxis={"rangemode": "tozero", "gridcolor": "#eef1f4", "title": {"text": "arrivals"}},
        margin={"l": 56, "r": 16, "t": 16, "b": 40},
        showlegend=False,
    )
    return {"data": [trace], "layout": layout}
