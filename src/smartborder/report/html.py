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
from smartborder.report import figures

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


def _provenance(run: PortRun) -> str:
    items = "".join(f"<li><code>{html.escape(k)}</code>: <span class='estimate'>{html.escape(v)}</span></li>"
                    for k, v in sorted(run.spec.estimates().items()))
    facts = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v)}</li>"
                    for k, v in sorted(run.spec.provenance.items()) if v.startswith("FACT"))
    costs = "".join(f"<li><code>{name}</code> = {getattr(CostParameters(), name)}: {html.escape(field.description or '')}</li>"
                    for name, field in CostParameters.model_fields.items())
    context = "".join(f"<li>{html.escape(v)}</li>" for v in SEED_CONTEXT.values())
    return (f"<h2>What is assumed</h2><p class='note'>Estimates and placeholders in this model "
            f"(override them in a port file or a scenario):</p><ul class='note'>{items}</ul>"
            f"<h2>Published facts used</h2><ul class='note'>{facts}</ul>"
            f"<h2>Cost figures</h2><ul class='note'>{costs}</ul>"
            f"<h2>Context from the seeds (not inputs)</h2><ul class='note'>{context}</ul>")


def headline(run: PortRun) -> pd.DataFrame:
    """The KPI table with 95 % intervals, rows in a readable order."""
    table = run.table()
    table.index.name = "figure"
    return table


def write_simulation_report(run: PortRun, out: Path) -> Path:
    """``report.html`` with figures, ``kpis.csv``/``.parquet`` and ``replications.csv`` in *out*."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = headline(run)
    table.to_csv(out / "kpis.csv")
    table.reset_index().to_parquet(out / "kpis.parquet", index=False)
    run.runs.to_csv(out / "replications.csv", index_label="replication")
    figs = ""
    if run.last is not None:
        paths = [
            figures.plot_hourly_waits(run.last, out / "hourly_waits.png"),
            figures.plot_wait_distribution(run.last, out / "wait_distribution.png"),
            figures.plot_queue_typical_day(run.last, out / "queue_typical_day.png"),
        ]
        figs = "".join(_img(p) for p in paths)
    if run.stations is not None:
        run.stations.to_csv(out / "stations.csv", index_label="station")
    period = f"{run.months[0]} to {run.months[-1]}"
    body = (
        f"<p>{len(run.runs)} replications, seed {run.seed}, {period}. Mean with 95 % confidence "
        f"half-width over replications. Waits are minutes from joining the queue to reaching "
        f"primary inspection (as CBP's Border Wait Times measure them).</p>"
        f"<h2>Key figures</h2>{table.to_html(float_format=lambda v: f'{v:,.2f}')}"
        f"<h2>Figures (last replication)</h2>{figs}"
        + (f"<h2>Stations (last replication)</h2>{run.stations.to_html(float_format=lambda v: f'{v:,.2f}')}"
           if run.stations is not None else "")
        + _provenance(run)
    )
    path = out / "report.html"
    path.write_text(_page(f"smartborder — {run.spec.name}", body), encoding="utf-8")
    return path


def write_comparison_report(baseline: PortRun, scenarios: dict[str, tuple[PortRun, pd.DataFrame]],
                            out: Path) -> Path:
    """``comparison.html`` and one ``compare_<scenario>.csv`` per scenario in *out*."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sections = []
    for name, (run, diff) in scenarios.items():
        slug = "".join(c if c.isalnum() else "_" for c in name)
        diff.to_csv(out / f"compare_{slug}.csv", index_label="figure")
        diff.reset_index(names="figure").to_parquet(out / f"compare_{slug}.parquet", index=False)
        figure = ""
        if run.last is not None:
            figure = _img(figures.plot_hourly_waits(run.last, out / f"hourly_waits_{slug}.png"))
        sections.append(f"<h2>{html.escape(name)} vs baseline</h2>"
                        f"{diff.to_html(float_format=lambda v: f'{v:,.3f}')}"
                        f"<h3>Wait by hour of day under {html.escape(name)} (simulated classes)</h3>{figure}")
    if baseline.last is not None:
        paths = [
            figures.plot_hourly_waits(baseline.last, out / "hourly_waits_baseline.png"),
            figures.plot_wait_distribution(baseline.last, out / "wait_distribution_baseline.png"),
            figures.plot_queue_typical_day(baseline.last, out / "queue_typical_day_baseline.png"),
        ]
        sections.append("<h2>Baseline</h2>" + "".join(_img(p) for p in paths))
    body = (
        f"<p>{len(baseline.runs)} replications with common random numbers; a difference is "
        f"<b>significant</b> when its 95 % interval excludes zero.</p>" + "".join(sections)
        + _provenance(baseline)
    )
    path = out / "comparison.html"
    path.write_text(_page(f"smartborder — {baseline.spec.name}: scenarios", body), encoding="utf-8")
    return path
