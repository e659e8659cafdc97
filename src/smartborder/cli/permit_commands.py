"""``permits``: seed 004's programs from the command line — judge a history, project a program."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich import box
from rich.table import Table

from smartborder.cli.output import console, print_json
from smartborder.rules.errors import RuleInputError
from smartborder.tomlfiles import describe

if TYPE_CHECKING:
    from smartborder.rules.program import ProgramState

permits_app = typer.Typer(help="Seed 004's work and resident permit programs as rules-as-code.", no_args_is_help=True)


#: The names of ``smartborder.rules.questions`` (kept equal by a test; not imported, so --help stays quick).
QUESTION_HELP = "apply, renew, residency, resident-permit, deportation-protection, citizenship or benefits."


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RuleInputError(f"{field}: expected a date as YYYY-MM-DD, got {text!r}") from None


def read_program(path: Path) -> ProgramState:
    """The program's records from a JSON file (``rules.ProgramState``), errors naming the field."""
    from smartborder.rules import ProgramState

    try:
        return ProgramState.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise RuleInputError(f"program: file {path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise RuleInputError(f"program: {path} is not JSON: {exc}") from None
    except ValidationError as exc:
        raise RuleInputError(f"program: {describe(exc)}") from None


@permits_app.command("check")
def check(
    history_file: Annotated[Path, typer.Argument(help="A person's history (JSON), see smartborder.rules.History.")],
    on: Annotated[str, typer.Option("--on", help="Date judged, YYYY-MM-DD.")],
    question: Annotated[str, typer.Option("--question", "-q", help=QUESTION_HELP)] = "renew",
    announced: Annotated[str | None, typer.Option("--announced", help="Resident program announcement date.")] = None,
    certified: Annotated[
        int | None, typer.Option("--certified", help="Jointly certified illegal crossings that year.")
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option("--issued", help="Resident permit issue date (deportation protection, citizenship, benefits)."),
    ] = None,
    reform: Annotated[
        Path | None,
        typer.Option(
            "--reform",
            help="Ask under a reform: a TOML file of dated parameter values added to the shipped ones (the shape of rules/parameters.toml).",
        ),
    ] = None,
    program: Annotated[
        Path | None,
        typer.Option(
            "--program",
            help="The program's records (JSON: certifications and announcements, see smartborder.rules.ProgramState), "
            "read as of --on for the announcement and certified figure not given.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Is this person eligible on a date? The decision says which rules decided and why."""
    from contextlib import nullcontext

    from smartborder.rules import History
    from smartborder.rules.parameters import read_reform, under_reform
    from smartborder.rules.questions import ask

    day = _date(on, "on")  # the certified count is checked by the rules, naming it as every door does
    try:
        history = History.model_validate(json.loads(history_file.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise RuleInputError(f"history: file {history_file} does not exist") from None
    except json.JSONDecodeError as exc:
        raise RuleInputError(f"history: {history_file} is not JSON: {exc}") from None
    except ValidationError as exc:
        raise RuleInputError(f"history: {describe(exc)}") from None
    state = read_program(program) if program is not None else None
    with under_reform(read_reform(reform)) if reform is not None else nullcontext():
        decision = ask(
            question,
            history,
            day,
            announced=_date(announced, "announced") if announced else None,
            issued=_date(issued, "issued") if issued else None,
            certified_crossings=certified,
            program=state,
        )
    if as_json:
        print_json(decision.as_dict())
    else:
        colour = "green" if decision.granted else "red"
        console.print(
            f"[bold {colour}]{decision.question}: {'granted' if decision.granted else 'refused'}"
            f"[/bold {colour}] on {decision.on}"
        )
        for reason in decision.reasons:
            console.print(f"  - {reason}", highlight=False)
        for note in decision.notes:
            console.print(f"  [dim]note: {note}[/dim]", highlight=False)
        if reform is not None:
            console.print(f"  [dim]rules: {decision.version}[/dim]", highlight=False)


@permits_app.command("project")
def project_command(
    applicants: Annotated[
        Path,
        typer.Argument(
            help="Applicants CSV: applicant_id, filed, skill, background_check[, last_illegal_crossing, nationality]."
        ),
    ],
    years: Annotated[int, typer.Option("--years", help="Years to project.", min=1)] = 10,
    start_year: Annotated[
        int | None, typer.Option("--start-year", help="First year (default: earliest filing).")
    ] = None,
    cap: Annotated[int | None, typer.Option("--cap", help="Annual cap (default: the seed's 300,000).", min=0)] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PNG chart here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Project permits issued, the waiting list, holders and residency eligibility under the cap."""
    from smartborder.rules.projection import load_applicants, project

    frame = load_applicants(applicants)
    first = start_year if start_year is not None else min(frame["filed"]).year
    table = project(frame, first, years, cap)
    if plot is not None:
        from smartborder.report.figures import plot_permit_projection

        plot_permit_projection(table, plot)
    if as_json:
        print_json({"start_year": first, "years": years, "rows": table.reset_index().to_dict(orient="records")})
        return
    out = Table(
        title=f"Temporary work permits, {first}-{first + years - 1} (cap {table['cap'].iloc[0]:,}/year)",
        box=box.SIMPLE_HEAD,
    )
    outside = bool(table["issued_outside_cap"].sum())  # applicants of another nationality (rules.cap)
    for col in (
        "Year",
        "Issued",
        *(["Outside cap"] if outside else []),
        "Waiting",
        "Holders",
        "Lapsed",
        "To residency",
    ):
        out.add_column(col, justify="right")
    for year, row in table.iterrows():
        out.add_row(
            str(year),
            f"{row['issued']:,}",
            *([f"{row['issued_outside_cap']:,}"] if outside else []),
            f"{row['waiting']:,}",
            f"{row['holders']:,}",
            f"{row['lapsed']:,}",
            f"{row['eligible_for_residency']:,}",
        )
    console.print(out)
    console.print("[dim]Renewal and residency-uptake shares are estimates (smartborder/rules/parameters.toml).[/dim]")
