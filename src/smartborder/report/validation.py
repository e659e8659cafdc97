"""The validation report: default, calibrated and climatology against CBP's held-out readings,
hour by hour, and the forecast against persistence and climatology (``policy.validation``)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from smartborder.jsonsafe import json_safe
from smartborder.policy.fitting.validation import MODELS, WaitValidation
from smartborder.report.figures import _save
from smartborder.report.html import _img, _page

STYLES = {"observed": "k-o", "default": "C3--", "calibrated": "C0-", "climatology": "C2:"}


def validation_payload(result: WaitValidation) -> dict[str, Any]:
    """The JSON ``validate waits --json`` prints and the report writes."""

    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return json_safe(frame.to_dict(orient="records"))  # type: ignore[no-any-return]

    return {
        "split": result.split,
        "summary": json_safe(result.summary()),
        "lanes": records(result.lanes),
        "forecast": records(result.forecast),
        "hourly": records(result.hourly),
        "notes": result.notes,
    }


def plot_hours(hourly: pd.DataFrame, crossing: str, path: Path) -> Path:
    """Held-out mean wait by hour of day per lane of one crossing: observed and each model."""
    rows = hourly[hourly["crossing"] == crossing]
    keys = list(dict.fromkeys(zip(rows["traffic_type"], rows["lane_type"], strict=True)))
    fig, axes = plt.subplots(len(keys), 1, figsize=(10, 2.6 * max(len(keys), 1)), layout="constrained", squeeze=False)
    for ax, (traffic, lane) in zip(axes[:, 0], keys, strict=True):
        mine = rows[(rows["traffic_type"] == traffic) & (rows["lane_type"] == lane)].sort_values("hour")
        for name, style in STYLES.items():
            column = "observed_min" if name == "observed" else f"{name}_min"
            ax.plot(mine["hour"], mine[column], style, ms=3, label=name)
        ax.set_title(f"{crossing}: {traffic} / {lane}, held-out mean wait by hour of day", fontsize=10)
        ax.set_ylabel("minutes")
        ax.set_xlim(-0.5, 23.5)
        ax.set_xticks(range(0, 24, 2))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, ncol=4)
    return _save(fig, path)


def write_validation_report(result: WaitValidation, out: Path) -> Path:
    """``validation.html`` (tables and a figure per crossing), ``validation.json`` and the three
    tables as CSV in *out*; the page's path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "validation.json").write_text(json.dumps(validation_payload(result), indent=2), encoding="utf-8")
    result.lanes.to_csv(out / "lanes.csv", index=False)
    result.hourly.to_csv(out / "hourly.csv", index=False)
    result.forecast.to_csv(out / "forecast.csv", index=False)
    fmt = {"index": False, "float_format": lambda v: f"{v:.1f}", "na_rep": "–", "border": 0}
    figures = [
        plot_hours(result.hourly, crossing, out / f"hours_{k}.png")
        for k, crossing in enumerate(result.lanes["crossing"].unique())
    ]
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    columns = [
        "crossing",
        "traffic_type",
        "lane_type",
        "readings",
        "observed_mean_min",
        *[f"{m}_{k}" for m in MODELS for k in ("mae_min", "bias_min", "hourly_r")],
    ]
    body = (
        f"<p>{html.escape(result.split)}. Default: the model `simulate` runs, unfitted; calibrated: fitted "
        "on the earlier days; climatology: the earlier days' mean at that lane, day type and hour (CBP's "
        "historical average). MAE and bias in minutes; hourly r: correlation of the mean hourly profile. "
        "CBP's delays are officers' estimates rounded to 5 minutes.</p>"
        f"<ul class='note'>{notes}</ul><h2>Per crossing and lane (held-out days)</h2>"
        + result.lanes[columns].to_html(**fmt)
        + "<h2>Forecast against persistence and climatology (held-out days, MAE, minutes)</h2>"
        + (result.forecast.to_html(**fmt) if not result.forecast.empty else "<p>No forecast scored.</p>")
        + "<h2>Hour by hour</h2>"
        + "".join(_img(p) for p in figures)
    )
    path = out / "validation.html"
    path.write_text(
        _page("smartborder — waits against CBP's readings on days the model never saw", body), encoding="utf-8"
    )
    return path
