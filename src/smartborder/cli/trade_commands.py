"""``trade``: seed 004's trade rules from the command line — the rules-of-origin waiver and the
MFN convergence path, decided by the same functions as ``/trade/…`` and ``smartborder.rules``."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from smartborder.cli.output import console, print_json
from smartborder.rules.errors import RuleInputError

trade_app = typer.Typer(
    help="Seed 004's trade rules: the rules-of-origin waiver and MFN convergence.", no_args_is_help=True
)
INPUT_COLUMNS = ("tariff_line", "value", "tariff_paid_pct", "importing_mfn_pct")


@trade_app.command("roo-waiver")
def roo_waiver_command(
    inputs: Annotated[Path, typer.Argument(help="CSV of the affected inputs: " + ", ".join(INPUT_COLUMNS) + ".")],
    importer: Annotated[str, typer.Option("--importer", help="The importing firm invoking the waiver.")],
    year: Annotated[int, typer.Option("--year", help="The year invoked for.")],
    exporting: Annotated[
        str | None, typer.Option("--exporting-country", help="ISO code of the exporting country (e.g. MX).")
    ] = None,
    importing: Annotated[
        str | None, typer.Option("--importing-country", help="ISO code of the importing country (e.g. US).")
    ] = None,
    program: Annotated[
        Path | None,
        typer.Option(
            "--program",
            help="Records (JSON, smartborder.rules.ProgramState) whose trade_areas give the waiver's "
            "precondition, tariff-free trade between the two countries; without them it is assumed.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Is the rules-of-origin waiver granted to a firm for a year? (Decided, not recorded: the
    service's POST /trade/roo-waiver records the yearly invocation.)"""
    from decimal import Decimal, InvalidOperation

    from pydantic import ValidationError

    from smartborder.rules import InputImport, roo_waiver

    if not inputs.is_file():
        raise RuleInputError(f"inputs: file {inputs} does not exist")
    with inputs.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in INPUT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RuleInputError(f"inputs: {inputs} lacks column(s) {', '.join(missing)}")
        rows = list(reader)
    items: list[InputImport] = []
    mfn: dict[str, Decimal] = {}
    for number, row in enumerate(rows, start=2):
        numbers: dict[str, Decimal] = {}
        for column in ("value", "tariff_paid_pct", "importing_mfn_pct"):
            try:
                numbers[column] = Decimal((row[column] or "").strip())
            except InvalidOperation:
                raise RuleInputError(f"inputs: line {number}: {column}: not a number: {row[column]!r}") from None
        try:
            items.append(
                InputImport(
                    tariff_line=row["tariff_line"],
                    value=numbers["value"],
                    tariff_paid_pct=numbers["tariff_paid_pct"],
                )
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise RuleInputError(f"inputs: line {number}: {where}: {first['msg']}") from None
        rate = numbers["importing_mfn_pct"]
        if mfn.setdefault(row["tariff_line"], rate) != rate:
            raise RuleInputError(f"importing_mfn_pct: line {number}: two MFN rates for {row['tariff_line']}")
    from smartborder.cli.permit_commands import read_program

    decision = roo_waiver(
        importer,
        year,
        items,
        mfn,
        exporting_country=exporting,
        importing_country=importing,
        program=read_program(program) if program is not None else None,
    )
    if as_json:
        print_json(decision.as_dict())
        return
    colour = "green" if decision.granted else "red"
    console.print(f"[bold {colour}]{decision.question}: {'granted' if decision.granted else 'refused'}[/bold {colour}]")
    for reason in decision.reasons:
        console.print(f"  - {reason}", highlight=False)
    for note in decision.notes:
        console.print(f"  [dim]note: {note}[/dim]", highlight=False)


@trade_app.command("mfn")
def mfn_command(
    rate: Annotated[list[str], typer.Option("--rate", help="PARTNER=PERCENT, at least two (e.g. US=3.4).")],
    start: Annotated[int, typer.Option("--start", help="First year of the path.")],
    years: Annotated[int, typer.Option("--years", help="Years to converge over.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """MFN tariffs converging to the lowest partner's rate, year by year."""
    from rich import box
    from rich.table import Table

    from smartborder.rules import mfn_convergence

    rates: dict[str, float] = {}
    for item in rate:
        partner, _, value = item.partition("=")
        if partner.strip() in rates:
            raise RuleInputError(f"rate: partner {partner.strip()!r} is given twice ({item!r}); give each once")
        try:
            rates[partner.strip()] = float(value)
        except ValueError:
            raise RuleInputError(f"rate: expected PARTNER=PERCENT, got {item!r}") from None
        if not partner.strip() or rates[partner.strip()] < 0:
            raise RuleInputError(f"rate: expected PARTNER=PERCENT with a rate >= 0, got {item!r}")
    rows = mfn_convergence(rates, start, years).to_dict(orient="records")
    if as_json:
        print_json({"rows": rows})
        return
    table = Table(title=f"MFN convergence to the lowest rate, {start}–{start + years}", box=box.SIMPLE_HEAD)
    for column in ("year", "partner", "MFN %", "gap, points"):
        table.add_column(column, justify="right" if column != "partner" else "left")
    for row in rows:
        table.add_row(str(row["year"]), str(row["partner"]), f"{row['mfn_pct']:.2f}", f"{row['gap_pp']:.2f}")
    console.print(table)
