"""Self-contained HTML reports (figures embedded) plus CSV/Parquet tables, for a run or a comparison.

Every report lists the model's estimates and the cost figures' sources, so a reader can tell a
published fact from an assumption.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from smartborder.policy.analysis import PortRun
from smartborder.policy.costs import SEED_CONTEXT, CostParameters
from smartborder.policy.place import PlaceRun, mean_table, staffing_shape, worse_waits
from smartborder.policy.study import Study
from smartborder.ports.spec import PortSpec
from smartborder.report import figures
from smartborder.report.tables import hourly_frame, staffing_table

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.45}
table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child{text-align:left}img{max-width:100%}
.note{color:#555;font-size:13px}.estimate{color:#8a5a00}h2{border-bottom:2px solid #4a78b0;padding-bottom:2px}
"""


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")


def _provenance(specs: list[PortSpec]) -> str:
    estimates: dict[str, str] = {}
    facts: dict[str, str] = {}
    for spec in specs:
        prefix = f"{spec.crossing}: " if len(specs) > 1 else ""
        for key, value in spec.provenance.items():
            (facts if value.startswith("FACT") else estimates)[prefix + key] = value
    items = "".join(f"<li><code>{html.escape(k)}</code>: <span class='estimate'>{html.escape(v)}</span></li>"
                    for k, v in sorted(estimates.items()))
    fact_items = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v)}</li>" for k, v in sorted(facts.items()))
    costs = "".join(f"<li><code>{name}</code> = {getattr(CostParameters(), name)}: {html.escape(field.description or '')}</li>"
                    for name, field in CostParameters.model_fields.items())
    context = "".join(f"<li>{html.escape(v)}</li>" for v in SEED_CONTEXT.values())
    return (f"<h2>What is assumed</h2><p class='note'>Estimates and placeholders in this model "
            f"(override them in a crossing model file, a staffing file or a scenario):</p><ul class='note'>{items}</ul>"
            f"<h2>Published facts used</h2><ul class='note'>{fact_items}</ul>"
            f"<h2>Cost figures</h2><ul class='note'>{costs}</ul>"
            f"<h2>Context from the seeds (not inputs)</h2><ul class='note'>{context}</ul>")


def headline(run: PortRun) -> pd.DataFrame:
    """The KPI table with 95 % intervals, rows in a readable order."""
    table = run.table()
    table.index.name = "figure"
    return table


def _notes(study: Study) -> str:
    lines = [*study.notes, *(f"warning: {w}" for w in study.warnings)]
    return ("<ul class='note'>" + "".join(f"<li>{html.escape(t)}</li>" for t in lines) + "</ul>") if lines else ""


def write_simulation_report(study: Study, run: PlaceRun, out: Path) -> Path:
    """``report.html`` with figures, and ``kpis.csv``/``.parquet``, ``replications.csv``,
    ``hourly.csv`` (waits and lanes staffed by hour) and ``staffing.csv`` (the schedule file
    format) in *out*."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frames = {spec.crossing: headline(run.runs[spec.crossing]) for spec in study.specs}
    if len(run.runs) > 1:
        frames["total"] = mean_table(run.totals())
    table = pd.concat(frames, names=["crossing", "figure"])
    table.to_csv(out / "kpis.csv")
    table.reset_index().to_parquet(out / "kpis.parquet", index=False)
    pd.concat({c: r.runs for c, r in run.runs.items()}, names=["crossing", "replication"]).to_csv(
        out / "replications.csv")
    hourly_frame(study, run).to_csv(out / "hourly.csv", index=False)
    staffing_table(study).to_csv(out / "staffing.csv", index=False)
    sections = []
    for spec in study.specs:
        crossing_run = run.runs[spec.crossing]
        shape = figures.plot_hourly_lanes(crossing_run.hourly.mean(), staffing_shape([spec]),
                                          out / f"hourly_lanes_{spec.crossing}.png", spec.name)
        figs = _img(shape)
        if crossing_run.last is not None:
            paths = [figures.plot_wait_distribution(crossing_run.last, out / f"wait_distribution_{spec.crossing}.png"),
                     figures.plot_queue_typical_day(crossing_run.last, out / f"queue_typical_day_{spec.crossing}.png")]
            figs += "".join(_img(p) for p in paths)
        if crossing_run.stations is not None:
            crossing_run.stations.to_csv(out / f"stations_{spec.crossing}.csv", index_label="station")
        sections.append(f"<h2>{html.escape(spec.name)}</h2>"
                        f"<h3>Key figures</h3>{frames[spec.crossing].to_html(float_format=lambda v: f'{v:,.2f}')}"
                        f"<h3>Figures</h3>{figs}")
    if len(run.runs) > 1:
        sections.insert(0, f"<h2>All {len(run.runs)} crossings</h2>"
                           f"{frames['total'].to_html(float_format=lambda v: f'{v:,.2f}')}")
    period = f"{run.months[0]} to {run.months[-1]}"
    body = (
        f"<p>{run.replications} replications, seed {run.seed}, {period}. Mean with 95 % confidence "
        f"half-width over replications. Waits are minutes from joining the queue to reaching "
        f"primary inspection (as CBP's Border Wait Times measure them), for vehicles arriving while "
        f"their lanes are open; time spent waiting for a crossing to open is reported apart.</p>"
        + _notes(study) + "".join(sections) + _provenance(study.specs)
    )
    path = out / "report.html"
    path.write_text(_page(f"smartborder — {study.label}", body), encoding="utf-8")
    return path


def write_comparison_report(study: Study, baseline: PlaceRun,
                            scenarios: dict[str, tuple[PlaceRun, dict[str, pd.DataFrame]]], out: Path) -> Path:
    """``comparison.html`` and one ``compare_<scenario>.csv`` per scenario in *out*."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sections = []
    for name, (run, diffs) in scenarios.items():
        slug = "".join(c if c.isalnum() else "_" for c in name)
        table = pd.concat(diffs, names=["crossing", "figure"])
        table.to_csv(out / f"compare_{slug}.csv")
        table.reset_index().to_parquet(out / f"compare_{slug}.parquet", index=False)
        parts = []
        for crossing, diff in diffs.items():
            label = "All crossings" if crossing == "total" else run.runs[crossing].spec.name
            figure = ""
            if crossing != "total":
                figure = _img(figures.plot_hourly_lanes(
                    run.runs[crossing].hourly.mean(), staffing_shape([run.runs[crossing].spec]),
                    out / f"hourly_lanes_{slug}_{crossing}.png", f"{label} under {name}"))
            parts.append(f"<h3>{html.escape(label)}</h3>{diff.to_html(float_format=lambda v: f'{v:,.3f}')}{figure}")
        worse = worse_waits(diffs)
        flagged = "".join(
            f"<li><b>worse</b>: the {html.escape(str(w['class']))} wait "
            f"({html.escape(str((w['lane'] and w['lane'] + ' lanes') or (w['holders'] and w['holders'] + ' holders') or 'all'))})"
            f"{'' if len(diffs) == 1 else ' at ' + html.escape(str(w['crossing']))}: {w['baseline']:.1f} → "
            f"{w['scenario']:.1f} min (+{w['difference']:.1f} ± {w['ci95']:.1f})</li>" for w in worse)
        summary = (f"<p class='warn'>{html.escape(name)} makes these waits materially longer:</p><ul>{flagged}</ul>"
                   if worse else f"<p>{html.escape(name)} makes no wait materially longer.</p>")
        sections.append(f"<h2>{html.escape(name)} vs baseline</h2>" + summary + "".join(parts))
    for spec in study.specs:  # crossing ids are file-name safe (a-z, 0-9, hyphens)
        sections.append(f"<h2>Baseline: {html.escape(spec.name)}</h2>" + _img(figures.plot_hourly_lanes(
            baseline.runs[spec.crossing].hourly.mean(), staffing_shape([spec]),
            out / f"hourly_lanes_baseline_{spec.crossing}.png", spec.name)))
    body = (
        f"<p>{baseline.replications} replications with common random numbers; a difference is "
        f"<b>significant</b> when its 95 % interval excludes zero, and <b>material</b> when it is also at "
        f"least 1 minute for a wait or 1 % of the baseline otherwise (smaller significant changes are "
        f"marked small).</p>" + _notes(study) + "".join(sections)
        + _provenance(study.specs)
    )
    path = out / "comparison.html"
    path.write_text(_page(f"smartborder — {study.label}: scenarios", body), encoding="utf-8")
    return path
