"""Planning commands: ``staffing`` (the fewest lanes that keep waits under a target) and
``scorecard`` (ports and crossings against targets, with the trend)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from smartborder.cli.output import console, err_console, note, print_json
from smartborder.cli.sim_commands import (
    ClassOpt,
    JsonOpt,
    ModelOpt,
    RepsOpt,
    SeedOpt,
    _progress,
    _warn,
)
from smartborder.numbers import compact
from smartborder.vocabulary import ALL_LANES, CLASS_NAMES

DAY_NAMES = {"weekday": "weekdays", "saturday": "Saturdays", "sunday": "Sundays"}


def _hour_ranges(hours: list[int]) -> str:
    """[7, 8, 9, 14] → ``7–10 h, 14–15 h`` (each range ends where the last hour ends)."""
    parts, start = [], None
    for k, hour in enumerate(hours):
        if start is None:
            start = hour
        if k + 1 == len(hours) or hours[k + 1] != hour + 1:
            parts.append(f"{start}–{hour + 1} h")
            start = None
    return ", ".join(parts)


def _staffing_table(plan) -> Table:  # type: ignore[no-untyped-def]
    """Per crossing, class and lane type: lane-hours in the month today and planned, the cost of
    the change, and the hours over the target today and under the plan."""
    summary = plan.summary()
    title = (
        f"Staffing for a {plan.stat} wait ≤ {plan.target:g} min — {plan.label}, {plan.month}, "
        f"{plan.replications} replications"
    )
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0), min_width=min(len(title), 79))
    for col in ("Crossing / class / lane", "Lane-h\ntoday", "Lane-h\nplan", "Cost\nchange $", "Hours over\ntoday→plan"):
        first = col.startswith("Crossing")
        table.add_column(
            col,
            justify="left" if first else "right",
            no_wrap=not first,
            max_width=30 if first else None,
            overflow="fold",
        )
    several = summary["crossing"].nunique() > 1
    for _, block in summary.groupby("crossing", sort=False):
        if several:
            table.add_row(f"[bold]{str(block['name'].iloc[0]).split(',')[0]}[/bold]", "", "", "", "")
        for vehicle, rows in block.groupby("class", sort=False):
            indent = "  " if several else ""
            table.add_row(
                f"{indent}{CLASS_NAMES.get(str(vehicle), str(vehicle))}",
                compact(rows["lane_hours_today"].sum(), 0),
                compact(rows["lane_hours_plan"].sum(), 0),
                _signed(rows["cost_change_usd"].sum()),
                f"{int(rows['hours_over_today'].sum())}→"
                f"{int(rows['hours_unreachable'].sum() + rows['hours_missed'].sum())}",
                style="bold",
            )
            for _, row in rows.iterrows():
                if not row["lane_hours_today"] and not row["lane_hours_plan"]:
                    continue
                table.add_row(
                    f"{indent}  {row['lane']} lanes",
                    compact(row["lane_hours_today"], 0),
                    compact(row["lane_hours_plan"], 0),
                    _signed(row["cost_change_usd"]),
                    f"{int(row['hours_over_today'])}→{int(row['hours_unreachable'] + row['hours_missed'])}",
                    style="dim",
                )
    return table


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + compact(value, 0)


def staffing(
    port: Annotated[str, typer.Argument(help="Port or crossing: name, alias, BTS code or CBP number.")],
    month: Annotated[str, typer.Option("--month", help="The month to plan, YYYY-MM.")],
    target_wait: Annotated[float, typer.Option("--target-wait", help="Wait to stay under in every hour, minutes.")],
    stat: Annotated[str, typer.Option("--stat", help="Which wait: mean or p95 of each hour's arrivals.")] = "mean",
    vehicle_class: ClassOpt = None,
    model: ModelOpt = None,
    replications: RepsOpt = 5,
    seed: SeedOpt = 0,
    officer_cost: Annotated[
        float | None,
        typer.Option(
            "--officer-cost",
            help="US$ per officer-hour (default: the shipped estimate, see assumptions.toml [officers]).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the plan as a staffing file (CSV) that `simulate --staffing` runs."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The fewest lanes open by lane type and hour that keep the wait under a target, with the officer-hours and their cost against today's schedule."""
    from smartborder.policy.deciding.staffing_plan import plan_staffing

    with _progress(0, "planning", as_json) as bar:
        task = bar.add_task("plan", total=None)
        plan = plan_staffing(
            port,
            month,
            target_wait,
            stat,
            replications,
            seed,
            vehicle_class,
            model,
            officer_cost,
            announce=_warn,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    written = plan.write(out) if out is not None else None
    if as_json:
        print_json(plan.to_json(str(written) if written else None))
        return
    console.print(_staffing_table(plan))
    totals = plan.totals()
    change = totals["officer_hours_plan"] - totals["officer_hours_today"]
    console.print(
        f"officer-hours in {plan.month}: {totals['officer_hours_today']:,.0f} today → "
        f"{totals['officer_hours_plan']:,.0f} planned ({change:+,.0f}), "
        f"US${totals['cost_today_usd']:,.0f} → US${totals['cost_plan_usd']:,.0f} "
        f"({totals['cost_change_usd']:+,.0f}) at US${plan.cost.usd_per_officer_hour:g} per officer-hour, "
        f"{plan.cost.officers_per_lane:g} officer{'' if plan.cost.officers_per_lane == 1 else 's'} per lane",
        highlight=False,
    )
    unreachable = plan.unreachable()
    if len(unreachable):
        console.print(
            f"[yellow]no staffing within the booths keeps the {plan.stat} wait ≤ {plan.target:g} min[/yellow] "
            "(wait with every booth open):",
            highlight=False,
        )
        several = len({c.crossing for c in plan.classes}) > 1
        for (name, vehicle, lane, day), rows in unreachable.groupby(["name", "class", "lane", "day"], sort=False):
            low, high = rows["wait_all_booths_min"].min(), rows["wait_all_booths_min"].max()
            waits = f"{low:.1f} min" if f"{low:.1f}" == f"{high:.1f}" else f"{low:.1f}–{high:.1f} min"
            booths = int(rows["booths"].max())
            where = f"{str(name).split(',')[0]}, " if several else ""
            console.print(
                f"  {where}{CLASS_NAMES.get(str(vehicle), vehicle)}, {lane} lanes, {DAY_NAMES[str(day)]} "
                f"{_hour_ranges(list(rows['hour']))}: {waits} with "
                f"{'its one booth' if booths == 1 else f'all {booths} booths'} open",
                highlight=False,
            )
    else:
        console.print(f"every hour meets the target ({plan.stat} wait ≤ {plan.target:g} min).", highlight=False)
    console.print(
        "[dim]Hours over: lane-type hours (weekday, Saturday, Sunday × 24) whose "
        f"{plan.stat} wait exceeds the target. Lane-h: lane-hours staffed in the month.[/dim]"
    )
    for c in plan.classes:
        if not c.converged:
            err_console.print(
                f"[yellow]warning:[/yellow] {c.name} {c.vehicle}: the search stopped after {c.sweeps} "
                "passes before every lane count settled; the hours it reports met are met, but some "
                "could do with fewer lanes",
                highlight=False,
            )
    if written is not None:
        console.print(
            f"staffing file: {written} (run it: smartborder simulate {shlex.quote(port)} --month "
            f"{plan.month} --staffing {shlex.quote(str(written))})",
            highlight=False,
        )
    else:
        note("--out FILE writes the plan as a staffing file for `simulate --staffing`.")


#: Scorecard columns: KPI → heading (two lines, so that the table fits 80 columns).
CARD_COLUMNS = {
    "vehicles_per_day": "Veh\n/day",
    "wait_mean_min": "Wait\nmin",
    "wait_p95_min": "p95\nmin",
    "delay_vehicle_hours": "Delay\nveh-h",
    "total_cost_usd": "Cost\nUS$",
    "co2_tonnes": "CO₂\nt",
    "trusted_share": "Trust",
    "secondary_rate": "2nd",
    "interdiction_rate": "Catch",
    "throughput_per_booth_hour": "Per\nbooth",
}
MARKS = {"green": ("✓", "green"), "amber": ("!", "yellow"), "red": ("✗", "red"), "none": ("", "")}


def _card_cell(kpi: str, row) -> str:  # type: ignore[no-untyped-def]
    """A KPI's value, marked with its light (✓ green, ! amber, ✗ red) and coloured."""
    value = row["value"]
    if value is None or value != value:  # NaN
        return "–"
    if kpi in ("trusted_share", "secondary_rate", "interdiction_rate"):
        text = f"{value * 100:.0f}%" if value >= 0.1 or value == 0 else f"{value * 100:.1f}%"
    elif kpi == "wait_mean_min":
        text = f"{value:.1f}"
    else:
        text = compact(value, 0, kilo_from=1e3, whole_from=10)
    mark, colour = MARKS[str(row["light"])]
    return f"[{colour}]{text}{mark}[/{colour}]" if colour else text


def _scorecard_table(card) -> Table:  # type: ignore[no-untyped-def]
    """Per port (its crossings together), each crossing, class and lane type: every KPI, marked
    with its light."""
    scored = card.scored()
    title = f"Port scorecard {card.year} — {len(card.ports)} port(s), {card.replications} replication(s)"
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=0)  # the box's gaps separate
    table.add_column("Port / crossing / class", no_wrap=False, min_width=18, max_width=22, overflow="fold")
    for heading in CARD_COLUMNS.values():
        table.add_column(heading, justify="right", no_wrap=True)
    for port in card.ports:
        rows = scored[scored["port_code"] == port["code"]]
        places = list(dict.fromkeys(rows["place"]))
        for place in sorted(places, key=lambda p: p != "all"):
            block = rows[rows["place"] == place]
            if place == "all" or len(places) == 1:
                table.add_row(f"[bold]{port['label']}[/bold]", *[""] * len(CARD_COLUMNS))
            else:
                name = str(block["place_name"].iloc[0]).split(",")[0].split(" (")[0]
                table.add_row(f"[italic]{name}[/italic]", *[""] * len(CARD_COLUMNS))
            for vehicle, by_class in block.groupby("class", sort=False):
                cells = dict.fromkeys(CARD_COLUMNS, "")
                for _, row in by_class[by_class["lane"] == ALL_LANES].iterrows():
                    cells[str(row["kpi"])] = _card_cell(str(row["kpi"]), row)
                table.add_row(f"  {CLASS_NAMES.get(str(vehicle), vehicle)}", *cells.values())
                lanes = by_class[by_class["lane"] != ALL_LANES]
                if lanes["lane"].nunique() > 1:
                    for lane, by_lane in lanes.groupby("lane", sort=False):
                        cells = dict.fromkeys(CARD_COLUMNS, "")
                        for _, row in by_lane.iterrows():
                            cells[str(row["kpi"])] = _card_cell(str(row["kpi"]), row)
                        table.add_row(f"    {lane}", *cells.values(), style="dim")
    return table


def _trend_table(card) -> Table:  # type: ignore[no-untyped-def]
    """Mean wait by year for each port (its crossings together) and class."""
    scored = card.scored()
    waits = scored[(scored["kpi"] == "wait_mean_min") & (scored["lane"] == ALL_LANES)]
    table = Table(
        title=f"Trend: mean wait, min, {card.years[0]}–{card.years[-1]}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("Port / class", no_wrap=False, max_width=40, overflow="fold")
    for year in card.years:
        table.add_column(str(year), justify="right", no_wrap=True)
    for port in card.ports:
        rows = waits[waits["port_code"] == port["code"]]
        top = rows[rows["place"] == "all"] if (rows["place"] == "all").any() else rows
        for _, row in top.iterrows():
            table.add_row(
                f"{port['label']}, {CLASS_NAMES.get(str(row['class']), row['class'])}",
                *["–" if v != v else f"{v:.1f}" for v in row["trend"]],
            )
    return table


def scorecard(
    year: Annotated[
        int | None, typer.Option("--year", help="Year to score (default: the last full year of data).")
    ] = None,
    ports: Annotated[
        list[str] | None,
        typer.Option(
            "--ports", help="Ports or crossings, repeated or comma-separated (default: every US–Mexico port)."
        ),
    ] = None,
    targets: Annotated[
        Path | None,
        typer.Option(
            "--targets",
            help="Targets file (TOML, the shape of policy/scorecard_targets.toml); what it gives replaces the shipped targets.",
        ),
    ] = None,
    trend_years: Annotated[
        int, typer.Option("--trend-years", help="Years in the trend, the scored year last.", min=1)
    ] = 3,
    replications: Annotated[
        int,
        typer.Option(
            "--replications",
            "-r",
            help="Independent replications per port-year (default 1: the whole border, three years, in about 30 s on two cores).",
            min=1,
        ),
    ] = 1,
    seed: SeedOpt = 0,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: all cores).", min=1)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Directory for scorecard.html and scorecard.csv.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ports and crossings against targets: waits by lane type, delay and its cost, CO₂, trusted share, secondary, interdiction and throughput, with traffic lights and the trend."""
    from smartborder.policy.deciding.scorecard import build_scorecard

    names = [name.strip() for value in ports or [] for name in value.split(",") if name.strip()] or None
    with _progress(0, "port-years", as_json) as bar:
        task = bar.add_task("score", total=None)
        card = build_scorecard(
            year,
            names,
            targets,
            trend_years,
            replications,
            seed,
            workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    report = None
    if out is not None:
        from smartborder.report.scorecard import write_scorecard_report

        report = write_scorecard_report(card, out)
    if as_json:
        print_json(card.to_json(str(report) if report else None))
        return
    for text in card.notes:
        note(text)
    for warning in card.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    console.print(_scorecard_table(card))
    if len(card.years) > 1:
        console.print(_trend_table(card))
    counts = card.counts()
    console.print(
        f"{counts['green']} green, {counts['amber']} amber, {counts['red']} red. "
        f"✓ meets the target, ! within {card.targets.amber:.0%} of it, "
        f"✗ misses it; delay, cost and CO₂ per vehicle against {card.year - 1} "
        "(targets and sources: --out DIR, or policy/scorecard_targets.toml).",
        highlight=False,
    )
    if report:
        console.print(f"report: {report}")
    note(f"{len(card.ports)} port(s) × {len(card.years)} year(s) simulated in {card.seconds:.1f} s")


__all__ = ["scorecard", "staffing"]
