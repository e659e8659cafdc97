"""``trusted``: the trusted trader and traveller programs from the command line.

Status, certification steps, enrolment and revocation call the same route functions as the
HTTP API, in one transaction with an audit entry whose actor is ``cli:<role>``; the offline
card check needs only the public key; ``biometrics evaluate`` measures the face matcher.
Heavy imports (OpenCV, the service) load inside the commands, so ``--help`` stays quick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from smartborder import clock
from smartborder.cli.output import console, note, print_json
from smartborder.trusted.errors import TrustedError

if TYPE_CHECKING:
    pass

trusted_app = typer.Typer(
    help="Trusted trader and traveller programs: status, certification, enrolment, cards, biometrics.",
    no_args_is_help=True,
)
biometrics_app = typer.Typer(help="The biometric matcher: measured error rates, sample faces.", no_args_is_help=True)
trusted_app.add_typer(biometrics_app, name="biometrics")

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: SMARTBORDER_DATABASE_URL or sqlite:///smartborder.db)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
OnOpt = Annotated[str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default: today).")]


def _date(text: str | None, field: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise TrustedError(field, f"expected a date as YYYY-MM-DD, got {text!r}") from None


@contextmanager
def _session(db: str | None, role: str) -> Iterator[tuple[Any, Any]]:
    """A migrated database session and a caller acting as ``cli:<role>``; an operation's refusal
    becomes a TrustedError (one line, exit 2)."""
    from smartborder.service.auth import Caller
    from smartborder.service.db import database_url, session_factory, upgrade
    from smartborder.service.errors import OperationError

    class CliCaller(Caller):
        @property
        def label(self) -> str:
            return f"cli:{self.role}"

    url = database_url(db)
    upgrade(url)
    with session_factory(url)() as session:
        try:
            yield session, CliCaller(0, role, None, None)
        except OperationError as exc:
            session.rollback()
            raise TrustedError(exc.field, exc.problem) from None


def _show(payload: dict[str, Any], as_json: bool, title: str) -> None:
    if as_json:
        print_json(payload)
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, show_header=False)
    for key, value in payload.items():
        if key not in ("facilities", "card"):
            table.add_row(key, "; ".join(map(str, value)) if isinstance(value, list) else str(value))
    console.print(table)
    if payload.get("card"):
        console.print(
            f"card text (signed, check offline with `smartborder trusted verify-card`):\n{payload['card']}",
            highlight=False,
            soft_wrap=True,
        )


@trusted_app.command("status")
def status(
    kind: Annotated[str, typer.Argument(help="facility, company or person.")],
    ident: Annotated[str, typer.Argument(help="Its id.")],
    on: OnOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Trusted on a day? Since when, until when, or why not."""
    from smartborder.service import trusted_operations as ops

    operations: dict[str, Callable[..., dict[str, Any]]] = {
        "facility": lambda session, _caller, ident, day: ops.facility_status(session, ident, day),
        "company": lambda session, _caller, ident, day: ops.company_status(session, ident, day),
        "person": ops.person_status,
    }
    if kind not in operations:
        raise TrustedError("kind", f"expected facility, company or person, got {kind!r}")
    with _session(db, "officer") as (session, caller):
        payload = operations[kind](session, caller, ident, _date(on, "on"))
    _show(payload, as_json, f"{kind} {ident}")


@trusted_app.command("certification")
def certification(
    facility: Annotated[str, typer.Argument(help="Facility id.")],
    action: Annotated[str, typer.Argument(help="certified, revalidated, suspended, reinstated or revoked.")],
    on: OnOpt = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (required to suspend or revoke).")] = "",
    audit_id: Annotated[
        int | None, typer.Option("--audit-id", help="The passing audit a certification rests on.")
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a certification step for a facility (as an auditor), logged with the reason."""
    from smartborder.service.trusted_operations import certification_step

    with _session(db, "auditor") as (session, caller):
        payload = certification_step(
            session, caller, facility, action, _date(on, "on") or clock.today(), reason, audit_id
        )
    _show(payload, as_json, f"facility {facility}")


@trusted_app.command("enrol")
def enrol(
    application: Annotated[str, typer.Argument(help="Application id (interviewed).")],
    image: Annotated[Path, typer.Argument(help="Face image, PNG or JPEG.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Enrol the applicant's face (only the sealed template is kept). Needs SMARTBORDER_TEMPLATE_KEY."""
    import base64

    from smartborder.service.trusted_operations import enrol as enrol_face

    if not image.is_file():
        raise TrustedError("image", f"file {image} does not exist")
    with _session(db, "vetting_officer") as (session, caller):
        payload = enrol_face(session, caller, application, base64.b64encode(image.read_bytes()).decode())
    _show(payload, as_json, f"application {application}")


@trusted_app.command("revoke")
def revoke(
    card: Annotated[str, typer.Argument(help="Card id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the card is revoked (logged).")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Revoke a card; the holder's biometric template is deleted with it."""
    from smartborder.service.trusted_operations import revoke_card

    with _session(db, "admin") as (session, caller):
        payload = revoke_card(session, caller, card, reason)
    _show(payload, as_json, f"card {card}")


@trusted_app.command("verify-card")
def verify_card_command(
    card: Annotated[str, typer.Argument(help="The card's text (starting SB1.).")],
    public_key: Annotated[
        str, typer.Option("--public-key", help="The program's public key (GET /trusted/public-key).")
    ],
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a card offline: genuine and in date? Exit 1 if not. No database is touched."""
    from smartborder.trusted.cards import load_public_key, verify_card

    try:
        key = load_public_key(public_key)
    except ValueError:
        raise TrustedError("public-key", "expected the 32-byte Ed25519 key, base64url") from None
    check = verify_card(key, card, _date(on, "on") or clock.today())
    if as_json:
        print_json(check.as_dict())
    else:
        console.print(
            ("[green]valid[/green]" if check.valid else "[red]NOT VALID[/red]")
            + (f": {'; '.join(check.reasons)}" if check.reasons else f" — {check.claims}"),
            highlight=False,
        )
    if not check.valid:
        raise typer.Exit(1)


@trusted_app.command("keys")
def keys() -> None:
    """Print fresh keys for the service's environment (cards: Ed25519; templates: AES-256-GCM)."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    from smartborder.trusted.biometrics.templates import new_key_text

    seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    console.print(
        f"export SMARTBORDER_CARD_KEY={base64.urlsafe_b64encode(seed).rstrip(b'=').decode()}\n"
        f"export SMARTBORDER_TEMPLATE_KEY={new_key_text()}",
        highlight=False,
    )


@trusted_app.command("criteria")
def criteria(as_json: JsonOpt = False) -> None:
    """The security criteria checklist a facility audit judges, with its source and pass marks."""
    from smartborder.trusted import checklist

    rules = checklist()
    if as_json:
        print_json(
            {
                "version": rules.version,
                "source": rules.source,
                "criteria": [c.__dict__ for c in rules.criteria.values()],
            }
        )
        return
    table = Table(title=f"Security criteria ({rules.version})", box=box.SIMPLE_HEAD)
    for col in ("Id", "Category", "Level", "Criterion"):
        table.add_column(col)
    for c in rules.criteria.values():
        table.add_row(c.id, rules.categories[c.category], c.level, c.text)
    console.print(table)
    console.print(f"Source: {rules.source}\nScoring: {rules.scoring_source}", highlight=False)


@biometrics_app.command("evaluate")
def evaluate(
    identities: Annotated[int, typer.Option("--identities", help="Test identities.", min=2)] = 60,
    samples: Annotated[int, typer.Option("--samples", help="Images per identity (1 enrolment + probes).", min=2)] = 4,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Measure at this distance (default: the configured one).")
    ] = None,
    dev_identities: Annotated[
        int, typer.Option("--dev-identities", help="Identities (seed 1) to choose a threshold on.", min=2)
    ] = 40,
    as_json: JsonOpt = False,
) -> None:
    """Measure the face matcher's false-match and false-non-match rates on the generated face set."""
    from smartborder.trusted.biometrics.evaluate import evaluate as run
    from smartborder.trusted.biometrics.lbph import LBPHMatcher

    matcher = LBPHMatcher(threshold)
    result = run(matcher, matcher.threshold, identities=identities, samples=samples, dev_identities=dev_identities)
    if as_json:
        print_json(
            {
                "matcher": matcher.name,
                "data": "generated faces (smartborder.trusted.biometrics.synthetic)",
                **result.as_dict(),
            }
        )
        return
    table = Table(
        title=f"{matcher.name} at distance ≤ {result.threshold:g} — generated faces, "
        f"{identities} test identities x {samples}",
        box=box.SIMPLE_HEAD,
    )
    for col in ("Rate", "Errors", "Trials", "Rate %", "95% upper %"):
        table.add_column(col, justify="right" if col != "Rate" else "left")
    for name, r in (
        ("false match (FMR)", result.fmr),
        ("false non-match (FNMR)", result.fnmr),
        ("failure to acquire (FTA)", result.fta),
    ):
        table.add_row(name, f"{r.errors:,}", f"{r.trials:,}", f"{100 * r.value:.2f}", f"{100 * r.upper95():.2f}")
    console.print(table)
    console.print(
        f"threshold chosen on {dev_identities} development identities (seed 1) for FMR ≤ 1 %: {result.chosen_threshold:g}; "
        f"{result.ms_per_verify:.1f} ms per face (detect + LBPH).",
        highlight=False,
    )
    note(
        "Generated cartoon faces, not photographs: these figures check the pipeline and the threshold; "
        "they say nothing about error rates on real travellers."
    )


@biometrics_app.command("sample-faces")
def sample_faces(
    out: Annotated[Path, typer.Argument(help="Directory for the PNG files.")],
    identities: Annotated[int, typer.Option("--identities", min=1)] = 2,
    samples: Annotated[int, typer.Option("--samples", min=1)] = 2,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Write generated faces (person<i>_<j>.png) to try enrolment and booth checks with."""
    from smartborder.trusted.biometrics import encode_png
    from smartborder.trusted.biometrics.synthetic import face_set

    out.mkdir(parents=True, exist_ok=True)
    images, labels = face_set(identities, samples, seed)
    for k, (image, label) in enumerate(zip(images, labels, strict=True)):
        (out / f"person{label}_{k % samples}.png").write_bytes(encode_png(image))
    console.print(f"{len(images)} faces in {out}", highlight=False)
