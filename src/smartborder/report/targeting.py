"""The targeting curve as a figure: interdiction and the secondary wait against the inspection rate."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def plot_curve(table: pd.DataFrame, title: str, path: Path) -> Path:
    """Interdiction and secondary wait against the inspection rate, targeted vs random."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    x = 100 * table["realised_rate"].to_numpy()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True, layout="constrained")
    top.plot(x, 100 * table["targeted_interdiction"], "o-", color="#c0392b", label="risk targeting (current profiles)")
    top.plot(x, 100 * table["random_interdiction"], "s--", color="#7f8c8d", label="random selection, same rate")
    top.set_ylabel("illicit loads found, %")
    top.set_title(title)
    top.grid(alpha=0.3)
    top.legend(loc="upper left")
    bottom.plot(x, table["targeted_secondary_wait_min"], "o-", color="#4a78b0")
    bottom.set_ylabel("mean wait for secondary, min")
    bottom.set_xlabel("secondary inspections, % of arrivals")
    bottom.grid(alpha=0.3)
    waits = table["targeted_secondary_wait_min"].to_numpy()
    if np.nanmax(waits) > 100 * max(1.0, float(np.nanmin(waits))):
        bottom.set_yscale("symlog", linthresh=1.0)  # a saturated secondary dwarfs the rest
    bottom.annotate(
        "Illicit base rates and attribute distributions are estimates (targeting/population.toml)",
        (0.01, 0.97),
        xycoords="axes fraction",
        ha="left",
        va="top",
        fontsize=7,
        color="grey",
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
