"""``serve``, ``token create`` and ``audit verify``: running the services."""

from __future__ import annotations

from typing import Annotated

import typer

from smartborder.cli.output import console, err_console, print_json

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (default: SMARTBORDER_DATABASE_URL or sqlite:///smartborder.db).")]

#: The roles ``token create`` accepts (kept equal to ``service.auth.ROLES`` by a test; not imported here
#: so that ``--help`` stays quick).
ROLE_HELP = ("admin, officer, booth_officer, vetting_officer, auditor, applicant, shipper, carrier or analyst "
             "(see `smartborder serve` docs for what each may do).")

token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Run the web dashboard (at /) and the HTTP API (OpenAPI at /docs); migrates the database first."""
    import uvicorn

    from smartborder.errors import SmartborderError
    from smartborder.service.app import create_app, settle_for_serving
    from smartborder.service.db import database_url, shown_url
    from smartborder.service.settings import load_settings

    settings = load_settings()
    if settings.trusted_test_keys:
        raise SmartborderError("SMARTBORDER_TRUSTED_TEST_KEYS: the public test keys are for the test suite; anyone can "
                               "derive them, so a served card or template would be forgeable. Unset it and set "
                               "SMARTBORDER_CARD_KEY and SMARTBORDER_TEMPLATE_KEY (`smartborder trusted keys`).")
    app = create_app(db, settings=settings)
    settle_for_serving()
    err_console.print(f"smartborder on http://{host}:{port} (dashboard at /, API docs at /docs), "
                      f"database {shown_url(database_url(db))}", soft_wrap=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


@token_app.command("create")
def create(
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    org: Annotated[str | None, typer.Option("--org", help="Organisation the token acts for.")] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="For an applicant: their person id.")] = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Print a new token (shown once; only its hash is stored). Makes the first admin."""
    from smartborder.errors import SmartborderError
    from smartborder.service.audit import record
    from smartborder.service.auth import ROLES, create_token
    from smartborder.service.db import database_url, session_factory, upgrade

    if role not in ROLES:
        raise SmartborderError(f"role: expected one of {', '.join(ROLES)}, got {role!r}")
    if role == "applicant" and not subject:
        raise SmartborderError("subject: an applicant token needs --subject PERSON_ID")
    url = database_url(db)
    upgrade(url)
    with session_factory(url)() as session:
        token = create_token(session, role, org, subject)
        record(session, "cli", "token.create", role, {"role": role, "org": org, "subject": subject})
        session.commit()
    if as_json:
        print_json({"token": token, "role": role, "org": org, "subject": subject})
    else:
        console.print(token)


@audit_app.command("verify")
def verify(db: DbOpt = None) -> None:
    """Check the audit log's hash chain; exit 1 if any entry was changed or removed."""
    from smartborder.service.audit import verify as check
    from smartborder.service.db import database_url, require_existing, session_factory, upgrade

    url = database_url(db)
    require_existing(url, "audit_log")  # verifying must never create a database and call it intact
    upgrade(url)
    with session_factory(url)() as session:
        intact, _, message = check(session)
    console.print(("[green]intact[/green]: " if intact else "[red]BROKEN[/red]: ") + message, highlight=False)
    if not intact:
        raise typer.Exit(1)
