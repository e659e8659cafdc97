"""The ``smartborder`` command. Each command lives in a module by topic; this file wires them.

Errors raised on purpose (``SmartborderError``) are printed to stderr as one line naming the bad
argument, with exit code 2; usage errors keep click's own message and code.
"""

from __future__ import annotations

import sys

import typer
from rich.text import Text
from typer.core import TyperOption

from smartborder.cli import (
    calibration_commands,
    data_commands,
    invest_commands,
    observation_commands,
    permit_commands,
    plan_commands,
    service_commands,
    sim_commands,
    targeting_commands,
    trade_commands,
    trusted_commands,
    twin_commands,
)
from smartborder.cli.options import with_flags
from smartborder.cli.output import err_console
from smartborder.errors import SmartborderError
from smartborder.extras import advice


def _flag_without_type(option_class: type) -> None:
    """Help shows ``--json`` as a flag, not ``--json <bool>``: since typer 0.2x every option's
    type is printed, and a flag takes no value. Options with a value keep their type."""
    shown = getattr(option_class, "display_type_rich", None)
    if shown is None or getattr(shown, "_smartborder", False):
        return

    def display_type_rich(self, ctx):  # type: ignore[no-untyped-def]
        return None if getattr(self, "is_flag", False) else shown(self, ctx)

    display_type_rich._smartborder = True  # type: ignore[attr-defined]
    option_class.display_type_rich = display_type_rich  # type: ignore[attr-defined]


_flag_without_type(TyperOption)

app = typer.Typer(
    name="smartborder",
    help="Digital twin and services for the US–Mexico border, on real BTS/CBP data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("ports")(data_commands.ports)
app.command("volumes")(data_commands.volumes)
app.command("simulate")(sim_commands.simulate)
app.command("compare")(sim_commands.compare)
app.command("sweep")(sim_commands.sweep)
app.add_typer(sim_commands.port_app, name="port")
app.add_typer(twin_commands.validate_app, name="validate")
app.add_typer(permit_commands.permits_app, name="permits")
app.add_typer(trade_commands.trade_app, name="trade")
app.command("serve")(service_commands.serve)
app.add_typer(service_commands.token_app, name="token")
app.add_typer(service_commands.audit_app, name="audit")
app.add_typer(targeting_commands.targeting_app, name="targeting")
app.add_typer(trusted_commands.trusted_app, name="trusted")
app.add_typer(observation_commands.observations_app, name="observations")
app.command("calibrate")(calibration_commands.calibrate)
app.command("forecast")(calibration_commands.forecast)
app.command("plan")(invest_commands.plan)
app.command("staffing")(plan_commands.staffing)
app.command("scorecard")(plan_commands.scorecard)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turn our errors into a clear message and exit code 2."""
    try:
        app(args=argv, prog_name="smartborder")
    except SmartborderError as exc:
        # Text, not markup: messages may contain [brackets] (TOML sections, lists).
        err_console.print(Text.assemble(("error: ", "bold red"), with_flags(str(exc))), highlight=False, soft_wrap=True)
        sys.exit(2)
    except ModuleNotFoundError as exc:  # an optional part this command needs is not installed
        message = advice(exc)
        if message is None:
            raise
        err_console.print(Text.assemble(("error: ", "bold red"), message), highlight=False, soft_wrap=True)
        sys.exit(2)
