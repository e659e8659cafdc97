"""``serve``, ``token create`` and ``audit verify``: running the services."""

from __future__ import annotations

from typing import Annotated

import typer

from smartborder.cli.output import console, err_console, print_json

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: SMARTBORDER_DATABASE_URL or sqlite:///smartborder.db)."),
]

#: The roles ``token create`` accepts (kept equal to ``service.auth.ROLES`` by a test; not imported here
#: so that ``--help`` stays quick).
ROLE_HELP = (
    "admin, officer, booth_officer, vetting_officer, auditor, applicant, shipper, carrier or analyst "
    "(see `smartborder serve` docs for what each may do)."
)

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
    from smartborder.service.trusted_support import public_test_key

    settings = load_settings()
    if settings.trusted_test_keys:
        raise SmartborderError(
            "SMARTBORDER_TRUSTED_TEST_KEYS: the public test keys are for the test suite; anyone can "
            "derive them, so a served card or template would be forgeable. Unset it and set "
            "SMARTBORDER_CARD_KEY and SMARTBORDER_TEMPLATE_KEY (`smartborder trusted keys`)."
        )
    given = {"SMARTBORDER_CARD_KEY": settings.card_key, "SMARTBORDER_TEMPLATE_KEY": settings.template_key}
    for variable, secret in given.items():
        if secret is not None and secret.get_secret_value().strip() == public_test_key(variable):
            raise SmartborderError(
                f"{variable}: this is the public test key, which anyone can derive, so what the "
                "server signs or encrypts with it would be forgeable. Make real keys with "
                "`smartborder trusted keys`."
            )
    app = create_app(db, settings=settings)
    settle_for_serving()
    err_console.print(
        f"smartborder on http://{host}:{port} (dashboard at /, API docs at /docs), "
        f"database {shown_url(database_url(db))}",
        soft_wrap=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="info")


@token_app.command("create")
def create(
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    org: Annotated[str | None, typer.Option("--org", help="Organisation the token acts for.")] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="For an applicant: their person id.")] = None,
    days: Annotated[int, typer.Option("--days", help="Days the token is valid (1..1095).")] = 365,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Print a new token (shown once; only its hash is stored), valid for --days. Makes the first admin."""
    import datetime as dt

    from smartborder.errors import SmartborderError
    from smartborder.service.audit import record
    from smartborder.service.auth import MAX_LIFETIME, ROLES, create_token
    from smartborder.service.db import database_url, session_factory, upgrade

    if role not in ROLES:
        raise SmartborderError(f"role: expected one of {', '.join(ROLES)}, got {role!r}")
    if role == "applicant" and not subject:
        raise SmartborderError("subject: an applicant token needs --subject PERSON_ID")
    if not 1 <= days <= MAX_LIFETIME.days:
        raise SmartborderError(f"days: a token is valid for 1..{MAX_LIFETIME.days} days, got {days}")
    url = database_url(db)
    upgrade(url)
    with session_factory(url)() as session:
        token = create_token(session, role, org, subject, lifetime=dt.timedelta(days=days))
        record(session, "cli", "token.create", role, {"role": role, "org": org, "subject": subject, "days": days})
        session.commit()
    if as_json:
        print_json({"token": token, "role": role, "org": org, "subject": subject, "days": days})
    else:
        console.print(token)


@token_app.command("list")
def list_tokens(
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Every token: its id, role, organisation, subject, when made, expires and was revoked (never the token)."""
    from sqlalchemy import select

    from smartborder.service.db import database_url, require_existing, session_factory, upgrade
    from smartborder.service.models import Token

    url = database_url(db)
    require_existing(url, "tokens")
    upgrade(url)
    with session_factory(url)() as session:
        rows = [
            {
                "id": t.id,
                "role": t.role,
                "org": t.org,
                "subject": t.subject,
                "created_at": t.created_at.isoformat() if t.created_at else None,
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in session.scalars(select(Token).order_by(Token.id))
        ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        state = "revoked" if row["revoked_at"] else f"expires {row['expires_at'] or 'never'}"
        console.print(
            f"{row['id']:>5}  {row['role']:<16} {row['org'] or '':<16} {row['subject'] or '':<12} {state}",
            highlight=False,
        )


@token_app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (`token list`; the N of role#N).")], db: DbOpt = None
) -> None:
    """Revoke a token at once (a running server honours it within its 10 s caller cache)."""
    from smartborder.errors import SmartborderError
    from smartborder.service.audit import record
    from smartborder.service.auth import revoke_token
    from smartborder.service.db import database_url, require_existing, session_factory, upgrade

    url = database_url(db)
    require_existing(url, "tokens")
    upgrade(url)
    with session_factory(url)() as session:
        try:
            row = revoke_token(session, token_id)
        except LookupError as exc:
            raise SmartborderError(str(exc)) from None
        record(session, "cli", "token.revoke", f"{row.role}#{row.id}", {"token_id": token_id})
        session.commit()
    console.print(f"revoked token {token_id} ({row.role})", highlight=False)


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
