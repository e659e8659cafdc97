"""The calibration report: predicted against observed, on the days fitted and the days held out.

``calibration.html`` (figures embedded) and ``calibration.json`` beside it: for each class and
lane type, mean absolute error, bias and the correlation of the hourly profile, for the
calibrated and the default model, on the training and the held-out data; the forecast scored
against persistence on the held-out data; the fitted numbers.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from smartborder.policy.fitting.calibration import Calibration
from smartborder.report.figures import _save
from smartborder.report.html import _img, _page


def _hour(frame: pd.DataFrame) -> pd.Series:
    if "time_local" in frame and frame["time_local"].notna().all():
        return pd.to_datetime(frame["time_local"]).dt.hour
    return frame["hour"]


def plot_profiles(scored: dict[str, pd.DataFrame], path: Path, title: str) -> Path:
    """Mean wait by hour of day per class and lane: observed, calibrated, default."""
    held = scored["calibrated_test"]
    keys = sorted({(v, lane) for v, lane in zip(held["vehicle"], held["lane"], strict=True)})
    fig, axes = plt.subplots(len(keys), 1, figsize=(10, 2.8 * max(len(keys), 1)), layout="constrained", squeeze=False)
    for ax, (vehicle, lane) in zip(axes[:, 0], keys, strict=True):
        for name, style in (("observed", "k-o"), ("calibrated", "C0-"), ("default", "C3--")):
            frame = scored["calibrated_test" if name != "default" else "default_test"]
            rows = frame[(frame["vehicle"] == vehicle) & (frame["lane"] == lane)]
            column = "delay_minutes" if name == "observed" else "predicted"
            profile = rows.groupby(_hour(rows))[column].mean()
            ax.plot(profile.index, profile.to_numpy(), style, ms=3, label=name)
        ax.set_title(f"{vehicle} / {lane}: held-out mean wait by hour of day", fontsize=10)
        ax.set_ylabel("minutes")
        ax.set_xticks(range(0, 24, 2))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title)
    return _save(fig, path)


def plot_series(scored: pd.DataFrame, default: pd.DataFrame, cut: str, path: Path, title: str) -> Path | None:
    """Observed and predicted readings over time (snapshots), the split marked."""
    if "time_local" not in scored:
        return None
    keys = sorted({(v, lane) for v, lane in zip(scored["vehicle"], scored["lane"], strict=True)})
    fig, axes = plt.subplots(len(keys), 1, figsize=(11, 2.6 * max(len(keys), 1)), layout="constrained", squeeze=False)
    for ax, (vehicle, lane) in zip(axes[:, 0], keys, strict=True):
        rows = scored[(scored["vehicle"] == vehicle) & (scored["lane"] == lane)].sort_values("time_local")
        base = default[(default["vehicle"] == vehicle) & (default["lane"] == lane)].sort_values("time_local")
        ax.plot(rows["time_local"], rows["delay_minutes"], "k.", ms=3, label="CBP reading")
        ax.plot(rows["time_local"], rows["predicted"], "C0-", lw=1, label="calibrated")
        ax.plot(base["time_local"], base["predicted"], "C3-", lw=0.8, alpha=0.6, label="default")
        ax.axvline(pd.Timestamp(cut), color="grey", ls=":", lw=1)
        ax.set_title(f"{vehicle} / {lane}", fontsize=10)
        ax.set_ylabel("minutes")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, ncol=3)
    fig.suptitle(title)
    return _save(fig, path)


def report_payload(
    calibration: Calibration, tables: dict[str, pd.DataFrame], forecasts: pd.DataFrame | None
) -> dict[str, Any]:
    """The JSON the report writes and ``calibrate --json`` prints."""

    def records(table: pd.DataFrame) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = table.reset_index().to_dict(orient="records")
        return rows

    return {
        "crossing": {"id": calibration.crossing.id, "name": calibration.crossing.label},
        "kind": calibration.kind,
        "split": calibration.split,
        "volume_month": str(calibration.volume_month) if calibration.volume_month else None,
        "notes": calibration.notes,
        "fits": {
            v: {
                "lanes": f.lanes,
                "service_factor": f.service_factor,
                "shape": list(f.shape),
                "loyal_share": f.loyal_share,
                "staffing_utilisation": f.utilisation,
                "observations": f.observations,
                "train_mae_min": f.train_mae,
                "simulations": f.evaluations,
            }
            for v, f in calibration.fits.items()
        },
        "validation": {name: records(table) for name, table in tables.items()},
        "forecast_vs_persistence": records(forecasts) if forecasts is not None else None,
        "forecast_held_out": forecast_by_horizon(forecasts),
    }


def forecast_by_horizon(forecasts: pd.DataFrame | None) -> list[dict[str, Any]] | None:
    """Held-out MAE of the forecast and of both baselines, one entry per hour ahead:
    ``{"hours_ahead", "readings", "forecast_mae_min", "baselines": {"persistence", "climatology"}}``."""
    if forecasts is None:
        return None
    return [
        {
            "hours_ahead": int(h),
            "readings": int(r["readings"]),
            "forecast_mae_min": float(r["forecast_mae"]),
            "baselines": {
                "persistence": float(r["persistence_mae"]),
                "climatology": None if pd.isna(r["climatology_mae"]) else float(r["climatology_mae"]),
            },
        }
        for h, r in forecasts.iterrows()
    ]


def write_calibration_report(
    calibration: Calibration,
    scored: dict[str, pd.DataFrame],
    tables: dict[str, pd.DataFrame],
    forecasts: pd.DataFrame | None,
    out: Path,
) -> Path:
    """Write ``calibration.html`` and ``calibration.json`` into *out*; the HTML's path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    payload = report_payload(calibration, tables, forecasts)
    (out / "calibration.json").write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    title = calibration.crossing.label
    figures = [plot_profiles(scored, out / "hourly_profiles.png", f"{title}: hourly profile, held-out data")]
    cut = str(calibration.train["time_local"].max()) if "time_local" in calibration.train else ""
    if cut:
        both = pd.concat([scored["calibrated_train"], scored["calibrated_test"]])
        base = pd.concat([scored["default_train"], scored["default_test"]])
        series = plot_series(both, base, cut, out / "readings.png", f"{title}: CBP readings and the models")
        if series is not None:
            figures.append(series)
    fmt = {"float_format": lambda v: f"{v:,.2f}"}
    sections = "".join(
        f"<h3>{html.escape(name.replace('_', ' '))}</h3>{table.to_html(**fmt)}" for name, table in tables.items()
    )
    fits = "".join(
        f"<li><b>{html.escape(v)}</b>: service x{', x'.join(f'{x:.2f} ({k})' for k, x in f.service_factor.items())}; "
        f"shape {np.round(f.shape, 2).tolist()}; drivers who never switch {f.loyal_share:.0%}"
        + (f"; staffing utilisation {f.utilisation:.2f}" if f.utilisation is not None else "")
        + f"; training MAE {f.train_mae:.1f} min over {f.observations} readings, {f.evaluations} simulations</li>"
        for v, f in calibration.fits.items()
    )
    forecast_html = (
        (
            "<h2>Forecast against persistence and climatology (held-out data)</h2>"
            "<p class='note'>From each held-out reading hour, the twin forecasts the next hours; "
            "persistence holds the current reading; climatology is the training days' mean at that "
            "lane, day type and hour. Mean absolute error against the later readings."
            + (
                " CBP's averages carry no dates: each held-out month's seven average days are read as "
                "days of hourly readings, which are smoother than any real day."
                if calibration.kind != "snapshot"
                else ""
            )
            + "</p>"
            + forecasts.to_html(**fmt)
        )
        if forecasts is not None
        else ""
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in calibration.notes)
    body = (
        f"<p>{html.escape(calibration.split)}. CBP's delays are officers' estimates, rounded to 5 "
        f"minutes (GAO-13-603 found the commercial ones unreliable): an error of a few minutes is the "
        f"floor.</p><ul class='note'>{notes}</ul><h2>Fitted</h2><ul>{fits}</ul>"
        f"<h2>Predicted against observed</h2>{sections}{forecast_html}"
        f"<h2>Figures</h2>{''.join(_img(p) for p in figures)}"
    )
    path = out / "calibration.html"
    path.write_text(_page(f"smartborder — calibration of {title}", body), encoding="utf-8")
    return path
