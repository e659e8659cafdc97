"""``ports`` and ``volumes``: the real crossing data from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from smartborder import data
from smartborder.cli.output import console, note, print_json

if TYPE_CHECKING:  # pandas and the data load when a command reads data, not for --help
    import pandas as pd

_TABLE_MEASURES = ["Trucks", "Personal Vehicles", "Pedestrians"]


def ports(
    crossings: Annotated[
        bool,
        typer.Option(
            "--crossings",
            help="List the crossings (bridges) instead: "
            "the ids and names every command accepts, with their own volumes.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """US–Mexico ports with their latest 12-month trucks, cars and pedestrians (--crossings: each crossing)."""
    import pandas as pd

    from smartborder.data.ports import STATE_CODES

    if crossings:
        _crossings(as_json)
        return
    end = data.last_month()
    months = data.MonthRange(end - 11, end)
    table = data.totals(_TABLE_MEASURES, months)
    truck_total = table["Trucks"].sum()
    rows: list[dict[str, Any]] = []
    for port in data.catalogue().values():
        values = table.loc[port.code] if port.code in table.index else pd.Series(0, _TABLE_MEASURES)
        rows.append(
            {
                "code": port.code,
                "name": port.name,
                "state": port.state,
                "latitude": port.lat,
                "longitude": port.lon,
                "trucks": int(values["Trucks"]),
                "personal_vehicles": int(values["Personal Vehicles"]),
                "pedestrians": int(values["Pedestrians"]),
                "truck_share": float(values["Trucks"] / truck_total) if truck_total else 0.0,
                "first_month": str(port.first_month),
                "last_month": str(port.last_month),
                "measures": list(port.measures),
                "flagged": _flagged(port.code, months),
            }
        )
    rows.sort(key=lambda r: (-r["trucks"], -r["personal_vehicles"]))
    if as_json:
        print_json({"period": {"from": str(months.start), "to": str(months.end)}, "ports": rows})
        return
    out = Table(title=f"US–Mexico land ports, inbound, {months.start} to {months.end} (BTS)")
    out.add_column("Code", no_wrap=True)
    out.add_column("Port", no_wrap=True)
    for col in ("Trucks", "Share", "Cars", "Walkers"):
        out.add_column(col, justify="right", no_wrap=True)
    for r in rows:
        out.add_row(
            r["code"],
            f"{r['name']}, {STATE_CODES.get(r['state'], r['state'])}",
            f"{r['trucks']:,}",
            f"{r['truck_share']:.1%}",
            f"{r['personal_vehicles']:,}",
            f"{r['pedestrians']:,}",
        )
    console.print(out)
    flagged = [f"{r['name']} {f['measure']} {f['month']} ({f['value']:,})" for r in rows for f in r["flagged"]]
    if flagged:
        note(
            "anomalies in these months (a count far from its neighbours', summed as published; "
            "`smartborder volumes PORT -m MEASURE` shows them): " + "; ".join(flagged)
        )


def _flagged(code: str, months: data.MonthRange) -> list[dict[str, Any]]:
    """The table's measures' months within *months* that ``data.flagged`` marks at port *code*."""
    out = []
    for measure in _TABLE_MEASURES:
        series = data.monthly_series(code, measure)
        if series.empty:
            continue
        bad = data.flagged(series)
        out += [
            {"measure": measure, "month": str(m), "value": int(series[m])}
            for m in series.index[bad.to_numpy()]
            if months.start <= m <= months.end
        ]
    return out


def _crossings(as_json: bool) -> None:
    """Every modelled crossing: its id, names, port and its own latest 12 months of volumes
    (Texas bridges from CBP's bridge counts, which run later than BTS's port totals)."""
    rows: list[dict[str, Any]] = []
    for c in data.crossings().values():
        months = data.MonthRange(c.last_month - 11, c.last_month)
        counts = {m: int(c.series(m, months).sum()) for m in _TABLE_MEASURES}
        rows.append(
            {
                "id": c.id,
                "name": c.name,
                "port_code": c.port_code,
                "port": c.port.label,
                "also_called": list(c.aliases),
                "cbp_port_numbers": list(c.cbp),
                "from": str(months.start),
                "to": str(months.end),
                "trucks": counts["Trucks"],
                "personal_vehicles": counts["Personal Vehicles"],
                "pedestrians": counts["Pedestrians"],
                "source": c.source,
            }
        )
    if as_json:
        print_json({"crossings": rows})
        return
    out = Table(
        title="US–Mexico crossings, inbound, each one's latest 12 months",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption="Volumes: BTS; Texas bridges: CBP's bridge counts.",
    )
    out.add_column("Crossing", no_wrap=True)
    out.add_column("Port", no_wrap=True)
    for col in ("Trucks", "Cars", "Walkers"):
        out.add_column(col, justify="right", no_wrap=True)
    out.add_column("To", no_wrap=True)
    for r in rows:
        out.add_row(
            r["id"], r["port_code"], f"{r['trucks']:,}", f"{r['personal_vehicles']:,}", f"{r['pedestrians']:,}", r["to"]
        )
    console.print(out)
    note(
        "Names work too: `smartborder port show NAME` says what a name resolves to "
        '("B&M", "Los Tomates", "Free Trade", CBP port numbers …); --json lists every alias.'
    )


def _summary(series: pd.Series, whole: pd.Series) -> dict[str, object]:
    """Total, mean, extremes and the latest month's change of *series*, a slice of *whole*; the
    months flagged as departing from their neighbours, left out of the growth figures."""
    yoy = data.year_over_year(whole)
    bad = data.flagged(whole).reindex(series.index, fill_value=False)
    summary: dict[str, object] = {
        "months": int(series.size),
        "total": int(series.sum()),
        "mean": float(series.mean()),
        "min": {"month": str(series.idxmin()), "value": int(series.min())},
        "max": {"month": str(series.idxmax()), "value": int(series.max())},
        "latest": {
            "month": str(series.index[-1]),
            "value": int(series.iloc[-1]),
            "yoy": float(yoy.get(series.index[-1], float("nan"))),
        },
    }
    summary["flagged"] = [{"month": str(m), "value": int(series[m])} for m in series.index[bad.to_numpy()]]
    if series.size >= 24:
        # Calendar months flagged in either year are left out of both, so the two sums compare alike.
        keep = ~(bad.iloc[-12:].to_numpy() | bad.iloc[-24:-12].to_numpy())
        last, before = series.iloc[-12:][keep].sum(), series.iloc[-24:-12][keep].sum()
        summary["trailing_12_months_yoy"] = float((last - before) / before) if before else None
    return summary


def volumes(
    port: Annotated[
        str,
        typer.Argument(
            help="Port or crossing: name, alias or code, e.g. laredo, 2304, "
            "'World Trade Bridge' (a Texas bridge: its own CBP counts)."
        ),
    ],
    measure: Annotated[
        str, typer.Option("--measure", "-m", help="BTS measure, e.g. Trucks, 'Personal Vehicles'.")
    ] = "Trucks",
    start: Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="Also write a PNG chart here.")] = None,
    by_bridge: Annotated[bool, typer.Option("--by-bridge", help="Texas ports: split by bridge (CBP counts).")] = False,
) -> None:
    """Monthly series of one measure at one port or crossing, with total, mean, extremes and YoY."""
    import pandas as pd

    try:
        place = data.resolve_place(port)
    except data.UnknownPortError:
        data.resolve(port)  # the port resolver names an ambiguous prefix ('cal': Calexico or Calexico East?)
        raise
    months = data.MonthRange.parse(start, end)
    measure_name = data.resolve_measure(measure)
    bridge = place.crossings[0] if place.kind == "crossing" and place.crossings[0].bridge is not None else None
    if bridge is not None:  # a Texas bridge: its own counts, not its port's
        whole, series = bridge.series(measure_name), bridge.series(measure_name, months)
        label, first, last, source = bridge.label, bridge.first_month, bridge.last_month, bridge.source
    else:
        whole = data.monthly_series(place.port.code, measure_name)
        series = data.monthly_series(place.port.code, measure_name, months)
        label, first, last, source = place.port.label, place.port.first_month, place.port.last_month, "BTS"
    if series.empty:
        raise data.DataError(
            f"from/to: {label} reports no {measure_name} in the range {months.start or '…'} "
            f"to {months.end or '…'}; it has data from {first} to {last}"
            + (f" for {', '.join(place.port.measures)}." if bridge is None else ".")
        )
    if place.note:
        note(place.note)
    if by_bridge:
        _print_bridges(place.port, measure_name, months, as_json)
        return
    summary = _summary(series, whole)
    yoy = data.year_over_year(whole)
    bad = data.flagged(whole)
    if plot is not None:
        from smartborder.report.figures import plot_monthly

        plot_monthly(series, f"{measure_name} — {label}", plot)
        note(f"chart written to {plot}")
    if as_json:
        print_json(
            {
                "port": {"code": place.port.code, "name": place.port.name, "state": place.port.state},
                "crossing": bridge.id if bridge is not None else None,
                "source": source,
                "measure": measure_name,
                "series": [
                    {
                        "month": str(m),
                        "value": int(v),
                        "yoy": float(yoy.get(m, float("nan"))),
                        "anomaly": bool(bad.get(m, False)),
                    }
                    for m, v in series.items()
                ],
                "summary": summary,
            }
        )
        return
    table = Table(title=f"{measure_name} — {label}")
    table.add_column("Month")
    table.add_column(measure_name, justify="right")
    table.add_column("YoY", justify="right")
    marked = bool(bad.reindex(series.index, fill_value=False).any())
    if marked:
        table.add_column("")
    for m, v in series.items():
        change = yoy.get(m, float("nan"))
        row = [str(m), f"{v:,}", "" if pd.isna(change) else f"{change:+.1%}"]
        table.add_row(*row, *(["anomaly" if bad.get(m, False) else ""] if marked else []))
    console.print(table)
    latest = summary["latest"]
    assert isinstance(latest, dict)
    console.print(
        f"[bold]{summary['months']} months[/bold]: total {summary['total']:,}, "
        f"mean {summary['mean']:,.0f}/month, min {summary['min']['month']} "  # type: ignore[index]
        f"({summary['min']['value']:,}), max {summary['max']['month']} "  # type: ignore[index]
        f"({summary['max']['value']:,})"  # type: ignore[index]
    )
    if "trailing_12_months_yoy" in summary and summary["trailing_12_months_yoy"] is not None:
        console.print(f"last 12 months vs the 12 before: {summary['trailing_12_months_yoy']:+.1%}")
    if marked:
        note(
            "anomaly: a month whose count is more than 5 times, or under a fifth of, its stable neighbours' "
            "(3 months each side; smartborder.data.anomalies): likely a reporting error, kept as published "
            "but left out of YoY and of the 12-month comparison"
        )


def _print_bridges(port: data.Port, measure: str, months: data.MonthRange, as_json: bool) -> None:
    table = data.bridge_series(port.name, measure, months)
    shares = data.bridge_shares(port.name, measure, months)
    if as_json:
        print_json(
            {
                "port": {"code": port.code, "name": port.name},
                "measure": measure,
                "shares": shares.to_dict(),
                "series": [{"month": str(m), **row.to_dict()} for m, row in table.iterrows()],
            }
        )
        return
    out = Table(title=f"{measure} by bridge — {port.label}, {table.index[0]} to {table.index[-1]} (CBP)")
    out.add_column("Bridge")
    out.add_column("Total", justify="right")
    out.add_column("Share", justify="right")
    for bridge, share in shares.items():
        out.add_row(str(bridge), f"{int(table[bridge].sum()):,}", f"{share:.1%}")
    console.print(out)
