"""Self-contained HTML reports (figures embedded) plus CSV/Parquet tables, for a run or a comparison.

Every report lists the model's estimates and the cost figures' sources, so a reader can tell a
published fact from an assumption.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from smartborder.policy.studies.costs import SEED_CONTEXT, CostParameters
from smartborder.report import figures
from smartborder.report.monthly import plot_months
from smartborder.report.summary import (
    CLASS_NAMES,
    SEGMENT_NAMES,
    SUMMARY_COLUMNS,
    change_headlines,
    comparison_summary,
    crossing_summary,
    explained,
    headlines,
    period_label,
    run_summary,
    unchanged_classes,
)
from smartborder.report.tables import hourly_frame, staffing_table
from smartborder.vocabulary import short_name

if TYPE_CHECKING:  # results are read, never computed here (tests/report/test_reads_results.py)
    from smartborder.policy.studies.analysis import PortRun
    from smartborder.policy.studies.place import Differences, PlaceRun
    from smartborder.policy.studies.study import Study
    from smartborder.ports.spec import PortSpec
from smartborder.report.workbook import write_workbook
from smartborder.vocabulary import ALL_CROSSINGS, ALL_LANES

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.45}
table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,td.t{text-align:left}td.t{white-space:nowrap}img{max-width:100%}
.note{color:#555;font-size:13px}tr.lane td{color:#666}tr.worse td{color:#b00020;font-weight:600}
.lead{font-size:16px}.warn,li.worse{color:#b00020}details{margin:.5em 0}summary{cursor:pointer}.estimate{color:#8a5a00}h2{border-bottom:2px solid #4a78b0;padding-bottom:2px}
"""


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def _provenance(specs: list[PortSpec]) -> str:
    estimates: dict[str, str] = {}
    facts: dict[str, str] = {}
    for spec in specs:
        prefix = f"{spec.crossing}: " if len(specs) > 1 else ""
        for key, value in spec.provenance.items():
            (facts if value.startswith("FACT") else estimates)[prefix + key] = value
    items = "".join(
        f"<li><code>{html.escape(k)}</code>: <span class='estimate'>{html.escape(v)}</span></li>"
        for k, v in sorted(estimates.items())
    )
    fact_items = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v)}</li>" for k, v in sorted(facts.items()))
    costs = "".join(
        f"<li><code>{name}</code> = {getattr(CostParameters(), name)}: {html.escape(field.description or '')}</li>"
        for name, field in CostParameters.model_fields.items()
    )
    context = "".join(f"<li>{html.escape(v)}</li>" for v in SEED_CONTEXT.values())
    return (
        f"<h2>What is assumed</h2><p class='note'>Estimates and placeholders in this model "
        f"(override them in a crossing model file, a staffing file or a scenario):</p><ul class='note'>{items}</ul>"
        f"<h2>Published facts used</h2><ul class='note'>{fact_items}</ul>"
        f"<h2>Cost figures</h2><ul class='note'>{costs}</ul>"
        f"<h2>Context from the seeds (not inputs)</h2><ul class='note'>{context}</ul>"
    )


def headline(run: PortRun) -> pd.DataFrame:
    """The KPI table with 95 % intervals, rows in a readable order."""
    table = run.table()
    table.index.name = "figure"
    return table


def _notes(study: Study) -> str:
    lines = [*study.notes, *(f"warning: {w}" for w in study.warnings)]
    return ("<ul class='note'>" + "".join(f"<li>{html.escape(t)}</li>" for t in lines) + "</ul>") if lines else ""


def _fmt_cell(value: object, digits: int = 1) -> str:
    """Numbers as a reader wants them: thousands separated, one decimal below 1,000, '–' for none."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        if not np.isfinite(v):
            return "–"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.{digits}f}"
    return html.escape(str(value))


def _table(frame: pd.DataFrame, headers: dict[str, str], row_class: pd.Series | None = None) -> str:
    """An HTML table of *frame*'s columns in *headers* (column → heading with unit)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers.values())
    rows = []
    for i, (_, row) in enumerate(frame.iterrows()):
        css = f" class='{row_class.iloc[i]}'" if row_class is not None and row_class.iloc[i] else ""
        cells = []
        for c in headers:
            value = row[c]
            if c == "class":
                value = CLASS_NAMES.get(str(value), value)
            text = isinstance(value, str)
            cells.append(f"<td class='t'>{_fmt_cell(value)}</td>" if text else f"<td>{_fmt_cell(value)}</td>")
        rows.append(f"<tr{css}>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _raw(tables: dict[str, pd.DataFrame]) -> str:
    """Every raw figure, its key explained, last in the report."""
    parts = [
        (
            "<h2>All figures</h2><p class='note'>Every figure the run records, by its key; the meaning "
            "and unit are given beside it. Mean over replications, with the 95 % half-width.</p>"
        )
    ]
    for label, table in tables.items():
        frame = explained(table)
        headers = {
            "meaning": "Meaning",
            "unit": "Unit",
            **{c: c for c in frame.columns if c not in ("meaning", "unit")},
        }
        frame = frame.reset_index(names="key")
        parts.append(
            f"<details><summary>{html.escape(label)}</summary>"
            + _table(frame, {"key": "Key", **headers})
            + "</details>"
        )
    return "".join(parts)


def write_simulation_report(study: Study, run: PlaceRun, out: Path) -> Path:
    """``report.html`` (summary first, then month by month, figures, provenance and every raw
    figure last), ``summary.xlsx``, and ``summary.csv``, ``months.csv``, ``kpis.csv``/``.parquet``,
    ``crossing_time.csv`` (trucks' crossing time by segment, where trucks have a chain),
    ``replications.csv``, ``hourly.csv`` (waits and lanes staffed by hour) and ``staffing.csv``
    (the schedule file format) in *out*."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frames = {spec.crossing: headline(run.runs[spec.crossing]) for spec in study.specs}
    if len(run.runs) > 1:
        frames["total"] = run.table()
    table = pd.concat(frames, names=["crossing", "figure"])
    table.to_csv(out / "kpis.csv")
    table.reset_index().to_parquet(out / "kpis.parquet", index=False)
    pd.concat({c: r.runs for c, r in run.runs.items()}, names=["crossing", "replication"]).to_csv(
        out / "replications.csv"
    )
    hourly = hourly_frame(study, run)
    hourly.to_csv(out / "hourly.csv", index=False)
    staffing = staffing_table(study)
    staffing.to_csv(out / "staffing.csv", index=False)
    summary = run_summary(study, run)
    summary.to_csv(out / "summary.csv", index=False)
    months = run.by_month()
    if not months.empty:
        months.to_csv(out / "months.csv", index=False)
    period = period_label(run.months)
    title = f"{study.label}, {period}"
    shown = summary.copy()  # the total first, each crossing's name once
    if shown["place"].nunique() > 1:
        shown = pd.concat(
            [shown[shown["place"] == ALL_CROSSINGS], shown[shown["place"] != ALL_CROSSINGS]], ignore_index=True
        )
    shown.loc[shown["place"].duplicated(), "place"] = ""
    lanes = shown["lane"] != ALL_LANES
    parts = [
        f"<h2>Summary</h2><ul class='lead'>{''.join(f'<li>{html.escape(t)}</li>' for t in headlines(summary))}</ul>",
        _notes(study),
        (
            f"<p class='note'>{run.replications} replications, seed {run.seed}. Mean ± 95 % confidence half-width "
            f"over replications. Waits are minutes from joining the queue to reaching primary inspection (as CBP's "
            f"Border Wait Times measure them), for vehicles arriving while their lanes are open; time spent waiting "
            f"for a crossing to open counts in the delay. Rows in grey are lane types within their class.</p>"
        ),
        _table(
            shown,
            {k: v for k, v in SUMMARY_COLUMNS.items() if k != "place" or summary["place"].nunique() > 1},
            lanes.map({True: "lane", False: ""}),
        ),
    ]
    if not months.empty:
        chart = plot_months(months, out / "months.png", f"{title}: month by month")
        parts.append(
            "<h2>Month by month</h2>"
            + _table(
                months,
                {
                    "month": "Month",
                    "class": "Class",
                    "per_day": "Vehicles/day",
                    "per_day_ci95": "± 95% CI",
                    "wait_mean_min": "Mean wait, min",
                    "wait_mean_ci95": "± 95% CI, min",
                    "queue_hours": "Waiting to primary, vehicle-h",
                },
            )
            + _img(chart)
        )
    crossing = crossing_summary(study, run)
    if not crossing.empty:
        crossing.to_csv(out / "crossing_time.csv", index=False)
        named = crossing.assign(segment=crossing["segment"].map(SEGMENT_NAMES))
        named.loc[named[["place", "class", "lane"]].duplicated(), ["place", "class", "lane"]] = ""
        parts.append(
            "<h2>Trucks' crossing time, Mexico to the state's facility</h2>"
            "<p class='note'>Minutes from the end of the line in Mexico to the exit of the state's truck-safety "
            "facility, cut into the stages a truck spent them in (they add up to the crossing time; a stage a "
            "truck skips adds zero). CBP's wait, the figure CBP publishes, is part of CBP primary. Mean ± 95 % "
            "confidence half-width over replications; p95 is the replications' mean 95th percentile.</p>"
            + _table(
                named,
                {
                    "place": "Crossing",
                    "class": "Class",
                    "lane": "Lane",
                    "segment": "Segment",
                    "mean_min": "Mean, min",
                    "mean_ci95": "± 95% CI",
                    "p95_min": "p95, min",
                },
            )
        )
    for spec in study.specs:
        crossing_run = run.runs[spec.crossing]
        shape = figures.plot_hourly_lanes(
            crossing_run.hourly.mean(), crossing_run.staffing(), out / f"hourly_lanes_{spec.crossing}.png", spec.name
        )
        figs = _img(shape)
        if crossing_run.last is not None:
            paths = [
                figures.plot_wait_distribution(crossing_run.last, out / f"wait_distribution_{spec.crossing}.png"),
                figures.plot_queue_typical_day(crossing_run.last, out / f"queue_typical_day_{spec.crossing}.png"),
            ]
            figs += "".join(_img(p) for p in paths)
        if crossing_run.stations is not None:
            crossing_run.stations.to_csv(out / f"stations_{spec.crossing}.csv", index_label="station")
        parts.append(f"<h2>{html.escape(spec.name)}: by hour</h2>{figs}")
    parts.append(_provenance(study.specs))
    names = {spec.crossing: spec.name for spec in study.specs} | {"total": "All crossings"}
    parts.append(_raw({names[k]: v for k, v in frames.items()}))
    write_workbook(
        out / "summary.xlsx",
        {
            "Summary": summary,
            **({"Crossing time": crossing} if not crossing.empty else {}),
            "By month": months,
            "All figures": explained(table.reset_index("crossing")),
            "Hourly": hourly,
            "Staffing": staffing,
            "Provenance": _provenance_frame(study.specs),
        },
    )
    path = out / "report.html"
    path.write_text(_page(f"smartborder — {title}", "".join(parts)), encoding="utf-8")
    return path


def _provenance_frame(specs: list[PortSpec]) -> pd.DataFrame:
    rows = [{"crossing": s.crossing, "value": k, "provenance": v} for s in specs for k, v in s.provenance.items()]
    rows += [
        {
            "crossing": "",
            "value": f"costs.{name}",
            "provenance": f"{getattr(CostParameters(), name)}: {field.description or ''}",
        }
        for name, field in CostParameters.model_fields.items()
    ]
    return pd.DataFrame(rows)


def write_comparison_report(
    study: Study, baseline: PlaceRun, scenarios: dict[str, tuple[PlaceRun, Differences]], out: Path
) -> Path:
    """``comparison.html`` (each scenario's summary first — what changed, by how much, with its
    interval, and every wait it lengthens — then figures, provenance and every raw difference),
    ``comparison.xlsx``, and ``compare_<scenario>.csv``/``.parquet`` in *out*."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = {"total": ALL_CROSSINGS}
    for run in [baseline, *(r for r, _ in scenarios.values())]:
        names.update({c: short_name(r.spec.name) for c, r in run.runs.items()})
    summaries, sections, raw, sheets = [], [], {}, {}
    for name, (run, diffs) in scenarios.items():
        slug = "".join(c if c.isalnum() else "_" for c in name)
        table = pd.concat(diffs, names=["crossing", "figure"])
        table.to_csv(out / f"compare_{slug}.csv")
        table.reset_index().to_parquet(out / f"compare_{slug}.parquet", index=False)
        summary = comparison_summary(diffs, names)
        key = "total" if "total" in diffs else next(iter(diffs))
        same = unchanged_classes(summary, names[key])
        block = summary[(summary["place"] == names[key]) & ~summary["class"].isin(same)]
        worse = summary[summary["worse"]]
        flagged = (
            "<p class='warn'>Waits this scenario makes materially longer:</p><ul>"
            + "".join(
                f"<li class='worse'>{html.escape(str(r['place']))}, {html.escape(str(r['class']))} "
                f"({html.escape(str(r['lane']))}): {r['baseline']:.1f} → {r['scenario']:.1f} min "
                f"(+{r['change']:.1f} ± {r['ci95']:.1f})</li>"
                for _, r in worse.iterrows()
            )
            + "</ul>"
            if len(worse)
            else "<p>It makes no wait materially longer.</p>"
        )
        lines = "".join(f"<li>{html.escape(t)}</li>" for t in change_headlines(summary, names[key]))
        headers = {
            "class": "Class",
            "lane": "Lane",
            "figure": "Figure",
            "unit": "Unit",
            "baseline": "Baseline",
            "scenario": "Scenario",
            "change": "Change",
            "ci95": "± 95% CI",
            "verdict": "Significant",
        }
        by_crossing = ""
        if len(diffs) > 1:
            waits = summary[(summary["figure"] == "mean wait") & (summary["lane"] == ALL_LANES)]
            by_crossing = "<h3>Mean wait by crossing, min</h3>" + _table(
                waits,
                {
                    "place": "Crossing",
                    "class": "Class",
                    "baseline": "Baseline",
                    "scenario": "Scenario",
                    "change": "Change",
                    "ci95": "± 95% CI",
                    "verdict": "Significant",
                },
            )
        summaries.append(
            f"<h2>{html.escape(name)} vs baseline — {html.escape(names[key])}</h2><ul class='lead'>{lines}</ul>"
            + flagged
            + _table(
                block,
                headers,
                block["worse"]
                .map({True: "worse", False: ""})
                .where(block["lane"] == ALL_LANES, block["worse"].map({True: "worse", False: "lane"})),
            )
            + (
                f"<p class='note'>Unchanged (identical random streams): "
                f"{html.escape(', '.join(CLASS_NAMES.get(v, v) for v in same))}.</p>"
                if same
                else ""
            )
            + by_crossing
        )
        for crossing in diffs:
            if crossing == "total":
                continue
            figure = _img(
                figures.plot_hourly_lanes(
                    run.runs[crossing].hourly.mean(),
                    run.runs[crossing].staffing(),
                    out / f"hourly_lanes_{slug}_{crossing}.png",
                    f"{names[crossing]} under {name}",
                )
            )
            sections.append(f"<h3>{html.escape(names[crossing])} under {html.escape(name)}</h3>{figure}")
        for crossing, diff in diffs.items():
            raw[f"{name}: {names[crossing]}"] = diff
        sheets[f"{name} summary"] = summary.drop(columns="key")
        sheets[f"{name} all"] = explained(table.reset_index("crossing"))
    for spec in study.specs:  # crossing ids are file-name safe (a-z, 0-9, hyphens)
        sections.append(
            f"<h3>Baseline: {html.escape(spec.name)}</h3>"
            + _img(
                figures.plot_hourly_lanes(
                    baseline.runs[spec.crossing].hourly.mean(),
                    baseline.runs[spec.crossing].staffing(),
                    out / f"hourly_lanes_baseline_{spec.crossing}.png",
                    spec.name,
                )
            )
        )
    sheets["Provenance"] = _provenance_frame(study.specs)
    write_workbook(out / "comparison.xlsx", sheets)
    body = (
        f"<p class='note'>{period_label(study.months)}; {baseline.replications} replications with common random "
        f"numbers. A difference is <b>significant</b> when its 95 % interval excludes zero, and <b>material</b> "
        f"(yes) when it is also at least 1 minute for a wait or 1 % of the baseline otherwise (smaller "
        f"significant changes are marked small). Rows in red are waits made materially longer.</p>"
        + _notes(study)
        + "".join(summaries)
        + "<h2>By hour</h2>"
        + "".join(sections)
        + _provenance(study.specs)
        + _raw(raw)
    )
    path = out / "comparison.html"
    path.write_text(
        _page(f"smartborder — {study.label}, {period_label(study.months)}: scenarios", body), encoding="utf-8"
    )
    return path
