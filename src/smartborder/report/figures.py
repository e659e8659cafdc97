"""PNG figures. The non-interactive Agg backend is used so that plots work on servers and CI."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def plot_monthly(series: pd.Series, title: str, path: Path) -> Path:
    """Line chart of a monthly series with its 12-month rolling mean; returns *path*."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    x = series.index.to_timestamp()
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    ax.plot(x, series.to_numpy(), lw=1.0, color="#4a78b0", label="monthly")
    if len(series) >= 12:
        ax.plot(x, series.rolling(12).mean().to_numpy(), lw=2.0, color="#c0392b", label="12-month mean")
    ax.set_title(title)
    ax.set_ylabel(str(series.name))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    ax.annotate("Source: U.S. DOT BTS, Border Crossing/Entry Data", (0.99, 0.01),
                xycoords="figure fraction", ha="right", fontsize=7, color="grey")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
