"""``smartborder targeting``: the interdiction curve and the risk profiles in force."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from smartborder import data
from smartborder.cli.errors import UsageError
from smartborder.cli.output import console, note, print_json
from smartborder.cli.sim_commands import JsonOpt, ModelOpt, MonthOpt, SeedOpt, YearOpt, _progress

targeting_app = typer.Typer(help="Risk targeting: profiles, channels and what inspection buys.", no_args_is_help=True)


def _rates(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise UsageError(f"rates: expected comma-separated shares such as 0.01,0.05, got {text!r}") from None


@targeting_app.command("curve")
def curve_command(
    port: Annotated[str, typer.Argument(help="Port name, alias or code.")],
    vehicle: Annotated[str, typer.Option("--class", help="Traffic class: truck, pov, pedestrian, bus.")] = "truck",
    rates: Annotated[
        str,
        typer.Option(
            "--rates",
            help="Secondary-inspection rates to try: shares, comma-separated (default 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12).",
            show_default=False,
        ),
    ] = "0.005,0.01,0.02,0.03,0.05,0.08,0.12",
    year: YearOpt = None,
    month: MonthOpt = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", help="Scenario (TOML or shipped name): other profiles, thresholds and rates."),
    ] = None,
    model: ModelOpt = None,
    replications: Annotated[int, typer.Option("--replications", "-r", min=1, help="Replications per point.")] = 2,
    seed: SeedOpt = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Directory for curve.csv and curve.png.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Interdiction vs secondary-inspection rate (and the secondary wait it causes), risk targeting vs random."""
    from smartborder.policy.deciding.targeting_curve import curve
    from smartborder.policy.studies.study import prepare
    from smartborder.report.targeting import plot_curve

    chosen = _rates(rates)
    if month is None and year is None:
        place = data.resolve_place(port)
        month = str(min(c.last_month for c in place.crossings))
    study = prepare(port, year, month, model, [vehicle], scenario)
    spec = max(study.specs, key=lambda s: s.classes[vehicle].design_volume or 0.0)  # type: ignore[index]
    if len(study.specs) > 1:
        note(
            f"{study.label} has {len(study.specs)} crossings with {vehicle} traffic; the curve is for the "
            f"busiest, {spec.name}"
        )
    months = study.months
    with _progress(2 * len(chosen), "simulating", as_json) as bar:
        task = bar.add_task("run", total=2 * len(chosen))
        table = curve(spec, months, vehicle, chosen, replications, seed, lambda: bar.advance(task))
    period = f"{months[0]}..{months[-1]}" if len(months) > 1 else str(months[0])
    png = None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        table.to_csv(out / "curve.csv", index=False)
        png = plot_curve(
            table, f"{spec.name} {vehicle}s, {period}: risk targeting vs random selection", out / "curve.png"
        )
    if as_json:
        print_json(
            {
                "port": {"code": spec.code, "name": spec.name},
                "class": vehicle,
                "months": [str(m) for m in months],
                "replications": replications,
                "seed": seed,
                "rows": table.to_dict(orient="records"),
                "png": str(png) if png else None,
            }
        )
        return
    grid = Table(
        title=f"{spec.name} {vehicle}s, {period}: interdiction vs inspection rate "
        f"({replications} replications per point)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for header in (
        "Share\ninspected",
        "Inspections",
        "Illicit\nloads",
        "Found\n(targeted)",
        "Found\n(random)",
        "Hit rate\n(targeted)",
        "Secondary\nwait, min",
    ):
        grid.add_column(header, justify="right", no_wrap=True)
    for row in table.to_dict(orient="records"):
        grid.add_row(
            f"{100 * row['realised_rate']:.2f}%",
            f"{row['inspections']:,.0f}",
            f"{row['illicit_loads']:,.0f}",
            f"{100 * row['targeted_interdiction']:.1f}%",
            f"{100 * row['random_interdiction']:.1f}%",
            f"{100 * row['targeted_hit_rate']:.2f}%",
            f"{row['targeted_secondary_wait_min']:.1f}",
        )
    console.print(grid)
    console.print(
        "[dim]Illicit base rates and how attributes correlate with them are estimates "
        "(smartborder/targeting/population.toml).[/dim]"
    )
    if out is not None and png is not None:
        console.print(f"table: {out / 'curve.csv'}\nfigure: {png}")


@targeting_app.command("profiles")
def profiles_command(
    file: Annotated[Path | None, typer.Option("--file", help="A profile file (default: the shipped profiles).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The risk profiles: conditions, prior and learned hit rates (mean and 90 % interval)."""
    from smartborder import targeting

    profiles = targeting.load(file)
    if as_json:
        print_json(profiles.to_dict())
        return
    grid = Table(
        title=f"Risk profiles {profiles.version}, effective {profiles.effective}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for header in ("Profile", "Prior", "Hits /\ninspected", "Hit\nrate", "90%\ninterval", "Forces"):
        first = header == "Profile"
        grid.add_column(
            header,
            no_wrap=not first,
            overflow="fold" if first else "ellipsis",
            min_width=max(len(p.id) for p in profiles.profiles) if first else None,
            justify="left" if header in ("Profile", "Forces") else "right",
        )
    for p in profiles.profiles:
        rate = p.hit_rate
        low, high = rate.interval(0.9)
        grid.add_row(
            p.id,
            f"{100 * p.prior_hit_rate:.1f}% × {p.prior_strength:g}",
            f"{p.hits} / {p.inspections}",
            f"{100 * rate.mean:.2f}%",
            f"{100 * low:.1f}–{100 * high:.1f}%",
            p.force or "",
        )
    console.print(grid)
    console.print("[bold]When each profile applies[/bold]")
    for p in profiles.profiles:  # conditions are long: one line each, wrapped, never cut
        console.print(f"  {p.id}: " + ", ".join(f"{k} = {v}" for k, v in p.when.items()), highlight=False, markup=False)
    console.print(f"[dim]No profile matched: {100 * profiles.background_hit_rate:.3f}%[/dim]")
