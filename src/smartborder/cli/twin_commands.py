"""``validate``: the engine checked against queueing theory, in front of the user."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.table import Table

from smartborder.cli.output import console, print_json


def validate(
    scale: Annotated[float, typer.Option(help="Multiply the number of simulated customers.", min=0.01)] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 20261124,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Simulated vs analytic waits (Erlang-C, Pollaczek–Khinchine, Little's law)."""
    from smartborder.twin.validation import run_cases

    if as_json:
        cases = run_cases(scale, seed)
    else:
        with console.status("simulating the analytic cases…"):
            cases = run_cases(scale, seed)
    if as_json:
        print_json({"cases": [c.as_dict() for c in cases], "passed": all(c.passed for c in cases)})
    else:
        bound = max(c.bound for c in cases)
        table = Table(
            title=f"Engine vs queueing theory: mean wait (min), error bound {bound:.0%}",
            box=box.SIMPLE_HEAD,
        )
        for col in ("Case", "N", "Simulated", "±95%", "Analytic", "Error", ""):
            table.add_column(col, justify="left" if col == "Case" else "right", no_wrap=True)
        for c in cases:
            ci = "" if c.ci_half_width != c.ci_half_width else f"{c.ci_half_width:.3f}"
            table.add_row(
                c.name, f"{c.customers / 1e6:.1f}M", f"{c.simulated:.4f}", ci, f"{c.analytic:.4f}",
                f"{c.relative_error:.2%}",
                "[green]ok[/green]" if c.passed else "[red]FAIL[/red]",
            )
        console.print(table)
    if not all(c.passed for c in cases):
        raise typer.Exit(1)
