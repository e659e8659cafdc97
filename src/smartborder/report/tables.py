"""Results as plain structures: the JSON ``simulate``, ``simulate --border`` and ``compare`` print
(the dashboard shows the same) and the CSV tables ``--out`` writes.

One shape for the hourly view everywhere: ``{class: {lane: {"weekday": [24], "weekend": [24]}}}``
— mean wait at primary (minutes) by hour of arrival, local time, ``null`` where nothing arrived —
and the staffed lanes in the same shape (``weekend`` the mean of Saturday and Sunday, which are
given too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from smartborder.vocabulary import ALL_CROSSINGS, short_name

if TYPE_CHECKING:  # results are read, never computed here (tests/report/test_reads_results.py)
    from smartborder.policy.studies.border import BorderRun
    from smartborder.policy.studies.place import Differences, PlaceRun
    from smartborder.policy.studies.study import Study


def _kpis(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """A mean table (``PortRun.table``, ``PlaceRun.table``) as JSON."""
    return {k: {"mean": float(r["mean"]), "ci95": float(r["ci95"])} for k, r in table.iterrows()}


def simulation_json(study: Study, run: PlaceRun, report: str | None = None) -> dict[str, Any]:
    """What ``simulate --json`` prints."""
    single = len(run.runs) == 1
    first = next(iter(run.runs.values()))
    crossings = []
    for spec in study.specs:
        crossing_run = run.runs[spec.crossing]
        crossings.append(
            {
                "id": spec.crossing,
                "name": spec.name,
                "port_code": spec.code,
                "kpis": _kpis(crossing_run.table()),
                "hourly": crossing_run.hourly.mean(),
                "staffing": crossing_run.staffing(),
                "estimates": spec.estimates(),
            }
        )
    from smartborder.report.summary import crossing_summary, headlines, period_label, run_summary

    summary = run_summary(study, run)
    crossing = crossing_summary(study, run)  # trucks with a chain only (ports/chain.py)
    return {
        "port": {"code": study.code, "name": study.label, "kind": study.kind},
        "period": period_label(run.months),
        "headlines": headlines(summary),
        "summary": summary.to_dict(orient="records"),
        "by_month": run.by_month().to_dict(orient="records"),
        "months": [str(m) for m in run.months],
        "replications": run.replications,
        "seed": run.seed,
        "kpis": _kpis(first.table() if single else run.table()),
        "hourly": run.hourly().mean(),
        "staffing": run.staffing(),
        "crossings": crossings,
        "estimates": first.spec.estimates() if single else {},
        "notes": study.notes,
        "warnings": study.warnings,
        "city_choice": study.city_choice,
        "report": report,
    } | ({"crossing_time": crossing.to_dict(orient="records")} if len(crossing) else {})


def hourly_frame(study: Study, run: PlaceRun) -> pd.DataFrame:
    """Per crossing, class, lane, day type and hour: mean wait, vehicles and lanes staffed."""
    frames = []
    for spec in study.specs:
        waits = run.runs[spec.crossing].hourly.frame()
        staffed = run.runs[spec.crossing].staffing()
        rows = []
        for vehicle, lanes in staffed.items():
            for lane, days in lanes.items():
                for day in ("weekday", "weekend"):
                    for hour, count in enumerate(days[day]):
                        rows.append((vehicle, lane, day, hour, count))
        lanes_frame = pd.DataFrame(rows, columns=["class", "lane", "day", "hour", "lanes_staffed"])
        merged = lanes_frame.merge(waits, on=["class", "lane", "day", "hour"], how="outer")
        merged.insert(0, "crossing", spec.crossing)
        frames.append(merged)
    return pd.concat(frames, ignore_index=True)


def staffing_table(study: Study) -> pd.DataFrame:
    """The staffed lanes of every crossing in the schedule-file format (``--staffing``)."""
    return study.schedules()


def headline_key(diffs: dict[str, pd.DataFrame]) -> str:
    """The comparison a reader wants first: the network total, else the one crossing."""
    return "total" if "total" in diffs else next(iter(diffs))


def place_names(study: Study, results: dict[str, tuple[PlaceRun, Differences]]) -> dict[str, str]:
    """Crossing id → the short name tables show ("total" → "all crossings")."""
    names = {"total": ALL_CROSSINGS}
    specs = [*study.specs, *(r.spec for run, _ in results.values() for r in run.runs.values())]
    names.update({s.crossing: short_name(s.name) for s in specs})
    return names


def comparison_json(
    study: Study,
    results: dict[str, tuple[PlaceRun, Differences]],
    replications: int,
    seed: int,
    report: str | None = None,
) -> dict[str, Any]:
    """What ``compare --json`` prints (and the dashboard's scenario studio shows)."""
    from smartborder.report.summary import comparison_summary, period_label

    names = place_names(study, results)
    return {
        "port": {"code": study.code, "name": study.label, "kind": study.kind},
        "period": period_label(study.months),
        "summary": {
            name: comparison_summary(diffs, names).drop(columns="key").to_dict(orient="records")
            for name, (_, diffs) in results.items()
        },
        "months": [str(m) for m in study.months],
        "replications": replications,
        "seed": seed,
        "scenarios": {
            name: diffs[headline_key(diffs)].reset_index(names="figure").to_dict(orient="records")
            for name, (_, diffs) in results.items()
        },
        "crossings": {
            name: {c: d.reset_index(names="figure").to_dict(orient="records") for c, d in diffs.items() if c != "total"}
            for name, (_, diffs) in results.items()
        },
        "worse": {name: diffs.worse() for name, (_, diffs) in results.items()},
        "notes": study.notes,
        "warnings": study.warnings,
        "report": report,
    }


def border_json(run: BorderRun) -> dict[str, Any]:
    """What ``simulate --border mexico --json`` prints: totals, a row per port and per crossing."""
    summary = run.summary()
    totals = summary[["vehicles", "delay_vehicle_hours", "delay_person_hours", "delay_cost_usd", "co2_tonnes"]].sum()
    return {
        "year": run.year,
        "replications": run.replications,
        "seed": run.seed,
        "seconds": run.seconds,
        "totals": totals.to_dict(),
        "ports": run.by_port().reset_index(names="code").to_dict(orient="records"),
        "crossings": summary.reset_index(names="crossing").to_dict(orient="records"),
    }
