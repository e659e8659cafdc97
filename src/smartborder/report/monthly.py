"""The year month by month: vehicles a day and the mean wait per class, as a figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from smartborder.report.summary import CLASS_NAMES


def plot_months(months: pd.DataFrame, path: Path, title: str) -> Path:
    """Two panels sharing the month axis: mean wait (± 95 % CI) and vehicles a day, per class."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True, constrained_layout=True)
    order = sorted(months["month"].unique())
    x = range(len(order))
    for vehicle in dict.fromkeys(months["class"]):
        rows = months[months["class"] == vehicle].set_index("month").reindex(order)
        label = CLASS_NAMES.get(str(vehicle), str(vehicle))
        top.errorbar(
            x, rows["wait_mean_min"], yerr=rows["wait_mean_ci95"].fillna(0), marker="o", capsize=3, label=label
        )
        bottom.plot(x, rows["per_day"], marker="o", label=label)
    top.set_ylabel("mean wait to primary, min")
    bottom.set_ylabel("vehicles a day")
    top.set_title(title, fontsize=11)
    top.legend(loc="upper left", fontsize=9, ncol=4)
    bottom.set_xticks(list(x), [str(m) for m in order], rotation=45, ha="right")
    for axis in (top, bottom):
        axis.grid(alpha=0.3)
        axis.set_ylim(bottom=0)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
