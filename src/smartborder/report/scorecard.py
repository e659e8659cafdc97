"""The scorecard as a page: per port and crossing, every KPI with its target, light and trend.

``write_scorecard_report(scorecard, out)`` writes ``scorecard.html`` (self-contained) and
``scorecard.csv`` (the same rows, one per port, place, class, lane and KPI) into *out*. The
page ends with every target and its reasoning or source, and the rule that sets the lights.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from smartborder.policy.deciding.scorecard import KPIS, Scorecard
from smartborder.report.html import _fmt_cell, _page
from smartborder.report.summary import CLASS_NAMES
from smartborder.vocabulary import ALL_LANES

COLOURS = {"green": "#d7f0d2", "amber": "#fbe6b8", "red": "#f6cccc", "none": "#ffffff"}
SHARES = ("trusted_share", "secondary_rate", "interdiction_rate")


def value_text(kpi: str, value: float, digits: int = 1) -> str:
    """A KPI's value as a reader wants it (shares as percentages)."""
    if value is None or not np.isfinite(value):
        return "–"
    if kpi in SHARES:
        return f"{value * 100:.1f} %"
    return _fmt_cell(float(value), digits)


def _rows(block: pd.DataFrame, years: list[int]) -> str:
    out = []
    for _, row in block.iterrows():
        kpi = str(row["kpi"])
        label, unit = KPIS[kpi]
        lane = "" if row["lane"] == ALL_LANES else f"{row['lane']} lanes"
        target = "–" if row["target"] is None or not np.isfinite(row["target"]) else value_text(kpi, row["target"])
        if row.get("target_kind") == "trend" and target != "–":
            target += " (last year's per vehicle)"
        ci = "" if not np.isfinite(row["ci95"]) else f" ± {value_text(kpi, row['ci95'])}"
        trend = " → ".join(value_text(kpi, v) for v in row["trend"])
        colour = COLOURS[str(row["light"])]
        out.append(
            f"<tr><td class='t'>{html.escape(CLASS_NAMES.get(str(row['class']), str(row['class'])))}</td>"
            f"<td class='t'>{html.escape(lane)}</td><td class='t'>{html.escape(label)}</td>"
            f"<td class='t'>{html.escape(unit)}</td><td>{value_text(kpi, row['value'])}{ci}</td>"
            f"<td>{html.escape(target)}</td><td class='t' style='background:{colour}'>{row['light']}</td>"
            f"<td class='t'>{html.escape(trend)}</td></tr>"
        )
    head = (
        "<tr><th>Class</th><th>Lane</th><th>KPI</th><th>Unit</th><th>Value</th><th>Target</th>"
        f"<th>Light</th><th>Trend {years[0]}–{years[-1]}</th></tr>"
    )
    return f"<table><thead>{head}</thead><tbody>{''.join(out)}</tbody></table>"


def _targets(scorecard: Scorecard) -> str:
    t = scorecard.targets
    items = []
    for kpi, (label, unit) in KPIS.items():
        spec = t.of(kpi)
        if spec is None:
            continue
        values = ", ".join(
            f"{CLASS_NAMES.get(v, v)} {getattr(spec, v)}"
            for v in ("truck", "pov", "pedestrian", "bus", "trusted")
            if getattr(spec, v) is not None
        )
        rule = (
            "change per vehicle allowed against the previous year"
            if spec.kind == "trend"
            else f"{'at most' if spec.better == 'lower' else 'at least'} ({unit})"
        )
        items.append(
            f"<li><b>{html.escape(label)}</b> — {html.escape(rule)}: {html.escape(values)}. "
            f"<span class='note'>{html.escape(spec.source)}</span></li>"
        )
    return (
        f"<h2>Targets and their sources</h2><p class='note'>Green meets the target; amber misses it by at most "
        f"{t.amber:.0%} ({html.escape(t.amber_source)}); red misses it by more; no light without a target. "
        "Override with <code>--targets FILE</code> (same shape as <code>policy/scorecard_targets.toml</code>).</p>"
        f"<ul>{''.join(items)}</ul>"
    )


def write_scorecard_report(scorecard: Scorecard, out: Path) -> Path:
    """``scorecard.html`` and ``scorecard.csv`` in *out*; returns the page's path."""
    out.mkdir(parents=True, exist_ok=True)
    scored = scorecard.scored()
    flat = scored.assign(trend=[" ".join("" if not np.isfinite(v) else f"{v:.6g}" for v in t) for t in scored["trend"]])
    flat.drop(columns=["vehicles"]).to_csv(out / "scorecard.csv", index=False)
    counts = scorecard.counts()
    parts = [
        (
            f"<p class='lead'>{len(scorecard.ports)} port(s), {scorecard.year}: {counts['green']} KPIs green, "
            f"{counts['amber']} amber, {counts['red']} red (trend {scorecard.years[0]}–{scorecard.years[-1]}, "
            f"{scorecard.replications} replication(s), seed {scorecard.seed}). Every figure is "
            "<code>simulate PORT --year Y</code>'s with the same seed and replications.</p>"
        )
    ]
    notes = [*scorecard.notes, *(f"warning: {w}" for w in scorecard.warnings)]
    if notes:
        parts.append("<ul class='note'>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    for port in scorecard.ports:
        rows = scored[scored["port_code"] == port["code"]]
        parts.append(f"<h2>{html.escape(port['label'])}</h2>")
        places = list(dict.fromkeys(rows["place"]))
        for place in sorted(places, key=lambda p: p != "all"):
            block = rows[rows["place"] == place]
            if len(places) > 1:
                parts.append(f"<h3>{html.escape(str(block['place_name'].iloc[0]))}</h3>")
            parts.append(_rows(block, scorecard.years))
    parts.append(_targets(scorecard))
    page = out / "scorecard.html"
    page.write_text(_page(f"Port scorecard {scorecard.year}", "".join(parts)), encoding="utf-8")
    return page


__all__ = ["value_text", "write_scorecard_report"]
