"""``observations``: CBP Border Wait Times files — what they hold, and conversion to the flat CSV.

Both commands make one call into ``smartborder.observations`` and print; bad files raise its
errors, which the entry point prints as one line on stderr with exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from smartborder.cli.output import console, note, print_json

observations_app = typer.Typer(
    help="CBP Border Wait Times observations (XML, RSS, JSON, flat CSV, historical averages): "
    "summarise, convert to CSV.",
    no_args_is_help=True,
)

FilesArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Files, directories or globs (.gz too): CBP XML/RSS/JSON snapshots, flat CSV, averages.",
        show_default=False,
    ),
]
CanadianOpt = Annotated[bool, typer.Option("--keep-canadian", help="Keep Canadian-border ports (dropped by default).")]
Day0Opt = Annotated[str, typer.Option("--day0", help="Averages: the weekday CBP's day index 0 stands for.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


def _load(files: list[Path] | None, shipped: str | None, keep_canadian: bool, day0: str) -> Any:
    from smartborder import observations
    from smartborder.observations.averages import WEEKDAYS

    if day0.lower() not in WEEKDAYS:
        raise observations.ObservationsError(f"day0: expected one of {', '.join(WEEKDAYS)}, got {day0!r}")
    weekday = WEEKDAYS[WEEKDAYS.index(day0.lower())]
    if shipped is not None:
        if files:
            raise observations.ObservationsError("shipped: give files or --shipped, not both")
        return observations.shipped(shipped, day0=weekday)
    if not files:
        raise observations.SourceNotFoundError("files: no files given (or use --shipped brownsville)")
    return observations.load(files, keep_canadian=keep_canadian, day0=weekday)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def summary(
    files: FilesArg = None,
    shipped: Annotated[
        str | None, typer.Option("--shipped", help="A shipped set instead: brownsville, san-ysidro.")
    ] = None,
    keep_canadian: CanadianOpt = False,
    day0: Day0Opt = "sunday",
    as_json: JsonOpt = False,
) -> None:
    """What the files hold: per crossing and lane, time span, count, delays, lanes open; what was dropped."""
    from smartborder.observations import REASONS, Reason
    from smartborder.observations import summary as summarise

    obs = _load(files, shipped, keep_canadian, day0)
    report = summarise(obs)
    if as_json:
        print_json(report)
        return
    averages = report["kind"] == "average"
    unit = "average cells" if averages else "observations"
    console.print(
        f"[bold]CBP Border Wait Times[/bold]: {report['observations']:,} {unit} from "
        f"{report['sources']} file(s), {len(report['crossings'])} crossing(s)",
        highlight=False,
    )
    for crossing in report["crossings"]:
        _print_crossing(crossing, averages, unit)
    if report["dropped"]:
        console.print("[bold]Left out[/bold]:")
        for reason, count in report["dropped"].items():
            console.print(f"  {reason:<22} {count:>8,}  {REASONS[Reason(reason)]}", highlight=False)


def _print_crossing(crossing: dict[str, Any], averages: bool, unit: str) -> None:
    head = crossing["crossing"] + (f" ({crossing['port_number']})" if crossing["port_number"] else "")
    if crossing["observations"]:
        span = (
            f"months {crossing['months']}, hours {crossing['hours']}"
            if averages
            else f"{crossing['first']} to {crossing['last']}"
        )
        head += f" — {crossing['observations']:,} {unit}, {span}"
    dropped = ", ".join(f"{reason} {n:,}" for reason, n in crossing["dropped"].items())
    console.print(f"\n[bold]{head}[/bold]" + (f"\n  left out: {dropped}" if dropped else ""), highlight=False)
    if not crossing["lanes"]:
        return
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False)
    columns = ["Traffic/lane", "N", "Mean min", "Median", "Max"] + ([] if averages else ["Lanes open"])
    for name in columns:
        table.add_column(name, justify="left" if name == "Traffic/lane" else "right", no_wrap=True)
    for lane in crossing["lanes"]:
        delay = lane["delay_minutes"]
        row = [
            f"{lane['traffic_type']}/{lane['lane_type']}",
            f"{lane['observations']:,}",
            _fmt(delay["mean"]),
            _fmt(delay["median"]),
            _fmt(delay["max"], 0),
        ]
        if not averages:
            low, high = lane["lanes_open"]["min"], lane["lanes_open"]["max"]
            row.append("" if low is None else f"{low:g}–{high:g}")
        table.add_row(*row)
    console.print(table)


def convert(
    files: FilesArg = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The CSV to write (.csv or .csv.gz).", show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
    keep_canadian: CanadianOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Convert CBP XML/RSS/JSON snapshot archives (and flat CSVs) into one de-duplicated flat CSV."""
    from smartborder import observations

    if out is None:
        raise observations.ObservationsError("out: give the CSV to write with --out FILE.csv")
    obs = _load(files, None, keep_canadian, "sunday")
    written = observations.to_csv(obs, out, overwrite=force)
    counts = obs.dropped.counts()
    if as_json:
        print_json({"out": str(written), "rows": len(obs.frame), "sources": len(obs.sources), "dropped": counts})
        return
    note(f"wrote {len(obs.frame):,} observations from {len(obs.sources):,} file(s) to {written}")
    if counts:
        note("left out: " + ", ".join(f"{reason} {n:,}" for reason, n in counts.items()))


observations_app.command("summary")(summary)
observations_app.command("convert")(convert)
