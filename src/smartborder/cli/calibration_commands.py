"""``calibrate`` and ``forecast``: a crossing model fitted to CBP's observed waits, and the next hours."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from smartborder import data

if TYPE_CHECKING:
    import pandas as pd
from smartborder.atomic import write_atomic
from smartborder.cli.errors import UsageError
from smartborder.cli.output import console, err_console, note, print_json

ObservationsOpt = Annotated[
    list[str],
    typer.Option(
        "--observations",
        help="CBP wait readings: XML/RSS/JSON feed snapshots, the flat CSV, CBP's historical "
        "averages, a directory or glob of them; or shipped:brownsville, shipped:san-ysidro.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
MonthOpt = Annotated[
    str | None,
    typer.Option(
        "--month",
        help="Month whose real volumes drive the twin, YYYY-MM (default: the observations' own, or the same month in the latest year with data).",
    ),
]


def load_observations(sources: list[str]):  # type: ignore[no-untyped-def]
    from smartborder import observations

    shipped = [s.split(":", 1)[1] for s in sources if s.startswith("shipped:")]
    files = [s for s in sources if not s.startswith("shipped:")]
    if (shipped and files) or len(shipped) > 1:
        raise UsageError("observations: give files, or one shipped:NAME, not both")
    return observations.shipped(shipped[0]) if shipped else observations.load(files)


def _write_model(spec, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Write the model atomically: a failure leaves no half-written file."""
    import tomli_w

    text = f"# smartborder crossing model: {spec.name}, calibrated to CBP readings (see provenance).\n" + tomli_w.dumps(
        spec.model_dump(mode="json", exclude_none=True)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def calibrate(
    crossing: Annotated[
        str, typer.Argument(help="The crossing: name, alias, BTS code of a one-crossing port, or CBP number.")
    ],
    observations: ObservationsOpt,
    month: MonthOpt = None,
    train_until: Annotated[
        str | None,
        typer.Option(
            "--train-until",
            help="Last day fitted, YYYY-MM-DD; later days are held out (default: the last third). For CBP's monthly averages: the last month fitted, 1-11 (default 9).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the calibrated model (TOML) here; `simulate --model` runs it.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Directory for calibration.html and calibration.json.")
    ] = None,
    evaluations: Annotated[
        int, typer.Option("--evaluations", min=10, help="Simulations the optimiser may spend per traffic class.")
    ] = 120,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (common to every simulation of the fit).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Fit a crossing's service times, arrival shape, lane choice and staffing to CBP's observed waits, and score it on held-out days."""
    place = data.resolve_place(crossing)  # before the models and reports load: bad input answers at once
    from smartborder.policy.fitting.calibration import calibrate as fit
    from smartborder.policy.fitting.calibration import validate
    from smartborder.report.calibration import report_payload, write_calibration_report

    if len(place.crossings) != 1:
        names = ", ".join(f"{c.id} ({c.name})" for c in place.crossings)
        raise UsageError(f"crossing: {place.label} has {len(place.crossings)} crossings; calibrate one: {names}")
    if out is not None and out.exists() and out.is_dir():
        raise UsageError(f"out: {out} is a directory; give a file name such as model.toml")
    readings = load_observations(observations)
    with err_console.status("calibrating…") if not as_json else _quiet():
        result = fit(place.crossings[0], readings, month, train_until, seed, evaluations)
        scored, tables, forecasts = validate(result, seed)
    for text in result.notes:
        note(text)
    page = write_calibration_report(result, scored, tables, forecasts, report) if report is not None else None
    if out is not None:
        _write_model(result.spec, out)
    if as_json:
        payload = report_payload(result, tables, forecasts)
        payload.update(model=str(out) if out else None, report=str(page) if page else None)
        print_json(payload)
        return
    console.print(f"[bold]{result.crossing.label}[/bold]: {result.split}")
    grid = Table(box=box.SIMPLE_HEAD, title="Mean absolute error, minutes (bias)", pad_edge=False)
    for col in ("Traffic/lane", "N", "Fitted", "Held out", "Default", "Hourly r"):
        grid.add_column(col, justify="left" if col == "Traffic/lane" else "right", no_wrap=True)
    for key, row in tables["calibrated_test"].iterrows():

        def cell(name: str, key: tuple[str, str] = key, bias: bool = True) -> str:
            table = tables[name]
            if key not in table.index:
                return "–"
            r = table.loc[key]
            return f"{r['mae_min']:.1f}" + (f" ({r['bias_min']:+.0f})" if bias else "")

        default_r = tables["default_test"].loc[key, "hourly_r"] if key in tables["default_test"].index else float("nan")
        grid.add_row(
            f"{row['traffic_type']}/{row['lane_type']}",
            f"{int(row['readings'])}",
            cell("calibrated_train", bias=False),
            cell("calibrated_test"),
            cell("default_test"),
            f"{row['hourly_r']:.2f}/{default_r:.2f}",
        )
    console.print(grid)
    console.print(
        "[dim]Held out and Default: the days not fitted; Hourly r: correlation of the mean "
        "hourly profile, calibrated / default.[/dim]"
    )
    if forecasts is not None and not forecasts.empty:
        parts = [
            f"{int(h)} h: {r['forecast_mae']:.1f} vs {r['persistence_mae']:.1f} / {r['climatology_mae']:.1f}"
            for h, r in forecasts.iterrows()
        ]
        where = "held-out days" if result.kind == "snapshot" else "held-out months' average days"
        console.print(f"forecast vs persistence / climatology on {where} (MAE, min): " + "; ".join(parts))
    if out is not None:
        console.print(f"model: {out} (run it with `smartborder simulate {result.crossing.id} --model {out}`)")
    if page is not None:
        console.print(f"report: {page}")


def forecast(
    crossing: Annotated[str, typer.Argument(help="The crossing: name, alias or CBP number.")],
    observations: ObservationsOpt,
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="Forecast from this local time, 'YYYY-MM-DD HH:MM' (the latest readings at or before it are the start).",
        ),
    ],
    hours: Annotated[int, typer.Option("--hours", min=1, max=24, help="Hours ahead.")] = 4,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model", help="Crossing model (TOML), e.g. from `calibrate --out` (default: the default model)."
        ),
    ] = None,
    month: MonthOpt = None,
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=2, help="Replications for the interval.")
    ] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """The expected delay per lane type for each of the next hours, with an interval, from the latest CBP readings."""
    import pandas as pd

    from smartborder.policy.fitting.forecast import forecast as run
    from smartborder.policy.fitting.forecast import latest_state
    from smartborder.policy.fitting.observed import LANE_TYPES, TRAFFIC, for_crossing, volume_month
    from smartborder.ports import PortSpec, default_spec

    try:
        when = pd.Timestamp(at)
    except ValueError:
        raise UsageError(f"at: expected a local time 'YYYY-MM-DD HH:MM', got {at!r}") from None
    crossing_ = data.resolve_crossing(crossing)
    spec = PortSpec.from_toml(model) if model else default_spec(crossing_)
    if spec.crossing != crossing_.id:
        raise UsageError(f"model: {model} describes {spec.crossing!r}, not {crossing_.id!r}")
    readings = load_observations(observations)
    if readings.kind != "snapshot":
        raise UsageError("observations: a forecast starts from dated readings; CBP's averages carry no dates")
    frame = for_crossing(readings, crossing_)
    notes: list[str] = []
    volumes = volume_month(crossing_, when, month, notes)
    table = run(spec, frame, when, hours, volumes, replications, seed)
    states: list[dict[str, Any]] = [
        {
            "time": f"{s.time:%Y-%m-%d %H:%M}",
            "traffic_type": TRAFFIC[s.vehicle],
            "lane_type": LANE_TYPES[s.lane],
            "delay_minutes": s.delay,
            "lanes_open": None if pd.isna(s.lanes_open) else int(s.lanes_open),
        }
        for s in latest_state(frame, when)
        if s.vehicle in spec.classes
    ]
    for text in notes:
        note(text)
    if as_json:
        print_json(
            {
                "crossing": crossing_.id,
                "at": f"{when:%Y-%m-%d %H:%M}",
                "hours": hours,
                "model": str(model) if model else "default",
                "volume_month": str(volumes),
                "persistence_weight": spec.forecast.persistence_weight if spec.forecast else None,
                "start": states,
                "forecast": forecast_rows(table),
            }
        )
        return
    read = "; ".join(
        f"{s['traffic_type']} {s['lane_type']} {s['delay_minutes']:.0f} min"
        + (f" ({s['lanes_open']} open)" if s["lanes_open"] is not None else "")
        + f" at {s['time'][-5:]}"
        for s in states
    )
    grid = Table(
        box=box.SIMPLE_HEAD,
        title=f"{crossing_.label}: forecast from {when:%Y-%m-%d %H:%M} ({replications} replications; 10-90 % interval)",
    )
    for col in ("Time", "Traffic", "Lane", "Delay min", "Interval", "Held", "Usual"):
        grid.add_column(col, justify="left" if col in ("Time", "Traffic", "Lane") else "right")
    for row in table.itertuples(index=False):
        closed = row.delay_minutes is None or pd.isna(row.delay_minutes)
        usual = "–" if row.climatology is None or pd.isna(row.climatology) else f"{row.climatology:.0f}"
        grid.add_row(
            row.time[5:],
            row.traffic_type,
            row.lane_type,
            "closed" if closed else f"{row.delay_minutes:.0f}",
            "" if closed else f"{row.low:.0f}–{row.high:.0f}",
            f"{row.persistence:.0f}",
            usual,
        )
    console.print(grid)
    console.print(f"Starting from the latest readings: {read}.")
    console.print(
        "[dim]Held: the latest reading held (persistence); Usual: the mean of earlier days' readings "
        "at that lane, day type and hour (climatology; – where none).[/dim]"
    )
    if spec.forecast is not None:
        weights = ", ".join(f"{w:.2f}" for w in spec.forecast.persistence_weight)
        text = f"Blended with the latest reading, weight by hour ahead: {weights}"
        if spec.forecast.anomaly_weight is not None and spec.forecast.twin_weight is not None:
            text = (
                "Blended with climatology where it knows the hour: today's departure from it kept at "
                + ", ".join(f"{w:.2f}" for w in spec.forecast.anomaly_weight)
                + ", the twin's correction at "
                + ", ".join(f"{w:.2f}" for w in spec.forecast.twin_weight)
                + (
                    ", the usual's change from now held back at "
                    + ", ".join(f"{w:.2f}" for w in spec.forecast.hold_weight)
                    if spec.forecast.hold_weight
                    else ""
                )
                + f" by hour ahead; else {text[0].lower()}{text[1:]}"
            )
        console.print(f"{text} (fitted by calibrate on the training readings).", highlight=False)


def forecast_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The forecast's JSON rows: each with its two baselines, ``baselines: {"persistence",
    "climatology"}`` (the latest reading held; the mean of earlier days at that lane, day type
    and hour, null where none), and the twin's own forecast before blending."""
    import pandas as pd

    out = []
    for record in table.to_dict(orient="records"):
        persistence, usual = record.pop("persistence"), record.pop("climatology")
        twin = record.pop("twin")
        record["twin_minutes"] = None if twin is None or pd.isna(twin) else float(twin)
        record["baselines"] = {
            "persistence": float(persistence),
            "climatology": None if usual is None or pd.isna(usual) else float(usual),
        }
        out.append(record)
    return out


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
