"""The ``trusted`` commands: status and steps through the same routes, offline card checks,
the measured matcher, errors as one line with exit 2."""

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from smartborder.trusted import checklist
from tests.cli.test_data_commands import run as run_cli


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the command line; the result has exit_code and output (stdout then stderr)."""

    def call(*args: str) -> SimpleNamespace:
        code, out, err = run_cli(list(args), capsys)
        return SimpleNamespace(exit_code=code, output=out + err, stdout=out)

    return call


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SMARTBORDER_TRUSTED_TEST_KEYS", "1")
    return f"sqlite:///{tmp_path / 'cli.db'}"


def seed_facility(db: str) -> int:
    from smartborder.service.db import session_factory, upgrade
    from smartborder.service.trusted_models import Audit, Company, Facility

    upgrade(db)
    with session_factory(db)() as session:
        session.add(Company(id="acme", name="ACME", kind="manufacturer", country="MX"))
        session.flush()
        session.add(Facility(id="plant-1", company_id="acme", name="Planta", kind="plant", country="MX"))
        session.flush()
        audit = Audit(
            facility_id="plant-1",
            on=dt.date(2024, 3, 1),
            auditor="t",
            passed=True,
            score=1.0,
            result={"reasons": []},
            findings=[],
        )
        session.add(audit)
        session.commit()
        return audit.id


def test_certification_steps_and_status(run, db: str) -> None:
    audit_id = seed_facility(db)
    r = run(
        "trusted",
        "certification",
        "plant-1",
        "certified",
        "--on",
        "2024-03-02",
        "--audit-id",
        str(audit_id),
        "--db",
        db,
        "--json",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["trusted"] is True
    r = run("trusted", "certification", "plant-1", "suspended", "--on", "2024-04-01", "--db", db)
    assert r.exit_code == 2 and "error: reason: a suspended certification needs a reason" in r.output
    r = run(
        "trusted",
        "certification",
        "plant-1",
        "suspended",
        "--on",
        "2024-04-01",
        "--reason",
        "seal log gaps",
        "--db",
        db,
    )
    assert r.exit_code == 0
    r = run("trusted", "status", "company", "acme", "--on", "2024-05-01", "--db", db, "--json")
    body = json.loads(r.stdout)
    assert body["trusted"] is False and "seal log gaps" in body["reasons"][0]
    r = run("trusted", "status", "facility", "nowhere", "--db", db)
    assert r.exit_code == 2 and "facility_id: no facility 'nowhere'" in r.output
    r = run("trusted", "status", "ship", "x", "--db", db)
    assert r.exit_code == 2 and "kind: expected facility, company or person" in r.output


def test_revoke_unknown_card_and_missing_image(run, db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = run("trusted", "revoke", "nope", "--reason", "x", "--db", db)
    assert r.exit_code == 2 and "card_id: no card 'nope'" in r.output
    r = run("trusted", "enrol", "app-1", str(tmp_path / "missing.png"), "--db", db)
    assert r.exit_code == 2 and "image: file" in r.output


def test_verify_card_offline(run) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from smartborder.trusted.cards import public_key_text, sign_card

    key = Ed25519PrivateKey.generate()
    card = sign_card(key, "c1", "p1", "SENTRI", dt.date(2024, 1, 1), dt.date(2029, 1, 1))
    ok = run("trusted", "verify-card", card, "--public-key", public_key_text(key), "--on", "2025-01-01", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["valid"] is True
    other = public_key_text(Ed25519PrivateKey.generate())
    bad = run("trusted", "verify-card", card, "--public-key", other, "--on", "2025-01-01")
    assert bad.exit_code == 1 and "NOT VALID" in bad.output
    r = run("trusted", "verify-card", card, "--public-key", "short")
    assert r.exit_code == 2 and "public-key" in r.output


def test_keys_criteria_and_faces(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = run("trusted", "keys")
    assert r.exit_code == 0 and "SMARTBORDER_CARD_KEY=" in r.output and "SMARTBORDER_TEMPLATE_KEY=" in r.output
    r = run("trusted", "criteria", "--json")
    assert len(json.loads(r.stdout)["criteria"]) == len(checklist().criteria)
    r = run("trusted", "biometrics", "sample-faces", str(tmp_path), "--identities", "2", "--samples", "2")
    assert r.exit_code == 0 and sorted(p.name for p in tmp_path.iterdir()) == [
        "person0_0.png",
        "person0_1.png",
        "person1_0.png",
        "person1_1.png",
    ]


def test_biometrics_evaluate_prints_both_rates(run) -> None:
    r = run(
        "trusted", "biometrics", "evaluate", "--identities", "6", "--samples", "3", "--dev-identities", "4", "--json"
    )
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["threshold"] == 141.44 and body["fmr"]["trials"] > 0 and body["fnmr"]["trials"] > 0
    r = run("trusted", "biometrics", "evaluate", "--identities", "6", "--samples", "3", "--dev-identities", "4")
    assert "false match (FMR)" in r.output and "false non-match (FNMR)" in r.output


def seed_crossings(db: str, port: str, on: dt.date, n: int) -> None:
    from smartborder.service.db import session_factory, upgrade
    from smartborder.service.trusted_models import Card, Crossing, TravellerApplication

    upgrade(db)
    with session_factory(db)() as session:
        session.add(
            TravellerApplication(
                id="a1",
                person_id="d1",
                program="FAST",
                full_name="D",
                dob=dt.date(1980, 1, 1),
                nationality="MX",
                document_number="X1",
                document_expires=dt.date(2030, 1, 1),
                state="issued",
                filed=on,
            )
        )
        session.flush()
        session.add(
            Card(
                id="c1",
                person_id="d1",
                application_id="a1",
                program="FAST",
                issued=on,
                expires=dt.date(2029, 1, 1),
                status="active",
                signed="SB1.x.y",
            )
        )
        session.flush()
        for outcome in ["trusted_lane"] * n + ["referred"]:  # a referred crossing does not count
            session.add(
                Crossing(
                    card_id="c1",
                    port_code=port,
                    vehicle="truck",
                    lane="FAST",
                    on=on,
                    verified=True,
                    outcome=outcome,
                    reasons=[],
                    recorded_by="t",
                )
            )
        session.commit()


def test_simulate_reads_trusted_shares_from_the_registry(run, db: str) -> None:
    seed_crossings(db, "2505", dt.date(2024, 6, 3), 3)  # Tecate: few trucks, a quick run
    r = run(
        "simulate",
        "tecate",
        "--month",
        "2024-06",
        "--class",
        "truck",
        "-r",
        "1",
        "--trusted-from-registry",
        "--db",
        db,
        "--json",
    )
    assert r.exit_code == 0, r.output
    assert "trusted shares from the registry: truck FAST 0.1%" in r.output
    r = run("simulate", "otay mesa", "--month", "2024-06", "--trusted-from-registry", "--db", db)
    assert r.exit_code == 2 and "registry holds no trusted-lane crossings at Otay Mesa" in r.output
    r = run("simulate", "--border", "mexico", "--trusted-from-registry", "--db", db)
    assert r.exit_code == 2 and "give one existing port" in r.output


def test_registry_shares_are_counts_over_bts_volume(db: str) -> None:
    import pandas as pd

    from smartborder import data
    from smartborder.ports import default_spec
    from smartborder.service.trusted_registry import registry_shares

    seed_crossings(db, "2304", dt.date(2024, 6, 3), 3)
    spec = default_spec("world trade bridge", 2024)  # registry crossings are counted by BTS port
    shares = registry_shares(spec, [pd.Period("2024-06", "M")], db)
    volume = data.monthly_series("2304", "Trucks", data.MonthRange.parse("2024-06", "2024-06")).sum()
    assert shares == {"truck": {"FAST": pytest.approx(3 / volume)}}
    with pytest.raises(Exception, match="no trusted-lane crossings"):
        registry_shares(spec, [pd.Period("2024-07", "M")], db)
